//! Adversarial cases for flattened indices rebuilt in the reverse sweep (`x[i * d + j]` with a
//! stride that is a `let` never reassigned): strides bound in loops, branches and inner blocks,
//! shadowed strides, `.rev()`, `step_by`, `break`/`continue`/`return`, `-`/`%`/`/` in indices,
//! `while` and `loop`, three-deep loops, writes into a local `Vec` read back, generic, `f32` and
//! `order = 2` code. Every gradient against central differences.

#![allow(clippy::all, unused_mut, unused_assignments, unused_variables)]
use autodiff::prelude::*;

#[path = "support/grad_checks.rs"]
mod grad_checks;
use grad_checks::*;

fn input(n: usize) -> Vec<f64> {
    (0..n)
        .map(|i| 0.7 * ((i as f64) * 1.37 + 0.2).sin())
        .collect()
}

// s1: stride defined inside outer loop depending on loop var
#[differentiable]
fn s1(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..3 {
        let d = i + 2;
        for j in 0..d {
            s += x[i * d + j] * x[i * d + j + 1];
        }
    }
    s
}

// s2: shadowed stride in inner block
#[differentiable]
fn s2(x: &[f64]) -> f64 {
    let d = 2;
    let mut s = 0.0;
    for i in 0..3 {
        {
            let d = 3;
            s += x[i * d] * x[i * d + 1];
        }
        s += x[i * d].sin() * x[i * d + 1];
    }
    s
}

// s3: stride shadowed in the loop body after first use
#[differentiable]
fn s3(x: &[f64]) -> f64 {
    let d = 2;
    let mut s = 0.0;
    for i in 0..3 {
        s += x[i * d] * x[i * d + 1];
        let d = 3;
        s += x[i * d] * x[i * d + 2];
    }
    s
}

// s4: reversed loop
#[differentiable]
fn s4(x: &[f64]) -> f64 {
    let d = 3;
    let mut s = 0.0;
    for i in (0..4).rev() {
        for j in (1..d).rev() {
            s += x[i * d + j] * x[i * d + j - 1] * (i as f64 + 1.0);
        }
    }
    s
}

// s5: step_by and non-zero start
#[differentiable]
fn s5(x: &[f64]) -> f64 {
    let d = 3;
    let mut s = 0.0;
    for i in (1..4).step_by(2) {
        for j in (0..d).step_by(2) {
            s += x[i * d + j] * x[i * d + j].cos() * (j as f64 + 0.5);
        }
    }
    s
}

// s6: continue and break
#[differentiable]
fn s6(x: &[f64]) -> f64 {
    let d = 3;
    let mut s = 0.0;
    for i in 0..4 {
        if i == 1 {
            continue;
        }
        for j in 0..d {
            if j == 2 && i == 2 {
                break;
            }
            if x[i * d + j] > 0.6 {
                continue;
            }
            s += x[i * d + j] * x[(i * d + j + 1) % 12];
        }
    }
    s
}

// s7: early return inside loop
#[differentiable]
fn s7(x: &[f64]) -> f64 {
    let d = 3;
    let mut s = 0.0;
    for i in 0..4 {
        for j in 0..d {
            s += x[i * d + j] * x[i * d + j] * x[j];
            if i == 2 && j == 1 {
                return s * x[i * d + j];
            }
        }
    }
    s
}

// s8: subtraction, % and /
#[differentiable]
fn s8(x: &[f64]) -> f64 {
    let d = 4;
    let n = x.len() / d;
    let mut s = 0.0;
    for i in 1..n {
        for j in 0..d {
            s += x[i * d - 1 - j] * x[(i * d + j) % x.len()] + x[(i * d + j) / 2].powi(2) * x[j];
        }
    }
    s
}

// s9: while loop
#[differentiable]
fn s9(x: &[f64]) -> f64 {
    let d = 3;
    let mut s = 0.0;
    let mut i = 0;
    while i < 4 {
        let mut j = 0;
        while j < d {
            s += x[i * d + j] * x[i * d + (j + 1) % d];
            j += 1;
        }
        i += 1;
    }
    s
}

// s10: three-deep loops
#[differentiable]
fn s10(x: &[f64]) -> f64 {
    let a = 2;
    let b = 3;
    let mut s = 0.0;
    for i in 0..2 {
        for j in 0..a {
            for k in 0..b {
                s += x[i * a * b + j * b + k] * x[(i * a * b + j * b + k + 1) % 12];
            }
        }
    }
    s
}

// s11: mutable counter in the index (not a loop variable)
#[differentiable]
fn s11(x: &[f64]) -> f64 {
    let d = 3;
    let mut s = 0.0;
    let mut k = 0;
    for i in 0..4 {
        s += x[k * d + 1] * x[k * d];
        k = (k + 3) % 4;
    }
    s
}

// s12: loop variable shadowed in the body
#[differentiable]
fn s12(x: &[f64]) -> f64 {
    let d = 3;
    let mut s = 0.0;
    for i in 0..4 {
        let i = 3 - i;
        for j in 0..d {
            let j = (j + 1) % d;
            s += x[i * d + j] * x[i * d] * (j as f64 + 1.0);
        }
    }
    s
}

// s13: stride from a mut param reassigned later
#[differentiable]
fn s13(x: &[f64], mut d: usize) -> f64 {
    let mut s = 0.0;
    for i in 0..3 {
        s += x[i * d] * x[i * d + 1];
        d += 1;
    }
    s
}

// s14: stride mutated by += (the &mut form is rejected by the macro)
#[differentiable]
fn s14(x: &[f64]) -> f64 {
    let mut d = 2;
    let mut s = 0.0;
    for i in 0..3 {
        s += x[i * d] * x[i * d + 1];
        d += 1;
    }
    s
}

// s15: stride via tuple pattern, and mem::swap
#[differentiable]
fn s15(x: &[f64]) -> f64 {
    let (mut d, mut e) = (2usize, 3usize);
    let mut s = 0.0;
    for i in 0..3 {
        s += x[i * d] * x[i * d + 1];
        std::mem::swap(&mut d, &mut e);
    }
    s
}

// s16: enumerate and local vec writes at strided index then reads
#[differentiable]
fn s16(x: &[f64]) -> f64 {
    let d = 3;
    let mut out = vec![0.0; 12];
    for i in 0..4 {
        for j in 0..d {
            out[i * d + j] = x[i * d + j] * x[(i * d + j + 5) % 12];
        }
    }
    for i in 0..4 {
        for j in 0..d {
            out[i * d + j] = out[i * d + j] * out[(3 - i) * d + j];
        }
    }
    let mut s = 0.0;
    for (k, o) in out.iter().enumerate() {
        s += o * x[k];
    }
    s
}

// s17: index bound by let inside loop, then j mutated
#[differentiable]
fn s17(x: &[f64]) -> f64 {
    let d = 3;
    let mut s = 0.0;
    for i in 0..4 {
        let mut j = 0;
        s += x[i * d + j] * x[i * d + j + 1];
        j += 2;
        s += x[i * d + j] * x[i * d];
    }
    s
}

// s18: stride in branch with else, after early exit
#[differentiable]
fn s18(x: &[f64], wide: bool) -> f64 {
    if x[0] > 5.0 {
        return 0.0;
    }
    let d = if wide { 4 } else { 3 };
    let mut s = 0.0;
    for i in 0..3 {
        for j in 0..d {
            s += x[i * d + j] * x[i * d + j].sin();
        }
    }
    s
}

// s19: generic T: Real
#[differentiable]
fn s19<T: Real>(x: &[T]) -> T {
    let d = 3;
    let mut s = T::zero();
    for i in (0..4).rev() {
        let base = i * (d + 1);
        for j in 0..d {
            s += x[base + j] * x[base + j + 1];
        }
    }
    s
}

// s20: f32
#[differentiable]
fn s20(x: &[f32]) -> f32 {
    let d = 3;
    let mut s = 0.0f32;
    for i in 0..4 {
        for j in (0..d).rev() {
            s += x[i * d + j] * x[(i * d + j + 4) % 12];
        }
    }
    s
}

// s21: outer base with loop var used after inner loop shadowing
#[differentiable]
fn s21(x: &[f64]) -> f64 {
    let d = 3;
    let mut s = 0.0;
    for i in 0..3 {
        let base = i * (d + 1);
        for i in 0..d {
            s += x[base + i] * x[base + i + 1];
        }
        s += x[base] * x[i];
    }
    s
}

// s22: labeled break
#[differentiable]
fn s22(x: &[f64]) -> f64 {
    let d = 3;
    let mut s = 0.0;
    'outer: for i in 0..4 {
        for j in 0..d {
            if i == 2 && j == 1 {
                break 'outer;
            }
            s += x[i * d + j] * x[i * d + j] * x[j];
        }
    }
    s
}

// s23: two loops, stride redefined between them at the same scope
#[differentiable]
fn s23(x: &[f64]) -> f64 {
    let d = 2;
    let mut s = 0.0;
    for i in 0..3 {
        s += x[i * d] * x[i * d + 1];
    }
    let d = 3;
    for i in 0..3 {
        s += x[i * d] * x[i * d + 2].cos();
    }
    s
}

// s24: stride from no_grad slice length and loop var index table
#[differentiable]
fn s24(x: &[f64], #[no_grad] t: &[usize]) -> f64 {
    let d = t.len();
    let mut s = 0.0;
    for i in 0..3 {
        for j in 0..d {
            s += x[i * d + t[j]] * x[i * d + j];
        }
    }
    s
}

// s25: order 2
#[differentiable(order = 2)]
fn s25(x: &[f64]) -> f64 {
    let d = 3;
    let mut s = 0.0;
    for i in 0..4 {
        let base = i * d;
        for j in 0..d {
            s += x[base + j] * x[(base + j + 1) % 12] * x[j];
        }
    }
    s
}

// s26: stride computed from the loop variable inside while + break
#[differentiable]
fn s26(x: &[f64]) -> f64 {
    let mut s = 0.0;
    let mut i = 0;
    loop {
        let d = i + 1;
        if i * d + 1 >= x.len() {
            break;
        }
        s += x[i * d] * x[i * d + 1];
        i += 1;
    }
    s
}

#[test]
fn strides() {
    let x = input(16);
    macro_rules! c {
        ($f:ident, $g:ident) => {
            check(stringify!($f), |y| $f(y), &$g(&x).1, &x);
        };
    }
    c!(s1, s1_grad);
    c!(s2, s2_grad);
    c!(s3, s3_grad);
    c!(s4, s4_grad);
    c!(s5, s5_grad);
    let x12 = input(12);
    check("s6", |y| s6(y), &s6_grad(&x12).1, &x12);
    c!(s7, s7_grad);
    c!(s8, s8_grad);
    c!(s9, s9_grad);
    check("s10", |y| s10(y), &s10_grad(&x12).1, &x12);
    c!(s11, s11_grad);
    c!(s12, s12_grad);
    check("s13", |y| s13(y, 2), &s13_grad(&x, 2).1, &x);
    c!(s14, s14_grad);
    c!(s15, s15_grad);
    check("s16", |y| s16(y), &s16_grad(&x12).1, &x12);
    c!(s17, s17_grad);
    check("s18t", |y| s18(y, true), &s18_grad(&x, true).1, &x);
    check("s18f", |y| s18(y, false), &s18_grad(&x, false).1, &x);
    check("s19", |y| s19::<f64>(y), &s19_grad::<f64>(&x).1, &x);
    let xf: Vec<f32> = x12.iter().map(|&a| a as f32).collect();
    let gf = s20_grad(&xf).1;
    let gd: Vec<f64> = gf.iter().map(|&a| a as f64).collect();
    let fd = autodiff::check::numeric_gradient(
        |y: &[f64]| {
            let yf: Vec<f32> = y.iter().map(|&a| a as f32).collect();
            s20(&yf) as f64
        },
        &x12,
        1e-2,
    );
    for k in 0..12 {
        assert!(
            (gd[k] - fd[k]).abs() < 1e-2,
            "s20[{k}] {} vs {}",
            gd[k],
            fd[k]
        );
    }
    c!(s21, s21_grad);
    check("s22", |y| s22(y), &s22_grad(&x12).1, &x12);
    c!(s23, s23_grad);
    let t = [2usize, 0, 1];
    check("s24", |y| s24(y, &t), &s24_grad(&x, &t).1, &x);
    check("s25", |y| s25(y), &s25_grad(&x12).1, &x12);
    let v = input(12).iter().map(|a| a.cos()).collect::<Vec<_>>();
    let (_, _, hv) = s25_hvp(&x12, v.clone());
    let h = 1e-5;
    let gp = s25_grad(
        &x12.iter()
            .zip(&v)
            .map(|(a, b)| a + h * b)
            .collect::<Vec<_>>(),
    )
    .1;
    let gm = s25_grad(
        &x12.iter()
            .zip(&v)
            .map(|(a, b)| a - h * b)
            .collect::<Vec<_>>(),
    )
    .1;
    for k in 0..12 {
        let fd = (gp[k] - gm[k]) / (2.0 * h);
        assert!(
            (hv[k] - fd).abs() < 1e-6 * (1.0 + fd.abs()),
            "s25 hvp[{k}] {} vs {fd}",
            hv[k]
        );
    }
    c!(s26, s26_grad);
}
