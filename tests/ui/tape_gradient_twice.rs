// TensorFlow raises "A non-persistent GradientTape can only be used to compute one set of
// gradients" at run time; here a one-shot tape's `gradient` consumes it.
use autodiff::prelude::*;

fn main() {
    let (x1, x2) = (Variable::new(2.0f32), Variable::new(3.0f32));
    let t = GradientTape::new();
    let z = x1.read(&t).powi(2) + x2.read(&t).powi(3);
    let _dz_dx1 = t.gradient(&z, &x1);
    let _dz_dx2 = t.gradient(&z, &x2);
}
