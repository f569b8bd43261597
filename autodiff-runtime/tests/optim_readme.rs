//! The optimizer tour of the README (README.md), verbatim, as a test.

// --- README snippet: begin
use autodiff::optim::{Adam, CosineDecay, OptimizerState, Sgd};
use autodiff::prelude::*;

#[derive(Differentiable, Clone, Debug)]
struct Line {
    w: DVector<f64>,
    b: f64,
}

/// Mean squared error of `x·w + b` against `y`.
#[differentiable]
fn mse(m: &Line, #[no_grad] x: &DMatrix<f64>, #[no_grad] y: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..y.len() {
        let e = m.w[0] * x[(i, 0)] + m.w[1] * x[(i, 1)] + m.b - y[i];
        s += e * e;
    }
    s / y.len() as f64
}

fn tour() {
    // y = 2·x0 − 3·x1 + 0.5 on four points.
    let x = DMatrix::from_row_slice(4, 2, &[0.0, 1.0, 1.0, 0.0, 1.0, 1.0, 2.0, -1.0]);
    let y = [-2.5, 2.5, -0.5, 7.5];
    let mut model = Line {
        w: DVector::zeros(2),
        b: 0.0,
    };

    // tf.keras.optimizers.Adam(learning_rate=CosineDecay(0.1, 1000, alpha=0.01))
    let mut opt = Adam::new(CosineDecay::new(0.1, 1000).alpha(0.01));
    for _ in 0..500 {
        let (_, grad) = mse_grad(&model, &x, &y);
        opt.apply_gradients(&mut model, &grad); // opt.apply_gradients(zip(grads, vars))
    }

    // Save the optimizer's state, resume in a new optimizer (or a new process) later.
    let path = std::env::temp_dir().join("line-adam.safetensors");
    opt.state().save(&path).unwrap();
    let mut resumed = Adam::new(CosineDecay::new(0.1, 1000).alpha(0.01));
    resumed
        .load_state(&OptimizerState::load(&path).unwrap())
        .unwrap();
    assert_eq!(resumed.iterations(), 500);
    for _ in 0..500 {
        let (_, grad) = mse_grad(&model, &x, &y);
        resumed.apply_gradients(&mut model, &grad);
    }
    assert!(mse(&model, &x, &y) < 1e-6);
    assert!((model.w[0] - 2.0).abs() < 1e-3 && (model.b - 0.5).abs() < 1e-3);

    // The same optimizer type works for any parameters: a plain f32 array here.
    let mut p = [3.0f32, -1.0];
    let mut sgd = Sgd::new(0.1).momentum(0.9).nesterov(true);
    for _ in 0..200 {
        let g = [2.0 * p[0], 2.0 * p[1]]; // ∇ of p0² + p1²
        sgd.apply_gradients(&mut p, &g);
    }
    assert!(p[0].abs() < 1e-4 && p[1].abs() < 1e-4);
    std::fs::remove_file(&path).unwrap();
}
// --- README snippet: end

#[test]
fn readme_optimizer_tour() {
    tour();
}

/// The snippet in README.md is this file's, line for line.
#[test]
fn the_readme_shows_this_code() {
    let this = include_str!("optim_readme.rs");
    let begin = this.find("// --- README snippet: begin\n").unwrap();
    let end = this.find("// --- README snippet: end").unwrap();
    let snippet = &this[begin + "// --- README snippet: begin\n".len()..end];
    let notes = concat!(env!("CARGO_MANIFEST_DIR"), "/../README.md");
    let readme = std::fs::read_to_string(notes).unwrap();
    assert!(
        readme.contains(snippet),
        "README.md does not show the tested code"
    );
}
