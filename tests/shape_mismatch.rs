//! A shape mismatch inside generated code panics with both shapes, located at the user's own
//! call in the `#[differentiable]` function (not inside nalgebra), in reverse and forward mode.

use std::sync::{Arc, Mutex};

use autodiff::prelude::*;

#[differentiable]
fn weighted(a: &DMatrix<f64>, w: &DMatrix<f64>) -> f64 {
    let p = a.component_mul(w); // the call that mismatches
    p.sum() + a.dot(w)
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
