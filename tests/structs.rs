//! Parameter structs inside `#[differentiable]`: nested fields, loops over `Vec`s of structs,
//! methods on by-value structs, `wrt(self)`, field containers and `#[no_grad]` fields in forward
//! mode. Each gradient is checked against central finite differences or a hand derivation.

use autodiff::prelude::*;

const H: f64 = 1e-6;

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-6 * (1.0 + b.abs())
}

#[derive(Differentiable, Clone, Debug, PartialEq)]
struct Pair {
    x: f64,
    y: f64,
}

#[derive(Differentiable, Clone, Debug, PartialEq)]
struct Bank {
    pair: Pair,
    scale: f64,
}

#[differentiable]
fn nested(bank: &Bank, k: f64) -> f64 {
    let p = &bank.pair;
    bank.pair.x * p.y * k + bank.scale * p.x
}

#[test]
fn nested_field_reads() {
    let b = Bank {
        pair: Pair { x: 2.0, y: 3.0 },
        scale: 0.5,
    };
    let (v, (gb, gk)) = nested_grad(&b, 0.7);
    assert!(close(v, nested(&b, 0.7)));
    // d/dx = y k + scale, d/dy = x k, d/dscale = x, d/dk = x y
    assert!(close(gb.pair.x, 3.0 * 0.7 + 0.5) && close(gb.pair.y, 2.0 * 0.7));
    assert!(close(gb.scale, 2.0) && close(gk, 6.0));
    let (_, t) = nested_jvp(
        &b,
        0.7,
        Bank {
            pair: Pair { x: 1.0, y: 0.0 },
            scale: 0.0,
        },
        0.0,
    );
    assert!(close(t, gb.pair.x));
}

#[derive(Differentiable, Clone, Debug, PartialEq)]
struct Affine {
    w: f64,
    b: f64,
}

impl Affine {
    #[differentiable]
    fn apply(&self, x: f64) -> f64 {
        self.w * x + self.b
    }

    #[differentiable(wrt(self))]
    fn eval(&self, x: f64) -> f64 {
        self.w * x * x + self.b
    }
}

#[differentiable]
fn chain(layers: &[Affine], x: f64) -> f64 {
    let mut h = x;
    for layer in layers.iter() {
        h = layer.apply(h).tanh();
    }
    h
}

#[test]
fn loop_over_a_vec_of_structs() {
    let l = vec![Affine { w: 2.0, b: 1.0 }, Affine { w: -0.5, b: 0.3 }];
    let (v, (gl, gx)) = chain_grad(&l, 0.4);
    assert!(close(v, chain(&l, 0.4)));
    let fd = (chain(&l, 0.4 + H) - chain(&l, 0.4 - H)) / (2.0 * H);
    assert!(close(gx, fd), "{gx} vs {fd}");
    for k in 0..2 {
        let mut up = l.clone();
        let mut dn = l.clone();
        up[k].w += H;
        dn[k].w -= H;
        let fd = (chain(&up, 0.4) - chain(&dn, 0.4)) / (2.0 * H);
        assert!(close(gl[k].w, fd), "layer {k}: {} vs {fd}", gl[k].w);
    }
}

#[differentiable]
fn by_value(a: Affine, x: f64) -> f64 {
    a.apply(x) * x
}

#[test]
fn method_on_a_struct_taken_by_value() {
    let a = Affine { w: 2.0, b: 1.0 };
    let (v, (ga, gx)) = by_value_grad(a.clone(), 0.5);
    assert!(close(v, (2.0 * 0.5 + 1.0) * 0.5));
    // (w x + b) x: d/dw = x², d/db = x, d/dx = 2 w x + b
    assert!(close(ga.w, 0.25) && close(ga.b, 0.5) && close(gx, 3.0));
}

#[test]
fn wrt_self_only() {
    let a = Affine { w: 2.0, b: 1.0 };
    let (v, g) = a.eval_grad(3.0);
    assert!(close(v, 19.0) && close(g.w, 9.0) && close(g.b, 1.0));
}

#[derive(Differentiable, Clone, Debug, PartialEq)]
struct Series {
    v: Vec<f64>,
}

impl Series {
    #[differentiable]
    fn first_two(&self) -> f64 {
        self.v[0] * self.v[1]
    }

    #[differentiable]
    fn energy(&self) -> f64 {
        let mut s = 0.0;
        for x in self.v.iter() {
            s += x * x;
        }
        s
    }
}

#[test]
fn field_containers_indexed_and_iterated() {
    let s = Series {
        v: vec![1.5, -2.0, 0.5],
    };
    let (_, g) = s.first_two_grad();
    assert_eq!(g.v.len(), 3);
    assert!(close(g.v[0], -2.0) && close(g.v[1], 1.5) && close(g.v[2], 0.0));
    let (e, g) = s.energy_grad();
    assert!(close(e, 6.5));
    for (gi, xi) in g.v.iter().zip(&s.v) {
        assert!(close(*gi, 2.0 * xi));
    }
}

// Indexed on purpose: this exercises `m[i][j]`, which iterators would hide.
#[allow(clippy::needless_range_loop)]
#[differentiable]
fn grid(m: &[Vec<f64>]) -> f64 {
    let mut s = 0.0;
    for i in 0..m.len() {
        for j in 0..m[i].len() {
            s += m[i][j] * m[i][j] * (j as f64 + 1.0);
        }
    }
    s
}

#[test]
fn nested_indexing() {
    let m = vec![vec![1.0, 2.0], vec![3.0, -1.0, 0.5]];
    let (_, g) = grid_grad(&m);
    for (i, row) in m.iter().enumerate() {
        for (j, x) in row.iter().enumerate() {
            assert!(close(g[i][j], 2.0 * x * (j as f64 + 1.0)), "[{i}][{j}]");
        }
    }
}

#[derive(Differentiable, Clone, Debug, PartialEq)]
struct Scaled {
    w: f64,
    #[no_grad]
    k: f64,
}

impl Scaled {
    #[differentiable]
    fn eval(&self, #[no_grad] x: f64) -> f64 {
        self.k * self.w * x
    }
}

#[test]
fn no_grad_fields_carry_no_tangent_through_self() {
    let s = Scaled { w: 2.0, k: 3.0 };
    let (_, g) = s.eval_grad(0.5);
    assert!(close(g.w, 1.5));
    // The tangent's `k` is ignored: `k` is a constant.
    let (_, d) = s.eval_jvp(0.5, Scaled { w: 1.0, k: 7.0 });
    assert!(close(d, 1.5), "{d}");
}
