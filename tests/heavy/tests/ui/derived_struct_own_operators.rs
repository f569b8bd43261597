use autodiff::prelude::*;

// `+`, `-`, unary `-`, `+=`, `-=` and `.sum()` are differentiated as field-wise operators
// (`y = a + b => da += dy, db += dy`). A derived struct's own operators may be anything (here
// `y` multiplies), so they do not compile in a #[differentiable] function unless the struct
// derives `FieldwiseOps`.
#[derive(Differentiable, Clone, Copy, Debug)]
pub struct P {
    pub x: f64,
    pub y: f64,
}

impl std::ops::Add for P {
    type Output = P;
    fn add(self, o: P) -> P {
        P { x: self.x + o.x, y: self.y * o.y }
    }
}
impl std::ops::Sub for P {
    type Output = P;
    fn sub(self, o: P) -> P {
        P { x: self.x - o.x, y: self.y / o.y }
    }
}
impl std::ops::Neg for P {
    type Output = P;
    fn neg(self) -> P {
        P { x: -self.x, y: 1.0 / self.y }
    }
}
impl std::ops::AddAssign for P {
    fn add_assign(&mut self, o: P) {
        *self = *self + o;
    }
}
impl<'a> std::iter::Sum<&'a P> for P {
    fn sum<I: Iterator<Item = &'a P>>(it: I) -> P {
        it.fold(P { x: 0.0, y: 1.0 }, |a, b| a + *b)
    }
}

#[differentiable]
fn add(a: P, b: P) -> f64 {
    let c = a + b;
    c.x + c.y
}

#[differentiable]
fn sub_borrowed(a: &P, b: &P) -> f64 {
    let c = *a - *b;
    c.y
}

#[differentiable]
fn neg(a: P) -> f64 {
    let c = -a;
    c.y
}

#[differentiable]
fn add_assign(a: P, b: P) -> f64 {
    let mut c = a;
    c += b;
    c.y
}

#[differentiable]
fn sum(v: &Vec<P>) -> f64 {
    let s: P = v.iter().sum();
    s.y
}

// A generic operand: without an `S: FieldwiseOps` bound, `P` could come in as `S`.
#[differentiable]
fn generic_add<S>(a: S, b: S) -> S
where
    S: Differentiable<Adjoint = S, Grad = S, Tangent = S> + autodiff::Adjoint,
    S: std::ops::Add<Output = S> + Clone,
{
    a + b
}

// A field whose own `+` is a struct's own: the outer struct's field-wise `+` is not linear either.
#[derive(Differentiable, FieldwiseOps, Clone, Debug)]
pub struct Outer {
    pub inner: P,
    pub w: f64,
}

fn main() {}
