//! The loop benchmark workloads (`benches/common_loops/`, plus Rosenbrock-100, the fixed point
//! and the element loop reused from `benches/common*`) are checked here before anyone times them,
//! table-driven: every hand-written AND every generated gradient against central finite
//! differences of the primal in `f64`, the values against the primal, and generated == hand.
//! Each workload's inputs are flattened into one `&[f64]` so one table covers them all.

#[path = "../common/mod.rs"]
mod common;
#[path = "../common_loops/mod.rs"]
mod common_loops;
#[path = "../common_matrix/mod.rs"]
mod common_matrix;

use autodiff::check::{
    DEFAULT_ETA, GradCheckError, Tolerance, assert_close, check_close, check_gradient, check_slices,
};
use autodiff::prelude::*;
use common::*;
use common_loops::calls::*;
use common_loops::extra::*;
use common_loops::filter::*;
use common_loops::generic::*;
use common_loops::gmm::*;
use common_loops::heat::*;
use common_loops::heat_forms;
use common_loops::heldout::*;
use common_loops::iter_forms::*;
use common_loops::lookups::*;
use common_loops::lse::*;
use common_loops::newton::*;
use common_loops::probe::*;
use common_loops::probe2::*;
use common_loops::views::*;
use common_loops::wave::*;
#[path = "loops_cases/probe5.rs"]
mod probe5_cases;
use common_matrix::{ELEM_N, elem_input, elem_loop, elem_loop_grad, elem_loop_hand};
use probe5_cases::probe5_cases;

type Scalar = Box<dyn Fn(&[f64]) -> f64>;
type Gradient = Box<dyn Fn(&[f64]) -> (f64, Vec<f64>)>;

/// One row: a point, the primal and both gradients over the flattened inputs, and the
/// finite-difference tolerance (its absolute part scaled to the size of the primal's value,
/// since the central difference's rounding error is about `ε |f| / η`).
struct Case {
    name: &'static str,
    x: Vec<f64>,
    primal: Scalar,
    generated: Gradient,
    hand: Gradient,
    fd_tol: Tolerance,
    /// The finite-difference step.
    eta: f64,
}

/// `[a, b]` flattened.
fn cat(a: &[f64], b: &[f64]) -> Vec<f64> {
    a.iter().chain(b).copied().collect()
}

/// The dense layer's weights (rows of `LAYER_N`) and inputs from one flat vector.
fn layer_split(v: &[f64]) -> (Vec<Vec<f64>>, Vec<f64>) {
    let n = LAYER_N;
    (
        v[..n * n].chunks(n).map(<[f64]>::to_vec).collect(),
        v[n * n..].to_vec(),
    )
}

fn lse_case() -> Case {
    Case {
        name: "lse1000",
        x: lse_input(LSE_N),
        primal: Box::new(logsumexp),
        generated: Box::new(logsumexp_grad),
        hand: Box::new(logsumexp_hand),
        fd_tol: Tolerance::new(1e-7, 1e-6),
        eta: DEFAULT_ETA,
    }
}

fn newton_case(p: f64, c: f64) -> Case {
    Case {
        name: "newton_cubic",
        x: vec![p, c],
        primal: Box::new(|v| newton_cubic(v[0], v[1])),
        generated: Box::new(|v| {
            let (x, (dp, dc)) = newton_cubic_grad(v[0], v[1]);
            (x, vec![dp, dc])
        }),
        hand: Box::new(|v| {
            let (x, (dp, dc)) = newton_cubic_hand(v[0], v[1]);
            (x, vec![dp, dc])
        }),
        fd_tol: Tolerance::new(1e-8, 1e-6),
        eta: DEFAULT_ETA,
    }
}

/// `u0` then `k`, for both stencil forms.
/// A workload of a slice and a number (the stencils' `(u0, k)`, Horner's `(c, x)`): its value,
/// and its value and gradient.
type SliceAndNumber = fn(&[f64], f64) -> f64;
type SliceAndNumberGrad = fn(&[f64], f64) -> (f64, (Vec<f64>, f64));

/// A workload of a slice and a number, flattened as `[slice.., number]`.
fn slice_and_number_case(
    name: &'static str,
    x: Vec<f64>,
    primal: SliceAndNumber,
    [generated, hand]: [SliceAndNumberGrad; 2],
    fd_tol: Tolerance,
    eta: f64,
) -> Case {
    let split = |v: &[f64]| (v[..v.len() - 1].to_vec(), v[v.len() - 1]);
    let pack = |(s, (g, dk)): (f64, (Vec<f64>, f64))| (s, cat(&g, &[dk]));
    Case {
        name,
        x,
        primal: Box::new(move |v| {
            let (u, k) = split(v);
            primal(&u, k)
        }),
        generated: Box::new(move |v| {
            let (u, k) = split(v);
            pack(generated(&u, k))
        }),
        hand: Box::new(move |v| {
            let (u, k) = split(v);
            pack(hand(&u, k))
        }),
        fd_tol,
        eta,
    }
}

fn heat_case(name: &'static str, swap: bool, k: f64) -> Case {
    let (primal, generated): (SliceAndNumber, SliceAndNumberGrad) = if swap {
        (heat_swap, heat_swap_grad)
    } else {
        (heat, heat_grad)
    };
    slice_and_number_case(
        name,
        cat(&heat_input(HEAT_N), &[k]),
        primal,
        [generated, heat_hand],
        Tolerance::new(1e-7, 1e-6),
        DEFAULT_ETA,
    )
}

/// The heat stencil in its other spellings (`common_loops/heat_forms.rs`), against the
/// hand-written gradient of the function each computes.
fn heat_forms_cases() -> Vec<Case> {
    let forms: [(
        &'static str,
        SliceAndNumber,
        SliceAndNumberGrad,
        SliceAndNumberGrad,
    ); 4] = [
        (
            "heat_push100x50",
            heat_forms::heat_push,
            heat_forms::heat_push_grad,
            heat_hand,
        ),
        (
            "heat_clone100x50",
            heat_forms::heat_clone,
            heat_forms::heat_clone_grad,
            heat_hand,
        ),
        (
            "heat_interior100x50",
            heat_forms::heat_interior,
            heat_forms::heat_interior_grad,
            heat_forms::heat_interior_hand,
        ),
        (
            "heat_while100x50",
            heat_forms::heat_while,
            heat_forms::heat_while_grad,
            heat_hand,
        ),
    ];
    forms
        .into_iter()
        .map(|(name, primal, generated, hand)| {
            slice_and_number_case(
                name,
                cat(&heat_input(HEAT_N), &[HEAT_K]),
                primal,
                [generated, hand],
                Tolerance::new(1e-7, 1e-6),
                DEFAULT_ETA,
            )
        })
        .collect()
}

/// The loops over borrowed elements (`common_loops/iter_forms.rs`).
fn iter_forms_cases() -> Vec<Case> {
    let (xs, ys) = iter_input(200);
    let n = xs.len();
    let linreg = Case {
        name: "linreg_zip",
        x: [&xs[..], &ys[..], &[0.3, 0.1]].concat(),
        primal: Box::new(move |v| linreg_iter(&v[..n], &v[n..2 * n], v[2 * n], v[2 * n + 1])),
        generated: Box::new(move |v| {
            let (s, (gx, gy, gw, gb)) =
                linreg_iter_grad(&v[..n], &v[n..2 * n], v[2 * n], v[2 * n + 1]);
            (s, [&gx[..], &gy[..], &[gw, gb]].concat())
        }),
        hand: Box::new(move |v| {
            let (s, (gx, gy, gw, gb)) = linreg_hand(&v[..n], &v[n..2 * n], v[2 * n], v[2 * n + 1]);
            (s, [&gx[..], &gy[..], &[gw, gb]].concat())
        }),
        fd_tol: Tolerance::new(1e-7, 1e-6),
        eta: DEFAULT_ETA,
    };
    let forms: [(
        &'static str,
        SliceAndNumber,
        SliceAndNumberGrad,
        SliceAndNumberGrad,
    ); 3] = [
        (
            "weighted_deref",
            weighted_deref,
            weighted_deref_grad,
            weighted_hand,
        ),
        (
            "weighted_pattern",
            weighted_pattern,
            weighted_pattern_grad,
            weighted_hand,
        ),
        ("map_iter", map_iter, map_iter_grad, map_hand),
    ];
    let mut cases = vec![linreg];
    cases.extend(forms.into_iter().map(|(name, primal, generated, hand)| {
        slice_and_number_case(
            name,
            cat(&xs, &[0.3]),
            primal,
            [generated, hand],
            Tolerance::new(1e-7, 1e-6),
            DEFAULT_ETA,
        )
    }));
    cases
}

/// The workloads written generic over `T: Real`, at `T = f64`, against the hand-written
/// gradients of their `f64` twins.
fn generic_cases() -> Vec<Case> {
    vec![
        slice_and_number_case(
            "generic heat_swap100x50",
            cat(&heat_input(HEAT_N), &[HEAT_K]),
            heat_swap_generic,
            [heat_swap_generic_grad, heat_hand],
            Tolerance::new(1e-7, 1e-6),
            DEFAULT_ETA,
        ),
        // the step of the `f64` Horner case (see there)
        slice_and_number_case(
            "generic horner1000",
            cat(&horner_coefficients(HORNER_DEGREE + 1), &[HORNER_X]),
            horner_generic,
            [horner_generic_grad, horner_hand],
            Tolerance::new(1e-6, 1e-6),
            1e-7,
        ),
    ]
}

/// `alphas`, `means`, `icf` flattened; the points are data.
fn gmm_case(wishart: Wishart, n: usize) -> Case {
    let (a, m, q, x) = gmm_input(GMM_D, GMM_K, n);
    let (ka, km) = (a.len(), a.len() + m.len());
    let x1 = x.clone();
    let x2 = x.clone();
    let parts = move |v: &[f64]| (v[..ka].to_vec(), v[ka..km].to_vec(), v[km..].to_vec());
    let pack = |(e, (ga, gm, gq)): (f64, GmmGrad)| (e, cat(&cat(&ga, &gm), &gq));
    Case {
        name: "gmm_d2_k5",
        x: cat(&cat(&a, &m), &q),
        primal: Box::new(move |v| {
            let (a, m, q) = parts(v);
            gmm_objective(&a, &m, &q, &x, GMM_D, wishart)
        }),
        generated: Box::new(move |v| {
            let (a, m, q) = parts(v);
            pack(gmm_objective_grad(&a, &m, &q, &x1, GMM_D, wishart))
        }),
        hand: Box::new(move |v| {
            let (a, m, q) = parts(v);
            pack(gmm_objective_hand(&a, &m, &q, &x2, GMM_D, wishart))
        }),
        fd_tol: Tolerance::new(1e-5, 1e-6),
        eta: DEFAULT_ETA,
    }
}

fn reused_cases() -> Vec<Case> {
    let shape = |v: &[f64]| DMatrix::from_column_slice(ELEM_N, ELEM_N, v);
    vec![
        Case {
            name: "rosenbrock100",
            x: rosenbrock_point(100),
            primal: Box::new(rosenbrock),
            generated: Box::new(rosenbrock_grad),
            hand: Box::new(rosenbrock_hand),
            fd_tol: Tolerance::new(1e-6, 1e-6),
            eta: DEFAULT_ETA,
        },
        Case {
            name: "fixed_point20",
            x: vec![FP_P],
            primal: Box::new(|v| fixed_point(v[0])),
            generated: Box::new(|v| {
                let (x, d) = fixed_point_grad(v[0]);
                (x, vec![d])
            }),
            hand: Box::new(|v| {
                let (x, d) = fixed_point_hand(v[0]);
                (x, vec![d])
            }),
            fd_tol: Tolerance::new(1e-8, 1e-6),
            eta: DEFAULT_ETA,
        },
        Case {
            name: "elem_loop_100",
            x: elem_input(ELEM_N).as_slice().to_vec(),
            primal: Box::new(move |v| elem_loop(&shape(v))),
            generated: Box::new(move |v| {
                let (s, g) = elem_loop_grad(&shape(v));
                (s, g.as_slice().to_vec())
            }),
            hand: Box::new(move |v| {
                let (s, g) = elem_loop_hand(&shape(v));
                (s, g.as_slice().to_vec())
            }),
            fd_tol: Tolerance::new(1e-6, 1e-6),
            eta: DEFAULT_ETA,
        },
    ]
}

fn extra_cases() -> Vec<Case> {
    let coef = horner_coefficients(HORNER_DEGREE + 1);
    vec![
        // Degree 1000: p''' is large (~1e9 here), so a step of 1e-5 has a truncation error of
        // about 1e-4 on ∂/∂x; 1e-7 brings it to 1e-8 (coefficients enter linearly: exact).
        slice_and_number_case(
            "horner1000",
            cat(&coef, &[HORNER_X]),
            horner,
            [horner_grad, horner_hand],
            Tolerance::new(1e-6, 1e-6),
            1e-7,
        ),
        Case {
            name: "lennard_jones64",
            x: lj_positions(LJ_PARTICLES),
            primal: Box::new(lennard_jones),
            generated: Box::new(lennard_jones_grad),
            hand: Box::new(lennard_jones_hand),
            fd_tol: Tolerance::new(1e-6, 1e-6),
            eta: DEFAULT_ETA,
        },
        Case {
            name: "rnn1000",
            x: cat(&[RNN_W], &rnn_inputs(RNN_STEPS)),
            primal: Box::new(|v| rnn(v[0], &v[1..])),
            generated: Box::new(|v| {
                let (s, (gw, gx)) = rnn_grad(v[0], &v[1..]);
                (s, cat(&[gw], &gx))
            }),
            hand: Box::new(|v| {
                let (s, (gw, gx)) = rnn_hand(v[0], &v[1..]);
                (s, cat(&[gw], &gx))
            }),
            fd_tol: Tolerance::new(1e-7, 1e-6),
            eta: DEFAULT_ETA,
        },
    ]
}

/// The held-out workloads (`benches/common_loops/heldout.rs`): data-only inputs are captured,
/// the differentiated ones flattened.
fn heldout_cases() -> Vec<Case> {
    let (w, lx, ly) = logistic_input(LOGISTIC_N, LOGISTIC_D);
    let (lx2, ly2) = (lx.clone(), ly.clone());
    let (lx3, ly3) = (lx.clone(), ly.clone());
    let (force, target) = oscillator_input(OSC_STEPS);
    let (f2, t2) = (force.clone(), target.clone());
    let (f3, t3) = (force.clone(), target.clone());
    let last = |v: &[f64]| (v[..v.len() - 1].to_vec(), v[v.len() - 1]);
    let pack = |(s, (g, d)): (f64, (Vec<f64>, f64))| (s, cat(&g, &[d]));
    let side = JACOBI_SIDE;
    vec![
        Case {
            name: "logistic500x8",
            x: w,
            primal: Box::new(move |v| logistic(v, &lx, &ly)),
            generated: Box::new(move |v| logistic_grad(v, &lx2, &ly2)),
            hand: Box::new(move |v| logistic_hand(v, &lx3, &ly3)),
            fd_tol: Tolerance::new(1e-6, 1e-6),
            eta: DEFAULT_ETA,
        },
        Case {
            name: "kepler100",
            x: cat(&kepler_input(KEPLER_N), &[KEPLER_E]),
            primal: Box::new(move |v| {
                let (m, e) = last(v);
                kepler(&m, e)
            }),
            generated: Box::new(move |v| {
                let (m, e) = last(v);
                pack(kepler_grad(&m, e))
            }),
            hand: Box::new(move |v| {
                let (m, e) = last(v);
                pack(kepler_hand(&m, e))
            }),
            fd_tol: Tolerance::new(1e-7, 1e-6),
            eta: DEFAULT_ETA,
        },
        Case {
            name: "jacobi2d16x16x20",
            x: cat(&jacobi2d_input(side), &[JACOBI_K]),
            primal: Box::new(move |v| {
                let (u, k) = last(v);
                jacobi2d(&u, k, side)
            }),
            generated: Box::new(move |v| {
                let (u, k) = last(v);
                pack(jacobi2d_grad(&u, k, side))
            }),
            hand: Box::new(move |v| {
                let (u, k) = last(v);
                pack(jacobi2d_hand(&u, k, side))
            }),
            fd_tol: Tolerance::new(1e-7, 1e-6),
            eta: DEFAULT_ETA,
        },
        Case {
            name: "oscillator1000",
            x: vec![OSC_KC.0, OSC_KC.1],
            primal: Box::new(move |v| oscillator(v[0], v[1], &force, &target)),
            generated: Box::new(move |v| {
                let (l, (gk, gc)) = oscillator_grad(v[0], v[1], &f2, &t2);
                (l, vec![gk, gc])
            }),
            hand: Box::new(move |v| {
                let (l, (gk, gc)) = oscillator_hand(v[0], v[1], &f3, &t3);
                (l, vec![gk, gc])
            }),
            fd_tol: Tolerance::new(1e-6, 1e-6),
            eta: DEFAULT_ETA,
        },
        Case {
            name: "kernel_pairs64",
            x: cat(&kernel_input(KERNEL_POINTS), &[KERNEL_S]),
            primal: Box::new(move |v| {
                let (p, s) = last(v);
                kernel_pairs(&p, s)
            }),
            generated: Box::new(move |v| {
                let (p, s) = last(v);
                pack(kernel_pairs_grad(&p, s))
            }),
            hand: Box::new(move |v| {
                let (p, s) = last(v);
                pack(kernel_pairs_hand(&p, s))
            }),
            fd_tol: Tolerance::new(1e-6, 1e-6),
            eta: DEFAULT_ETA,
        },
        Case {
            name: "slice_pairs30",
            x: slice_pairs_input(SLICE_PAIRS_N),
            primal: Box::new(slice_pairs),
            generated: Box::new(slice_pairs_grad),
            hand: Box::new(slice_pairs_hand),
            fd_tol: Tolerance::new(1e-6, 1e-6),
            eta: DEFAULT_ETA,
        },
        Case {
            name: "dense_layer32",
            x: {
                let (w, x) = dense_layer_input(LAYER_N);
                cat(&w.concat(), &x)
            },
            primal: Box::new(|v| {
                let (w, x) = layer_split(v);
                dense_layer(&w, &x)
            }),
            generated: Box::new(|v| {
                let (w, x) = layer_split(v);
                let (y, (gw, gx)) = dense_layer_grad(&w, &x);
                (y, cat(&gw.concat(), &gx))
            }),
            hand: Box::new(|v| {
                let (w, x) = layer_split(v);
                let (y, (gw, gx)) = dense_layer_hand(&w, &x);
                (y, cat(&gw.concat(), &gx))
            }),
            fd_tol: Tolerance::new(1e-6, 1e-6),
            eta: DEFAULT_ETA,
        },
        Case {
            name: "wave100x50",
            x: cat(&wave_input(WAVE_N).0, &[WAVE_C]),
            primal: Box::new(move |v| {
                let (u, c) = last(v);
                wave(&u, c, &wave_input(WAVE_N).1)
            }),
            generated: Box::new(move |v| {
                let (u, c) = last(v);
                pack(wave_grad(&u, c, &wave_input(WAVE_N).1))
            }),
            hand: Box::new(move |v| {
                let (u, c) = last(v);
                pack(wave_hand(&u, c, &wave_input(WAVE_N).1))
            }),
            fd_tol: Tolerance::new(1e-7, 1e-6),
            eta: DEFAULT_ETA,
        },
        Case {
            name: "cumprod1000",
            x: cumprod_input(CUMPROD_N),
            primal: Box::new(cumprod_sum),
            generated: Box::new(cumprod_sum_grad),
            hand: Box::new(cumprod_sum_hand),
            fd_tol: Tolerance::new(1e-6, 1e-6),
            eta: DEFAULT_ETA,
        },
    ]
}

/// The held-out workloads of the outside probe (`common_loops/probe.rs`).
fn probe_cases() -> Vec<Case> {
    let n = GRID_N;
    let grid = move |v: &[f64]| -> (Vec<Vec<f64>>, f64) {
        (
            v[..n * n].chunks(n).map(<[f64]>::to_vec).collect(),
            v[n * n],
        )
    };
    let pack_grid = |(s, (g, dk)): (f64, (Vec<Vec<f64>>, f64))| (s, cat(&g.concat(), &[dk]));
    let (ys, qs, xs, target) = interp_input();
    let (k, q) = (ys.len(), qs.len());
    let (xs1, t1, xs2, t2, xs3, t3) = (
        xs.clone(),
        target.clone(),
        xs.clone(),
        target.clone(),
        xs,
        target,
    );
    let (p, obs) = lv_input(LV_STEPS);
    let (o1, o2, o3) = (obs.clone(), obs.clone(), obs);
    let pack2 = |(l, (a, b)): (f64, (Vec<f64>, Vec<f64>))| (l, cat(&a, &b));
    vec![
        Case {
            name: "grid_diffusion24x20",
            x: cat(&grid_input(GRID_N).concat(), &[GRID_K]),
            primal: Box::new(move |v| {
                let (u, k) = grid(v);
                grid_diffusion(&u, k)
            }),
            generated: Box::new(move |v| {
                let (u, k) = grid(v);
                pack_grid(grid_diffusion_grad(&u, k))
            }),
            hand: Box::new(move |v| {
                let (u, k) = grid(v);
                pack_grid(grid_diffusion_hand(&u, k))
            }),
            fd_tol: Tolerance::new(1e-6, 1e-6),
            eta: DEFAULT_ETA,
        },
        Case {
            name: "interp_fit64x500",
            x: cat(&ys, &qs),
            primal: Box::new(move |v| interp_fit(&v[..k], &v[k..k + q], &xs1, &t1)),
            generated: Box::new(move |v| pack2(interp_fit_grad(&v[..k], &v[k..k + q], &xs2, &t2))),
            hand: Box::new(move |v| pack2(interp_fit_hand(&v[..k], &v[k..k + q], &xs3, &t3))),
            fd_tol: Tolerance::new(1e-6, 1e-6),
            eta: DEFAULT_ETA,
        },
        Case {
            name: "lotka_volterra500",
            x: p,
            primal: Box::new(move |v| lotka_volterra(v, &o1)),
            generated: Box::new(move |v| lotka_volterra_grad(v, &o2)),
            hand: Box::new(move |v| lotka_volterra_hand(v, &o3)),
            fd_tol: Tolerance::new(1e-6, 1e-6),
            eta: DEFAULT_ETA,
        },
    ]
}

/// Rows of `n` from a flat slice.
fn rows(v: &[f64], n: usize) -> Vec<Vec<f64>> {
    v.chunks(n).map(<[f64]>::to_vec).collect()
}

/// The workloads of the second outside probe (`common_loops/probe2.rs`).
fn probe2_cases() -> Vec<Case> {
    let pack2 = |(l, (a, b)): (f64, (Vec<f64>, Vec<f64>))| (l, cat(&a, &b));
    let pack_vs = |(l, (a, s)): (f64, (Vec<f64>, f64))| (l, cat(&a, &[s]));
    let mut cases = Vec::new();

    let (w, x) = conv1d_input();
    let nw = w.len();
    cases.push(Case {
        name: "conv1d1024x16",
        x: cat(&w, &x),
        primal: Box::new(move |v| conv1d(&v[..nw], &v[nw..])),
        generated: Box::new(move |v| pack2(conv1d_grad(&v[..nw], &v[nw..]))),
        hand: Box::new(move |v| pack2(conv1d_hand(&v[..nw], &v[nw..]))),
        fd_tol: Tolerance::new(1e-6, 1e-6),
        eta: DEFAULT_ETA,
    });

    let (f, t) = gauss_seidel_input();
    let n = f.len();
    let (t1, t2, t3) = (t.clone(), t.clone(), t);
    cases.push(Case {
        name: "gauss_seidel128x30",
        x: cat(&f, &[GS_H]),
        primal: Box::new(move |v| gauss_seidel(&v[..n], v[n], &t1)),
        generated: Box::new(move |v| pack_vs(gauss_seidel_grad(&v[..n], v[n], &t2))),
        hand: Box::new(move |v| pack_vs(gauss_seidel_hand(&v[..n], v[n], &t3))),
        fd_tol: Tolerance::new(1e-6, 1e-6),
        eta: DEFAULT_ETA,
    });

    let (x0, t) = spring_chain_input();
    let n = x0.len();
    let (t1, t2, t3) = (t.clone(), t.clone(), t);
    cases.push(Case {
        name: "spring_chain64x50",
        x: cat(&x0, &[CHAIN_K]),
        primal: Box::new(move |v| spring_chain(&v[..n], v[n], &t1)),
        generated: Box::new(move |v| pack_vs(spring_chain_grad(&v[..n], v[n], &t2))),
        hand: Box::new(move |v| pack_vs(spring_chain_hand(&v[..n], v[n], &t3))),
        fd_tol: Tolerance::new(1e-6, 1e-6),
        eta: DEFAULT_ETA,
    });

    let (w, x, labels) = softmax_xent_input();
    let (x1, l1, x2, l2, x3, l3) = (
        x.clone(),
        labels.clone(),
        x.clone(),
        labels.clone(),
        x,
        labels,
    );
    cases.push(Case {
        name: "softmax_xent200x8x5",
        x: w,
        primal: Box::new(move |v| softmax_xent(v, &x1, &l1, SM_C)),
        generated: Box::new(move |v| softmax_xent_grad(v, &x2, &l2, SM_C)),
        hand: Box::new(move |v| softmax_xent_hand(v, &x3, &l3, SM_C)),
        fd_tol: Tolerance::new(1e-6, 1e-6),
        eta: DEFAULT_ETA,
    });

    let (x, y) = chain_energy_input();
    let n = x.len();
    let pack3 = |(e, (gx, gy, gl)): (f64, (Vec<f64>, Vec<f64>, f64))| {
        let mut g = cat(&gx, &gy);
        g.push(gl);
        (e, g)
    };
    let mut p = cat(&x, &y);
    p.push(CE_L);
    cases.push(Case {
        name: "chain_energy1000",
        x: p,
        primal: Box::new(move |v| chain_energy(&v[..n], &v[n..2 * n], v[2 * n])),
        generated: Box::new(move |v| pack3(chain_energy_grad(&v[..n], &v[n..2 * n], v[2 * n]))),
        hand: Box::new(move |v| pack3(chain_energy_hand(&v[..n], &v[n..2 * n], v[2 * n]))),
        fd_tol: Tolerance::new(1e-6, 1e-6),
        eta: DEFAULT_ETA,
    });

    let (a, b, t) = scan_push_input();
    let n = a.len();
    let (t1, t2, t3) = (t.clone(), t.clone(), t);
    cases.push(Case {
        name: "scan_push2000",
        x: cat(&a, &b),
        primal: Box::new(move |v| scan_push(&v[..n], &v[n..], &t1)),
        generated: Box::new(move |v| pack2(scan_push_grad(&v[..n], &v[n..], &t2))),
        hand: Box::new(move |v| pack2(scan_push_hand(&v[..n], &v[n..], &t3))),
        fd_tol: Tolerance::new(1e-6, 1e-6),
        eta: DEFAULT_ETA,
    });

    let (w1, b1, w2, b2, xs, ys) = mlp2_input();
    let (nh, ni) = (MLP_HIDDEN, MLP_IN);
    let split = move |v: &[f64]| -> (Vec<Vec<f64>>, Vec<f64>, Vec<f64>, f64) {
        let o = nh * ni;
        (
            rows(&v[..o], ni),
            v[o..o + nh].to_vec(),
            v[o + nh..o + 2 * nh].to_vec(),
            v[o + 2 * nh],
        )
    };
    let pack_mlp = |(l, (gw1, gb1, gw2, gb2)): (f64, Mlp2Grad)| {
        let mut g = gw1.concat();
        g.extend(gb1);
        g.extend(gw2);
        g.push(gb2);
        (l, g)
    };
    let mut p = w1.concat();
    p.extend(&b1);
    p.extend(&w2);
    p.push(b2);
    let (xs1, ys1, xs2, ys2, xs3, ys3) = (xs.clone(), ys.clone(), xs.clone(), ys.clone(), xs, ys);
    cases.push(Case {
        name: "mlp2_32x8x16",
        x: p,
        primal: Box::new(move |v| {
            let (w1, b1, w2, b2) = split(v);
            mlp2(&w1, &b1, &w2, b2, &xs1, &ys1)
        }),
        generated: Box::new(move |v| {
            let (w1, b1, w2, b2) = split(v);
            pack_mlp(mlp2_grad(&w1, &b1, &w2, b2, &xs2, &ys2))
        }),
        hand: Box::new(move |v| {
            let (w1, b1, w2, b2) = split(v);
            pack_mlp(mlp2_hand(&w1, &b1, &w2, b2, &xs3, &ys3))
        }),
        fd_tol: Tolerance::new(1e-6, 1e-6),
        eta: DEFAULT_ETA,
    });

    let (theta, x, y) = huber_fit_input();
    let (x1, y1, x2, y2, x3, y3) = (x.clone(), y.clone(), x.clone(), y.clone(), x, y);
    cases.push(Case {
        name: "huber_fit2000",
        x: cat(&theta, &[HUBER_DELTA]),
        primal: Box::new(move |v| huber_fit(&v[..3], v[3], &x1, &y1)),
        generated: Box::new(move |v| pack_vs(huber_fit_grad(&v[..3], v[3], &x2, &y2))),
        hand: Box::new(move |v| pack_vs(huber_fit_hand(&v[..3], v[3], &x3, &y3))),
        fd_tol: Tolerance::new(1e-6, 1e-6),
        eta: DEFAULT_ETA,
    });
    let (theta, x, y) = huber_fit_input();
    let (x1, y1, x2, y2, x3, y3) = (x.clone(), y.clone(), x.clone(), y.clone(), x, y);
    cases.push(Case {
        name: "huber_inline2000",
        x: cat(&theta, &[HUBER_DELTA]),
        primal: Box::new(move |v| huber_fit_inline(&v[..3], v[3], &x1, &y1)),
        generated: Box::new(move |v| pack_vs(huber_fit_inline_grad(&v[..3], v[3], &x2, &y2))),
        hand: Box::new(move |v| pack_vs(huber_fit_hand(&v[..3], v[3], &x3, &y3))),
        fd_tol: Tolerance::new(1e-6, 1e-6),
        eta: DEFAULT_ETA,
    });
    let (theta, x, y) = huber_fit_input();
    let (x1, y1, x2, y2, x3, y3) = (x.clone(), y.clone(), x.clone(), y.clone(), x, y);
    cases.push(Case {
        name: "huber_value2000",
        x: cat(&theta, &[HUBER_DELTA]),
        primal: Box::new(move |v| huber_fit_value(&v[..3], v[3], &x1, &y1)),
        generated: Box::new(move |v| pack_vs(huber_fit_value_grad(&v[..3], v[3], &x2, &y2))),
        hand: Box::new(move |v| pack_vs(huber_fit_hand(&v[..3], v[3], &x3, &y3))),
        fd_tol: Tolerance::new(1e-6, 1e-6),
        eta: DEFAULT_ETA,
    });
    let (p, x, y) = series_fit_input();
    let (x1, y1, x2, y2, x3, y3) = (x.clone(), y.clone(), x.clone(), y.clone(), x, y);
    cases.push(Case {
        name: "series_fit1000",
        x: p,
        primal: Box::new(move |v| series_fit(v, &x1, &y1)),
        generated: Box::new(move |v| series_fit_grad(v, &x2, &y2)),
        hand: Box::new(move |v| series_fit_hand(v, &x3, &y3)),
        fd_tol: Tolerance::new(1e-6, 1e-6),
        eta: DEFAULT_ETA,
    });
    cases
}

fn all_cases() -> Vec<Case> {
    let mut cases = vec![
        lse_case(),
        newton_case(NEWTON_PC.0, NEWTON_PC.1),
        newton_case(0.5, -3.0),
        newton_case(4.0, 0.1),
        heat_case("heat100x50", false, HEAT_K),
        heat_case("heat100x50, k = 0.45", false, 0.45),
        heat_case("heat_swap100x50", true, HEAT_K),
        heat_case("heat_swap100x50, k = 0.45", true, 0.45),
        gmm_case(GMM_WISHART, GMM_N),
        gmm_case(Wishart { gamma: 1.7, m: 3 }, 40),
    ];
    cases.extend(reused_cases());
    cases.extend(extra_cases());
    cases.extend(heldout_cases());
    cases.extend(probe_cases());
    cases.extend(probe2_cases());
    cases.extend(probe5_cases());
    cases.extend(generic_cases());
    cases.extend(heat_forms_cases());
    cases.extend(iter_forms_cases());
    cases.extend(views_cases());
    cases.extend(lookups_cases());
    cases.push(filter_case(FILTER_AB));
    cases.push(filter_case((-0.95, 2.0)));
    cases
}

/// The recursive filter (`common_loops/filter.rs`) at gains `(a, b)`.
fn filter_case((a, b): (f64, f64)) -> Case {
    let (x, r) = filter_input(FILTER_N);
    let (x2, r2) = (x.clone(), r.clone());
    let (x3, r3) = (x.clone(), r.clone());
    let two = |(l, (ga, gb)): (f64, (f64, f64))| (l, vec![ga, gb]);
    Case {
        name: "iir_filter1000",
        x: vec![a, b],
        primal: Box::new(move |v| iir_filter(v[0], v[1], &x, &r)),
        generated: Box::new(move |v| two(iir_filter_grad(v[0], v[1], &x2, &r2))),
        hand: Box::new(move |v| two(iir_filter_hand(v[0], v[1], &x3, &r3))),
        fd_tol: Tolerance::new(1e-6, 1e-6),
        eta: DEFAULT_ETA,
    }
}

#[track_caller]
fn failed(case: &str, what: &str, e: &GradCheckError) -> ! {
    panic!("{case}: {what}: {e}")
}

#[test]
fn hand_and_generated_gradients_match_finite_differences_and_each_other() {
    for case in all_cases() {
        let (vh, gh) = (case.hand)(&case.x);
        let (vg, gg) = (case.generated)(&case.x);
        let v = (case.primal)(&case.x);
        println!("{}: value {v}, {} partials", case.name, gh.len());
        assert_eq!(
            gh.len(),
            case.x.len(),
            "{}: hand gradient length",
            case.name
        );
        assert_eq!(
            gg.len(),
            case.x.len(),
            "{}: generated gradient length",
            case.name
        );
        let checks = [
            ("hand value", check_close(vh, v, Tolerance::tight())),
            ("generated value", check_close(vg, v, Tolerance::tight())),
            (
                "hand gradient against finite differences",
                check_gradient(&case.primal, &case.x, &gh, case.eta, case.fd_tol),
            ),
            (
                "generated gradient against finite differences",
                check_gradient(&case.primal, &case.x, &gg, case.eta, case.fd_tol),
            ),
            (
                "generated against hand",
                check_slices(&gg, &gh, Tolerance::new(1e-11, 1e-9)),
            ),
        ];
        for (what, result) in checks {
            if let Err(e) = result {
                failed(case.name, what, &e);
            }
        }
    }
}

/// An independent answer for Newton: at the root `x³ + p x = c`, the implicit function theorem
/// gives `∂x/∂p = -x / (3x² + p)` and `∂x/∂c = 1 / (3x² + p)`; iterating to `1e-12` (quadratic
/// convergence) the iteration's own derivative agrees to about that accuracy.
#[test]
fn newton_gradient_matches_the_implicit_function_theorem() {
    for (p, c) in [NEWTON_PC, (0.5, -3.0), (4.0, 0.1), (1.0, 100.0)] {
        let (x, (dp, dc)) = newton_cubic_grad(p, c);
        let (xh, (hp, hc)) = newton_cubic_hand(p, c);
        assert_close(x * x * x + p * x, c, Tolerance::new(1e-10, 1e-12));
        assert_close(xh, x, Tolerance::tight());
        let df = 3.0 * x * x + p;
        for (got, want) in [(dp, -x / df), (dc, 1.0 / df), (hp, -x / df), (hc, 1.0 / df)] {
            assert_close(got, want, Tolerance::new(1e-9, 1e-8));
        }
    }
}

/// An independent value for the GMM prior's constant: it follows
/// ADBench's `log_gamma_distrib` with `ln Γ(3/2) = ln(√π / 2)`, `ln Γ(1) = 0` (`d = 2, m = 0`,
/// `γ = 1`: `n = 3`, `C = 6 (0 - ½ ln 2) - (½ ln π + ln(√π/2) + 0)`).
#[test]
fn gmm_wishart_constant_matches_its_closed_form() {
    let pi = ADBENCH_PI;
    let want =
        6.0 * (-0.5 * 2f64.ln()) - (0.5 * pi.ln() + (std::f64::consts::PI.sqrt() / 2.0).ln());
    let got = wishart_constant(2, Wishart { gamma: 1.0, m: 0 });
    assert_close(got, want, Tolerance::tight());
}

/// Helpers on a parameter's whole slice (`common_loops/lookups.rs`): the table lookups'
/// gradient over the table and the inputs, the polynomial's over its coefficients.
fn lookups_cases() -> Vec<Case> {
    let (table, xs, ks, y) = lookup_input();
    let n = table.len();
    let pack = |(l, (gt, gx)): (f64, (Vec<f64>, Vec<f64>))| (l, cat(&gt, &gx));
    let (k1, k2, k3) = (ks.clone(), ks.clone(), ks);
    let (y1, y2, y3) = (y.clone(), y.clone(), y);
    let mut cases = vec![Case {
        name: "table_lookup256x1000",
        x: cat(&table, &xs),
        primal: Box::new(move |v| lookup_fit(&v[..n], &v[n..], &k1, &y1)),
        generated: Box::new(move |v| pack(lookup_fit_grad(&v[..n], &v[n..], &k2, &y2))),
        hand: Box::new(move |v| pack(lookup_fit_hand(&v[..n], &v[n..], &k3, &y3))),
        fd_tol: Tolerance::new(1e-6, 1e-6),
        eta: DEFAULT_ETA,
    }];
    let (w, px, py) = poly_input();
    let (x1, x2, x3) = (px.clone(), px.clone(), px);
    let (q1, q2, q3) = (py.clone(), py.clone(), py);
    cases.push(Case {
        name: "poly_helper16x500",
        x: w,
        primal: Box::new(move |v| poly_helper_fit(v, &x1, &q1)),
        generated: Box::new(move |v| poly_helper_fit_grad(v, &x2, &q2)),
        hand: Box::new(move |v| poly_helper_fit_hand(v, &x3, &q3)),
        fd_tol: Tolerance::new(1e-6, 1e-6),
        eta: DEFAULT_ETA,
    });
    cases
}

/// The loops over slice views (`common_loops/views.rs`): the smoothing fit's gradient over `x`
/// and `λ`, by windows and by index, and the cross-entropy over the rows of flat logits.
fn views_cases() -> Vec<Case> {
    let (x, t) = smooth_fit_input();
    let n = x.len();
    let pack = |(l, (g, d)): (f64, (Vec<f64>, f64))| (l, cat(&g, &[d]));
    let mut cases = Vec::new();
    for (name, indexed) in [("smooth_windows1000", false), ("smooth_indexed1000", true)] {
        let (t1, t2, t3) = (t.clone(), t.clone(), t.clone());
        cases.push(Case {
            name,
            x: cat(&x, &[SMOOTH_LAMBDA]),
            primal: Box::new(move |v| {
                if indexed {
                    smooth_fit_indexed(&v[..n], &t1, v[n])
                } else {
                    smooth_fit(&v[..n], &t1, v[n])
                }
            }),
            generated: Box::new(move |v| {
                pack(if indexed {
                    smooth_fit_indexed_grad(&v[..n], &t2, v[n])
                } else {
                    smooth_fit_grad(&v[..n], &t2, v[n])
                })
            }),
            hand: Box::new(move |v| pack(smooth_fit_hand(&v[..n], &t3, v[n]))),
            fd_tol: Tolerance::new(1e-6, 1e-6),
            eta: DEFAULT_ETA,
        });
    }
    let (z, y) = chunk_xent_input();
    let (y1, y2, y3) = (y.clone(), y.clone(), y);
    cases.push(Case {
        name: "chunk_xent200x10",
        x: z,
        primal: Box::new(move |v| chunk_xent(v, &y1, XENT_CLASSES)),
        generated: Box::new(move |v| chunk_xent_grad(v, &y2, XENT_CLASSES)),
        hand: Box::new(move |v| chunk_xent_hand(v, &y3, XENT_CLASSES)),
        fd_tol: Tolerance::new(1e-6, 1e-6),
        eta: DEFAULT_ETA,
    });
    cases
}
