use autodiff::prelude::*;

// A value's exact encoding (its bits, its full-precision text) carries no derivative but gives
// the value back exactly, so a float rebuilt from it would have a derivative of zero where the
// function has one: `f64::from_bits(x.to_bits()) * x` is `x * x`, whose derivative is `2x`, not
// `x`. Each encoding of a value that carries a derivative is refused at the encoding.
#[differentiable]
fn bits(x: f64) -> f64 {
    f64::from_bits(x.to_bits()) * x
}

#[differentiable]
fn bits_by_path(x: f64) -> f64 {
    f64::from_bits(f64::to_bits(x)) * x
}

// The "fast inverse square root" port: the bits of `x` decide the first guess.
#[differentiable]
fn inv_sqrt(x: f64) -> f64 {
    let y = f64::from_bits(0x5fe6eb50c7b537a9 - (x.to_bits() >> 1));
    y * (1.5 - 0.5 * x * y * y)
}

#[differentiable]
fn text(x: f64) -> f64 {
    let s = x.to_string();
    let y: f64 = s.parse().unwrap();
    y * x
}

#[differentiable]
fn formatted(x: f64, y: f64) -> f64 {
    let s = format!("{:?}", x * y);
    let back: f64 = s.parse().unwrap();
    back
}

#[differentiable]
fn captured(x: f64) -> f64 {
    let s = format!("{x}");
    let back: f64 = s.parse().unwrap();
    back * x
}

#[differentiable]
fn written(x: f64) -> f64 {
    use std::fmt::Write;
    let mut s = String::new();
    write!(s, "{}", x).unwrap();
    let back: f64 = s.parse().unwrap();
    back * x
}

// A precision of 10 digits or more writes the value as good as exactly.
#[differentiable]
fn many_digits(x: f64) -> f64 {
    let s = format!("{:.17e}", x * x);
    s.parse().unwrap()
}

fn main() {}
