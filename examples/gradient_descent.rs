//! Gradient descent on f(x) = x² − 2x + 1, the TensorFlow tutorial's §5.3 (seed 001):
//!
//! ```python
//! lerning_rate = 0.1
//! def f(x):
//!     return x**2 - x*2 + 1
//!
//! x = tf.Variable(0.0)
//! for _ in range(100):
//!     with tf.GradientTape() as tape:
//!         z = f(x)
//!     grad = tape.gradient(z, x)
//!     x.assign_sub(lerning_rate * grad)
//! print(x)   # <tf.Variable 'Variable:0' shape=() dtype=float32, numpy=0.9999999>
//! ```
//!
//! Run with `cargo run --release --example gradient_descent`.

use autodiff::prelude::*;

#[path = "support/tf_reference.rs"]
mod tf_reference;

/// The seed's `f`, in f32 like `tf.Variable(0.0)`. No tape: `f_grad` is generated at compile time.
#[differentiable]
fn f(x: f32) -> f32 {
    x.powi(2) - x * 2.0 + 1.0
}

fn main() {
    let learning_rate = 0.1_f32;
    let mut x = 0.0_f32;
    for step in 0..100 {
        let (z, grad) = f_grad(x);
        if matches!(step, 0 | 1 | 2 | 10 | 50 | 99) {
            println!("step {step:>2}: x = {x:<10} f(x) = {z:<11.7} df/dx = {grad}");
        }
        x -= learning_rate * grad;
    }
    // The seed prints the variable; numpy shows the shortest decimal that round-trips, as `{}` does.
    println!("<Variable shape=() dtype=float32, numpy={x}>");
    println!(
        "x after 100 steps: {x} (exactly {:.16} as f64), f(x) = {}",
        f64::from(x),
        f(x)
    );
    match tf_reference::load().and_then(|json| tf_reference::number(&json, "gd_manual")) {
        Some(tf) => println!(
            "TensorFlow 2.21 (seeds_tf.json gd_manual): {tf:.16} -> {}",
            if tf == f64::from(x) {
                "identical"
            } else {
                "DIFFERENT"
            }
        ),
        None => println!("TensorFlow's recorded answer: 0.9999998807907104"),
    }
}
