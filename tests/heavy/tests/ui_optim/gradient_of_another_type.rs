// The gradient must be the same container type as the parameters: here f32 for f64 parameters.
use autodiff::optim::Adam;

fn main() {
    let mut w: Vec<f64> = vec![1.0, 2.0];
    let g: Vec<f32> = vec![0.5, 0.5];
    Adam::new(0.01).apply_gradients(&mut w, &g);
}
