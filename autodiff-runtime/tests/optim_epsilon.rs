//! Gradients small enough that where ε sits decides the step. Keras puts Adam's ε outside the
//! square root and *after* the bias correction ("epsilon hat"), and RMSprop's and Adagrad's ε
//! *inside* the square root. Each case below derives the expected step by hand and also shows
//! that the other placement would give a very different step, so the tests tell them apart.

use autodiff::check::{Tolerance, assert_close};
use autodiff::optim::{Adagrad, Adam, RmsProp};

const EPS: f64 = 1e-7;

/// Adam, one step from zero slots with gradient g = 1e-10 (lr 0.5, exact in f32):
/// `m = (1 − β₁)g`, `v = (1 − β₂)g²`, `α = lr·√(1 − b₂)/(1 − b₁)` (b = β rounded through f32
/// as Keras does), step `m·α/(√v + ε)`. Here √v ≈ 3.2e-12 ≪ ε, so the step is ≈ `m·α/ε`
/// ≈ 1.6e-4, while ε added to the bias-corrected √v̂ = g (PyTorch's placement) would give
/// `lr·g/(g + ε)` ≈ 5e-4.
#[test]
fn adam_epsilon_is_outside_the_root_and_not_bias_corrected() {
    let (lr, g) = (0.5, 1e-10);
    let (b1, b2) = (f64::from(0.9f32), f64::from(0.999f32));
    let m = (1.0 - 0.9) * g;
    let v: f64 = (1.0 - 0.999) * g * g;
    let alpha = lr * (1.0 - b2).sqrt() / (1.0 - b1);
    let keras = m * alpha / (v.sqrt() + EPS);
    let bias_corrected_eps = lr * g / (g + EPS);
    assert!(bias_corrected_eps / keras > 3.0);

    let mut w = 0.0f64;
    Adam::new(lr).apply_gradients(&mut w, &g);
    assert_close(-w, keras, Tolerance::new(0.0, 1e-12));

    // In f32 the same step, to f32 precision.
    let mut w32 = 0.0f32;
    Adam::new(lr).apply_gradients(&mut w32, &(g as f32));
    assert_close(-f64::from(w32), keras, Tolerance::new(0.0, 1e-5));
}

/// Adam with a larger ε makes the effect visible over many steps: with a constant tiny
/// gradient the bias-corrected ratio m̂/√v̂ is 1, but Keras' step stays ≈ `lr·√(1 − βᵗ₂)/ε·g`
/// until √v catches up, so after 10 steps the parameter has moved far less than 10·lr.
#[test]
fn adam_tiny_constant_gradient_over_ten_steps() {
    let (lr, g, eps) = (0.25, 1e-9, 1e-6);
    let (b1, b2) = (f64::from(0.9f32), f64::from(0.999f32));
    // Expected: the formulas stepped by hand.
    let (mut m, mut v, mut w) = (0.0f64, 0.0f64, 0.0f64);
    for t in 1..=10 {
        let alpha = lr * (1.0 - b2.powi(t)).sqrt() / (1.0 - b1.powi(t));
        m += (g - m) * (1.0 - 0.9);
        v += (g * g - v) * (1.0 - 0.999);
        w -= m * alpha / (v.sqrt() + eps);
    }
    assert!(-w < 0.2 * 10.0 * lr); // far from the large-gradient behaviour of ≈ lr per step

    let mut ours = 0.0f64;
    let mut opt = Adam::new(lr).epsilon(eps);
    for _ in 0..10 {
        opt.apply_gradients(&mut ours, &g);
    }
    assert_close(ours, w, Tolerance::new(0.0, 1e-10));
}

/// RMSprop, one step from zero with g = 1e-5 (lr 0.5): `s = (1 − ρ)g² = 1e-11`, step
/// `lr·g/√(s + ε)` ≈ 0.0158 (ε inside the root). With ε outside, `lr·g/(√s + ε)` ≈ 1.5.
#[test]
fn rmsprop_epsilon_is_inside_the_root() {
    let (lr, g) = (0.5, 1e-5);
    let s: f64 = (1.0 - 0.9) * g * g;
    let inside = lr * g / (s + EPS).sqrt();
    let outside = lr * g / (s.sqrt() + EPS);
    assert!(outside / inside > 50.0);

    let mut w = 0.0f64;
    RmsProp::new(lr).apply_gradients(&mut w, &g);
    assert_close(-w, inside, Tolerance::new(0.0, 1e-12));

    // Centered: the denominator is (s − a²) + ε with a = (1 − ρ)g, still ε inside the root.
    let a = (1.0 - 0.9) * g;
    let centered = lr * g / (s - a * a + EPS).sqrt();
    let mut w = 0.0f64;
    RmsProp::new(lr).centered(true).apply_gradients(&mut w, &g);
    assert_close(-w, centered, Tolerance::new(0.0, 1e-12));
}

/// Adagrad from a zero accumulator with g = 1e-5 (lr 0.5): `acc = g²`, step `lr·g/√(acc + ε)`
/// ≈ 0.0158 (ε inside the root); with ε outside, `lr·g/(|g| + ε)` ≈ 0.495.
#[test]
fn adagrad_epsilon_is_inside_the_root() {
    let (lr, g) = (0.5, 1e-5);
    let inside = lr * g / (g * g + EPS).sqrt();
    let outside = lr * g / (g + EPS);
    assert!(outside / inside > 20.0);

    let mut w = [0.0f64, 0.0];
    let mut opt = Adagrad::new(lr).initial_accumulator_value(0.0);
    opt.apply_gradients(&mut w, &[g, -g]);
    assert_close(-w[0], inside, Tolerance::new(0.0, 1e-12));
    assert_close(w[1], inside, Tolerance::new(0.0, 1e-12));
}
