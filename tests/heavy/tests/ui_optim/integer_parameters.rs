// Optimizers step f32 or f64 values, not integers.
use autodiff::optim::Sgd;

fn main() {
    let mut w = [1i32, 2];
    Sgd::new(0.1).apply_gradients(&mut w, &[1, 1]);
}
