//! A projectile with air drag, simulated in a `while` loop until it lands, and the launch angle
//! that throws it farthest. Run with `cargo run --release --example projectile`.
//!
//! # What the gradient of a loop with a data-dependent trip count means
//!
//! The loop runs until the projectile is below the ground, so how many steps it takes depends on
//! the angle. `#[differentiable]` differentiates the steps that actually ran: the trip count is
//! held fixed. That is the exact derivative of the function the program computes, which is
//! piecewise smooth: between two angles where the step count changes it is smooth, and at those
//! angles it jumps (by up to one step's worth of distance).
//!
//! For an *event time* (when it lands) or anything read off at the event (where it lands), that
//! exact derivative is useless. With the step count fixed, a steeper throw only has a smaller
//! horizontal speed for the same number of steps, so `range_at_last_step_grad` says "throw
//! flatter" at every angle, even at 20° where a steeper throw goes farther: the raw gradient has
//! the wrong sign. (A finite difference with a small step agrees with it; a large step crosses
//! the jumps and sees the real trend.)
//!
//! The fix is to make the event itself a smooth function of the inputs: interpolate where the
//! trajectory crosses the ground inside the last step. `range` does that with a straight line
//! between the last point above ground and the first one below it; its value is continuous in
//! the angle (when the step count changes, the interpolated landing point does not jump), and its
//! gradient (still with the trip count held fixed, which is now harmless) is the derivative of
//! the landing distance. Gradient ascent on it finds the best angle.

use autodiff::prelude::*;

/// Launch speed, m/s.
pub const SPEED: f64 = 50.0;
/// Gravity, m/s².
pub const GRAVITY: f64 = 9.81;
/// Quadratic drag per unit mass, 1/m: the deceleration is `DRAG·|v|·v` (terminal speed
/// `sqrt(GRAVITY / DRAG)` ≈ 44 m/s).
pub const DRAG: f64 = 0.005;
/// Time step of the explicit Euler integration, s.
pub const DT: f64 = 0.01;

/// Where the projectile is at the first step below ground (m), launched at `angle` (radians) from
/// the origin: the plain simulation, read off at its last step.
#[differentiable]
pub fn range_at_last_step(angle: f64) -> f64 {
    let mut x = 0.0;
    let mut y = 0.0;
    let mut vx = SPEED * angle.cos();
    let mut vy = SPEED * angle.sin();
    while y >= 0.0 {
        let speed = (vx * vx + vy * vy).sqrt();
        x += vx * DT;
        y += vy * DT;
        vx -= DRAG * speed * vx * DT;
        vy -= (GRAVITY + DRAG * speed * vy) * DT;
    }
    x
}

/// Where the projectile lands (m), launched at `angle` (radians): the same simulation, with the
/// ground crossing interpolated linearly inside the last step.
#[differentiable]
pub fn range(angle: f64) -> f64 {
    let mut x = 0.0;
    let mut y = 0.0;
    let mut x_before = 0.0;
    let mut y_before = 0.0;
    let mut vx = SPEED * angle.cos();
    let mut vy = SPEED * angle.sin();
    while y >= 0.0 {
        x_before = x;
        y_before = y;
        let speed = (vx * vx + vy * vy).sqrt();
        x += vx * DT;
        y += vy * DT;
        vx -= DRAG * speed * vx * DT;
        vy -= (GRAVITY + DRAG * speed * vy) * DT;
    }
    // y_before >= 0 > y: the fraction of the last step flown before touching the ground.
    let fraction = y_before / (y_before - y);
    x_before + fraction * (x - x_before)
}

/// How many steps the simulation takes at `angle` (the trip count the gradients hold fixed).
pub fn steps(angle: f64) -> usize {
    let (mut y, mut vx, mut vy, mut n) = (0.0_f64, SPEED * angle.cos(), SPEED * angle.sin(), 0);
    while y >= 0.0 {
        let speed = (vx * vx + vy * vy).sqrt();
        y += vy * DT;
        vx -= DRAG * speed * vx * DT;
        vy -= (GRAVITY + DRAG * speed * vy) * DT;
        n += 1;
    }
    n
}

/// Gradient ascent on [`range`] from `angle` (radians): `steps` updates with learning rate
/// `learning_rate` (radians per metre of slope). Returns the final angle.
pub fn best_angle(mut angle: f64, learning_rate: f64, steps: usize) -> f64 {
    for _ in 0..steps {
        let (_, slope) = range_grad(angle);
        angle += learning_rate * slope;
    }
    angle
}

fn main() {
    let deg = std::f64::consts::PI / 180.0;
    let angle = 20.0 * deg;
    let central = |f: &dyn Fn(f64) -> f64, h: f64| (f(angle + h) - f(angle - h)) / (2.0 * h);

    println!("Launch at 20°, {SPEED} m/s, quadratic drag, Euler steps of {DT} s.\n");
    let (x_last, raw) = range_at_last_step_grad(angle);
    let (x_land, interpolated) = range_grad(angle);
    println!(
        "{:<34} {:>10} {:>18}",
        "", "value (m)", "d/d(angle) (m/rad)"
    );
    println!(
        "{:<34} {:>10.3} {:>18.3}",
        "x at the last step (raw)", x_last, raw
    );
    println!(
        "{:<34} {:>10.3} {:>18.3}",
        "landing point (interpolated)", x_land, interpolated
    );
    println!(
        "\nFinite differences of the landing point: {:.3} (step 1e-6 rad), {:.3} (step 0.01 rad)",
        central(&range, 1e-6),
        central(&range, 0.01)
    );
    let same_count = steps(angle - 1e-6) == steps(angle + 1e-6);
    println!(
        "Finite differences of the raw x: {:.3} (step 1e-6 rad, {} steps {}), {:.3} (step 0.01 \
         rad, crosses step-count changes)",
        central(&range_at_last_step, 1e-6),
        steps(angle),
        if same_count {
            "on both sides: agrees with the raw gradient"
        } else {
            "at the centre"
        },
        central(&range_at_last_step, 0.01)
    );
    println!(
        "\nThe raw gradient is exact for a fixed step count but points the wrong way: a steeper \
         throw\nflies longer, which a fixed step count cannot see. The interpolated landing point \
         is smooth\nin the angle, and its gradient is the one to optimise.\n"
    );

    let best = best_angle(angle, 1e-4, 300);
    let (best_range, slope) = range_grad(best);
    println!(
        "Gradient ascent on the landing point from 20°: {:.2}° lands at {:.2} m (slope {:.2e} m/rad).",
        best / deg,
        best_range,
        slope
    );
    let raw_walk = (0..300).fold(angle, |a, _| a + 1e-4 * range_at_last_step_grad(a).1);
    println!(
        "The same ascent on the raw gradient walks the other way: {:.2}°, landing at {:.2} m.",
        raw_walk / deg,
        range(raw_walk)
    );
}
