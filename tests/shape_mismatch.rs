//! A shape mismatch inside generated code panics with both shapes, located at the user's own
//! call in the `#[differentiable]` function (not inside nalgebra), in reverse and forward mode.

use std::sync::{Arc, Mutex};

use autodiff::prelude::*;

#[differentiable]
fn weighted(a: &DMatrix<f64>, w: &DMatrix<f64>) -> f64 {
    let p = a.component_mul(w); // the call that mismatches
    p.sum() + a.dot(w)
}

/// Operators: `x * w` needs x's columns = w's rows; `+`, `-` and `+=` need equal shapes.
#[differentiable]
fn layer(x: &DMatrix<f64>, w: &DMatrix<f64>, b: &DMatrix<f64>) -> f64 {
    let z = x * w; // the product that mismatches
    let h = &z + b; // the sum that mismatches
    let mut acc = h.clone();
    acc += b; // the update that mismatches
    (acc - h).sum() + z.sum()
}

/// The same checks in a generic function, at `order = 2` (the Hessian-vector product).
#[differentiable(order = 2)]
fn gram<T: autodiff::matrix::MatrixScalar>(x: &DMatrix<T>, w: &DMatrix<T>) -> T {
    let g = x.transpose() * w; // the generic product that mismatches
    g.sum()
}

/// The line of this file that contains `marker`.
fn line_of(marker: &str) -> u32 {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(file!());
    let text = std::fs::read_to_string(path).expect("this test's source");
    let k = text
        .lines()
        .position(|l| l.contains(marker))
        .expect("the marker");
    u32::try_from(k + 1).expect("a small line number")
}

/// Runs `f`, which must panic; returns the panic's message, file and line.
fn panic_of(f: impl FnOnce() + std::panic::UnwindSafe) -> (String, String, u32) {
    // The panic hook is process-wide: tests running in parallel take turns.
    static HOOK: Mutex<()> = Mutex::new(());
    let _turn = HOOK.lock().unwrap_or_else(|e| e.into_inner());
    let seen: Arc<Mutex<Option<(String, String, u32)>>> = Arc::default();
    let sink = Arc::clone(&seen);
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let msg = info
            .payload()
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| info.payload().downcast_ref::<&str>().map(|s| s.to_string()))
            .unwrap_or_default();
        let loc = info.location().expect("a location");
        *sink.lock().unwrap() = Some((msg, loc.file().to_string(), loc.line()));
    }));
    let result = std::panic::catch_unwind(f);
    std::panic::set_hook(previous);
    assert!(result.is_err(), "expected a panic");
    seen.lock().unwrap().take().expect("the hook saw the panic")
}

#[test]
fn mismatched_operands_panic_with_both_shapes_at_the_users_line() {
    let a = DMatrix::from_element(2, 3, 1.0);
    let w = DMatrix::from_element(3, 2, 1.0);
    let want_line = line_of("the call that mismatches");

    let (msg, file, line) = panic_of(|| {
        let _ = weighted_grad(&a, &w);
    });
    assert!(
        msg.contains("component_mul") && msg.contains("2×3") && msg.contains("3×2"),
        "{msg}"
    );
    assert!(file.ends_with("shape_mismatch.rs"), "located in {file}");
    assert_eq!(line, want_line);

    let (msg, file, line) = panic_of(|| {
        let _ = weighted_jvp(&a, &w, a.clone(), w.clone());
    });
    assert!(msg.contains("2×3") && msg.contains("3×2"), "{msg}");
    assert!(file.ends_with("shape_mismatch.rs"), "located in {file}");
    assert_eq!(line, want_line);

    // Matching shapes run as usual: d/dA Σ(A∘W) + A·W = 2W.
    let w = DMatrix::from_element(2, 3, 0.5);
    let (_, (ga, _)) = weighted_grad(&a, &w);
    assert!(ga.iter().all(|g| (g - 1.0).abs() < 1e-12));
}

#[test]
fn mismatched_operators_panic_with_both_shapes_at_the_users_operator() {
    let x = DMatrix::from_element(4, 3, 1.0);
    let w = DMatrix::from_element(3, 2, 0.5);
    let b = DMatrix::from_element(4, 2, 0.25);

    // `x * w` with w of the wrong height, in reverse and forward mode.
    let w_bad = DMatrix::from_element(2, 2, 0.5);
    let line = line_of("the product that mismatches");
    for (msg, file, at) in [
        panic_of(|| {
            let _ = layer_grad(&x, &w_bad, &b);
        }),
        panic_of(|| {
            let _ = layer_jvp(&x, &w_bad, &b, x.clone(), w_bad.clone(), b.clone());
        }),
    ] {
        assert_eq!(
            msg,
            "`x * w`: a 4×3 matrix times a 2×2 matrix (the left's 3 columns must equal the right's 2 rows)"
        );
        assert!(file.ends_with("shape_mismatch.rs"), "located in {file}");
        assert_eq!(at, line);
    }

    // `&z + b` with b of the wrong shape.
    let b_bad = DMatrix::from_element(2, 4, 0.25);
    let (msg, file, at) = panic_of(|| {
        let _ = layer_vjp(&x, &w, &b_bad);
    });
    assert_eq!(
        msg,
        "`&z + b`: the operands' shapes differ: 4×2 and 2×4 (they must be equal)"
    );
    assert!(file.ends_with("shape_mismatch.rs"), "located in {file}");
    assert_eq!(at, line_of("the sum that mismatches"));

    // Matching shapes: value and gradient as usual. f = Σ(acc − h) + Σ z = Σ b + Σ xw,
    // so df/dx = 1 wᵀ, df/dw = xᵀ 1, df/db = 1.
    let (v, (gx, gw, gb)) = layer_grad(&x, &w, &b);
    assert!((v - (8.0 * 0.25 + 8.0 * 1.5)).abs() < 1e-12, "{v}");
    assert!(gx.iter().all(|g| (g - 1.0).abs() < 1e-12), "{gx}");
    assert!(gw.iter().all(|g| (g - 4.0).abs() < 1e-12), "{gw}");
    assert!(gb.iter().all(|g| (g - 1.0).abs() < 1e-12), "{gb}");
}

#[test]
fn compound_update_is_checked_too() {
    // `acc -= b` on a variable is checked before nalgebra's `SubAssign` runs.
    #[differentiable]
    fn bump(a: &DMatrix<f64>, b: &DMatrix<f64>) -> f64 {
        let mut acc = a.clone();
        acc -= b; // the compound update that mismatches
        acc.sum()
    }
    let a = DMatrix::from_element(2, 2, 1.0);
    let b = DMatrix::from_element(1, 2, 1.0);
    let (msg, file, at) = panic_of(|| {
        let _ = bump_grad(&a, &b);
    });
    assert_eq!(
        msg,
        "`acc -= b`: the operands' shapes differ: 2×2 and 1×2 (they must be equal)"
    );
    assert!(file.ends_with("shape_mismatch.rs"), "located in {file}");
    assert_eq!(at, line_of("the compound update that mismatches"));
}

#[test]
fn generic_second_order_code_is_checked() {
    let x = DMatrix::from_element(3, 2, 1.0_f64);
    let w = DMatrix::from_element(2, 2, 1.0_f64);
    let line = line_of("the generic product that mismatches");
    let (msg, file, at) = panic_of(|| {
        let _ = gram_grad(&x, &w);
    });
    assert_eq!(
        msg,
        "`x.transpose() * w`: a 2×3 matrix times a 2×2 matrix (the left's 3 columns must equal the right's 2 rows)"
    );
    assert!(file.ends_with("shape_mismatch.rs"), "located in {file}");
    assert_eq!(at, line);
    let (msg, _, at) = panic_of(|| {
        let _ = gram_hvp(&x, &w, x.clone(), w.clone());
    });
    assert!(msg.contains("2×3 matrix times a 2×2 matrix"), "{msg}");
    assert_eq!(at, line);
}
