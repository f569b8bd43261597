//! Checks every generated slice function (see `slice_generator.rs`) at a few points: each partial
//! derivative of `_grad` (in every element of `p` and `q`, and in `s`) against the primal run at
//! `Dual` numbers seeded in that input alone (exact, no step size), `_jvp` against the `Dual` run
//! along one direction, and each partial against central differences where two step sizes agree
//! and the one-sided slopes agree (a branch boundary or kink near the point makes them disagree,
//! and that partial is skipped there); `_vjp`'s pullback, called twice, against the gradient
//! scaled. A panic in any of them is a failure too.

use autodiff_generated::SliceCase;
use autodiff_generated::slice_programs::slice_cases;

/// Irregular inputs: `p` of 5 to 7 elements, `q` of 4 or 5, no simple relations between them.
fn points() -> Vec<(Vec<f64>, Vec<f64>, f64, usize)> {
    let wave = |len: usize, a: f64, b: f64| -> Vec<f64> {
        (0..len)
            .map(|i| 1.1 * ((i as f64) * a + b).sin() + 0.0731 * (i as f64 * 1.7).cos())
            .collect()
    };
    vec![
        (wave(5, 0.913, 0.31), wave(4, 1.37, -0.52), 0.3712, 2),
        (wave(6, 1.771, -1.13), wave(5, 0.61, 0.87), -0.8137, 3),
        (wave(7, 0.543, 2.09), wave(4, 2.23, 1.41), 0.5217, 0),
        (wave(6, 2.417, 0.77), wave(4, 0.97, -2.1), 1.2117, 5),
    ]
}

fn close(a: f64, b: f64, rel: f64) -> bool {
    (a - b).abs() <= rel * (1.0 + a.abs().max(b.abs()))
}

/// The slices with input `k` (in `p`, then `q`, then `s`) moved by `h`.
fn moved(p: &[f64], q: &[f64], s: f64, k: usize, h: f64) -> (Vec<f64>, Vec<f64>, f64) {
    let (mut p, mut q, mut s) = (p.to_vec(), q.to_vec(), s);
    if k < p.len() {
        p[k] += h;
    } else if k < p.len() + q.len() {
        q[k - p.len()] += h;
    } else {
        s += h;
    }
    (p, q, s)
}

#[derive(Default)]
struct Counts {
    points: usize,
    partials: usize,
    fd_checked: usize,
    fd_skipped: usize,
}

/// Checks one case at one point; the reasons it fails.
fn check_point(
    c: &SliceCase,
    (p, q, s, n): (&[f64], &[f64], f64, usize),
    counts: &mut Counts,
) -> Vec<String> {
    let mut why = Vec::new();
    let f0 = (c.f)(p, q, s, n);
    if !f0.is_finite() {
        return why;
    }
    counts.points += 1;
    let (v, gp, gq, gs) = (c.grad)(p, q, s, n);
    if !close(v, f0, 1e-12) {
        why.push(format!("value {v} vs primal {f0}"));
    }
    let grads: Vec<f64> = gp.iter().chain(&gq).copied().chain([gs]).collect();
    let (np, nq) = (p.len(), q.len());
    let label = |k: usize| {
        if k < np {
            format!("p[{k}]")
        } else if k < np + nq {
            format!("q[{}]", k - np)
        } else {
            "s".to_string()
        }
    };
    let mut exact = vec![0.0; np + nq + 1];
    for (k, e) in exact.iter_mut().enumerate() {
        if c.q_no_grad && (np..np + nq).contains(&k) {
            continue;
        }
        let (tp, tq, ts) = moved(&vec![0.0; np], &vec![0.0; nq], 0.0, k, 1.0);
        *e = (c.dual)(p, q, s, n, &tp, &tq, ts).1;
        counts.partials += 1;
        if !close(grads[k], *e, 1e-9) {
            why.push(format!("d/d{} {} vs dual {}", label(k), grads[k], *e));
        }
        // central differences where the function is smooth at both step sizes
        let fk = |h: f64| {
            let (a, b, t) = moved(p, q, s, k, h);
            (c.f)(&a, &b, t, n)
        };
        let (d1, d2) = ((fk(1e-5) - fk(-1e-5)) / 2e-5, (fk(1e-6) - fk(-1e-6)) / 2e-6);
        let h = 1e-7;
        let (fwd, bwd) = ((fk(h) - f0) / h, (f0 - fk(-h)) / h);
        if close(d1, d2, 1e-5) && close(fwd, bwd, 1e-5) {
            counts.fd_checked += 1;
            if !close(grads[k], d1, 1e-5) {
                why.push(format!("d/d{} {} vs central {d1}", label(k), grads[k]));
            }
        } else {
            counts.fd_skipped += 1;
        }
    }
    // `_vjp`'s pullback, called twice, against the gradient scaled
    let (vv, b1, b2) = (c.vjp)(p, q, s, n, 1.0, -2.5);
    let scaled = |b: &[f64], k: f64| b.iter().zip(&grads).all(|(x, g)| close(*x, k * g, 1e-12));
    if !close(vv, f0, 1e-12) || !scaled(&b1, 1.0) || !scaled(&b2, -2.5) {
        why.push(format!(
            "vjp ({vv}, {b1:?}, {b2:?}) vs grad scaled by 1 and -2.5 ({v}, {grads:?})"
        ));
    }
    // `_jvp` along one direction against the `Dual` run along it
    let tp: Vec<f64> = (0..np).map(|i| 0.3 - 0.17 * i as f64).collect();
    let tq: Vec<f64> = if c.q_no_grad {
        vec![0.0; nq]
    } else {
        (0..nq).map(|i| -0.7 + 0.29 * i as f64).collect()
    };
    let (_, d) = (c.dual)(p, q, s, n, &tp, &tq, 0.45);
    let (jv, j) = (c.jvp)(p, q, s, n, tp, tq, 0.45);
    if !close(j, d, 1e-9) || !close(jv, f0, 1e-12) {
        why.push(format!("jvp ({jv}, {j}) vs dual ({f0}, {d})"));
    }
    why
}

/// The generated functions call earlier ones, and unoptimised frames are large: the checks run
/// on a thread with a 32 MiB stack.
#[test]
fn generated_slice_gradients_match_the_oracles() {
    std::thread::Builder::new()
        .stack_size(32 << 20)
        .spawn(check_all)
        .expect("a thread")
        .join()
        .expect("the checks ran");
}

fn check_all() {
    let cases = slice_cases();
    let points = points();
    let mut failures = Vec::new();
    let mut counts = Counts::default();
    // a panic is reported as a failure of its case, not as the end of the run
    std::panic::set_hook(Box::new(|_| {}));
    for c in &cases {
        for (pi, (p, q, s, n)) in points.iter().enumerate() {
            let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                let mut local = Counts::default();
                let why = check_point(c, (p, q, *s, *n), &mut local);
                (why, local)
            }));
            let why = match r {
                Ok((why, local)) => {
                    counts.points += local.points;
                    counts.partials += local.partials;
                    counts.fd_checked += local.fd_checked;
                    counts.fd_skipped += local.fd_skipped;
                    why
                }
                Err(e) => {
                    let msg = e
                        .downcast_ref::<String>()
                        .cloned()
                        .or_else(|| e.downcast_ref::<&str>().map(|s| s.to_string()))
                        .unwrap_or_default();
                    vec![format!("panicked: {msg}")]
                }
            };
            if !why.is_empty() {
                println!("FAIL {} at point {pi}: {}", c.name, why.join("; "));
                failures.push(format!(
                    "{} at point {pi} (p = {p:?}, q = {q:?}, s = {s}, n = {n}): {}\n{}",
                    c.name,
                    why.join("; "),
                    c.source
                ));
            }
        }
    }
    let _ = std::panic::take_hook();
    println!(
        "{} slice functions, {} points, {} partials against Dual numbers, {} central-difference checks ({} skipped near a kink), {} failures",
        cases.len(),
        counts.points,
        counts.partials,
        counts.fd_checked,
        counts.fd_skipped,
        failures.len()
    );
    assert!(
        failures.is_empty(),
        "{} failures; the first:\n{}",
        failures.len(),
        failures
            .iter()
            .take(3)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
    assert!(
        counts.points >= cases.len() * 3,
        "too few finite points: {}",
        counts.points
    );
}
