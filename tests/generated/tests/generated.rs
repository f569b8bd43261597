//! Checks every generated function (see `generator.rs`) at a few points: `_grad` against the primal
//! run at `Dual` numbers (exact directional derivatives, no step size, no branch-boundary
//! problem), `_jvp` against `_grad`, and both against central differences where two step sizes
//! agree and the one-sided slopes agree (a branch boundary or kink at or near the point makes them
//! disagree, and the point is skipped).

use autodiff_generated::programs::cases;

/// Points with no simple relation between the coordinates (round ones make exact ties in the
/// generated `max`/`min`, e.g. `x/2 + y == 3y/2 - x/4` at `(-0.3, -0.45)`).
const POINTS: [(f64, f64, usize); 5] = [
    (0.3712, -0.8137, 2),
    (-1.1291, 0.5217, 3),
    (0.9043, 1.2117, 0),
    (-0.4519, -0.2988, 5),
    (1.3107, 0.0741, 1),
];

fn close(a: f64, b: f64, rel: f64) -> bool {
    (a - b).abs() <= rel * (1.0 + a.abs().max(b.abs()))
}

fn central(f: impl Fn(f64) -> f64, x: f64, h: f64) -> f64 {
    (f(x + h) - f(x - h)) / (2.0 * h)
}

/// The generated functions call earlier ones (`g_k` may call any `g_j`, `j < k`), so unoptimised
/// call chains get deep and their frames large: the check runs on a thread with a 32 MiB stack
/// (the test harness's threads have 2 MiB).
#[test]
fn generated_gradients_match_the_oracles() {
    std::thread::Builder::new()
        .stack_size(32 << 20)
        .spawn(check_all)
        .expect("a thread")
        .join()
        .expect("the checks ran");
}

fn check_all() {
    let cases = cases();
    let mut failures = Vec::new();
    let (mut checked, mut fd_checked, mut fd_skipped) = (0, 0, 0);
    for c in &cases {
        for &(x, y, n) in &POINTS {
            let f0 = (c.f)(x, y, n);
            if !f0.is_finite() {
                continue;
            }
            checked += 1;
            let (v, (gx, gy)) = (c.grad)(x, y, n);
            let (_, ex) = (c.dual)(x, y, n, 1.0, 0.0);
            let (_, ey) = (c.dual)(x, y, n, 0.0, 1.0);
            let (_, j) = (c.jvp)(x, y, n, 0.3, -0.7);
            let mut why = Vec::new();
            if !close(v, f0, 1e-12) {
                why.push(format!("value {v} vs primal {f0}"));
            }
            if !close(gx, ex, 1e-9) || !close(gy, ey, 1e-9) {
                why.push(format!("grad ({gx}, {gy}) vs dual ({ex}, {ey})"));
            }
            if !close(j, 0.3 * ex - 0.7 * ey, 1e-9) {
                why.push(format!("jvp {j} vs dual {}", 0.3 * ex - 0.7 * ey));
            }
            // central differences where the function is smooth at both step sizes
            for (k, g) in [(0, gx), (1, gy)] {
                let fk = |t: f64| {
                    if k == 0 {
                        (c.f)(t, y, n)
                    } else {
                        (c.f)(x, t, n)
                    }
                };
                let at = if k == 0 { x } else { y };
                let (d1, d2) = (central(fk, at, 1e-5), central(fk, at, 1e-6));
                // one-sided slopes differ by O(1) at a kink exactly at the point (where every
                // central difference gives the mean of the two sides), by O(h) elsewhere
                let h = 1e-7;
                let (fwd, bwd) = ((fk(at + h) - fk(at)) / h, (fk(at) - fk(at - h)) / h);
                if close(d1, d2, 1e-5) && close(fwd, bwd, 1e-5) {
                    fd_checked += 1;
                    if !close(g, d1, 1e-5) {
                        why.push(format!("d/d{} {g} vs central {d1}", ["x", "y"][k]));
                    }
                } else {
                    fd_skipped += 1;
                }
            }
            if !why.is_empty() {
                failures.push(format!(
                    "{} at ({x}, {y}, {n}): {}\n{}",
                    c.name,
                    why.join("; "),
                    c.source
                ));
            }
        }
    }
    println!(
        "{} functions, {checked} points, {fd_checked} central-difference checks ({fd_skipped} skipped near a kink)",
        cases.len()
    );
    assert!(
        failures.is_empty(),
        "{} failures; the first:\n{}",
        failures.len(),
        failures
            .iter()
            .take(3)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
    assert!(
        checked >= cases.len() * 3,
        "too few finite points: {checked}"
    );
}
