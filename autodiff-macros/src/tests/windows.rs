//! Expansion tests of stencil windows (`reverse/window.rs`): the adjoints of a fitted dense
//! local read only at `i + c` go into registers, flushed once per trip and after the loop; a
//! local also written in the loop, read at another index, or at offsets too far apart keeps the
//! adds into its buffer.

use quote::quote;

use super::{expand_fn, vjp_item};

/// The number of window adds, trip flushes (`window_flush (& mut BUF , __wi`) and final
/// flushes in the pullback of `name`.
fn windows(all: &str, name: &str) -> (usize, usize, usize) {
    let vjp = vjp_item(all, name);
    let flushes = vjp.matches("window_flush (").count();
    let trip = vjp.matches(", __wi ,").count();
    (vjp.matches("window_add (").count(), trip, flushes - trip)
}

#[test]
fn three_point_stencils_add_into_registers() {
    let all = expand_fn(quote! {
        fn heat(u0: &[f64], k: f64) -> f64 {
            let n = u0.len();
            let mut u = u0.to_vec();
            for _ in 0..5 {
                let mut next = vec![0.0; n];
                for i in 0..n {
                    let left = if i > 0 { u[i - 1] } else { 0.0 };
                    let right = if i + 1 < n { u[i + 1] } else { 0.0 };
                    next[i] = u[i] + k * (left - 2.0 * u[i] + right);
                }
                u = next;
            }
            let mut s = 0.0;
            for i in 0..n {
                s += u[i] * u[i];
            }
            s
        }
    });
    // Three offsets: three registers (the center's two reads are one after lowering); one
    // flush per trip, two after the loop. The sum of squares reads `u` at one offset: no window.
    let (adds, trip, fin) = windows(&all, "heat");
    assert_eq!((adds, trip, fin), (3, 1, 2), "{}", vjp_item(&all, "heat"));
    let vjp = vjp_item(&all, "heat");
    assert_eq!(vjp.matches("dense_add_in (& mut __d_u").count(), 1, "{vjp}");
}

#[test]
fn offsets_with_gaps_take_one_register_each() {
    let all = expand_fn(quote! {
        fn gaps(x: &[f64]) -> f64 {
            let u = x.to_vec();
            let mut s = 0.0;
            for i in 0..x.len() - 7 {
                s += u[i + 2] * u[i + 7] - u[i + 5];
            }
            s
        }
    });
    // Offsets 2..=7: six registers, five flushed after the loop.
    let (adds, trip, fin) = windows(&all, "gaps");
    assert_eq!((adds, trip, fin), (3, 1, 5));
    assert_eq!(vjp_item(&all, "gaps").matches("window_zero (").count(), 6);
}

#[test]
fn recurrences_take_their_writes_from_the_window() {
    // `c[i] = c[i - 1] * x[i]`: the write takes element `i` (register and buffer), the read adds
    // into the register of `i - 1`; two registers, one flushed per trip and one after the loop.
    // The write before the loop and the sum's one-offset reads keep the buffer.
    let all = expand_fn(quote! {
        fn cumprod(x: &[f64]) -> f64 {
            let n = x.len();
            let mut c = vec![0.0; n];
            c[0] = x[0];
            for i in 1..n {
                c[i] = c[i - 1] * x[i];
            }
            let mut s = 0.0;
            for i in 0..n {
                s += c[i];
            }
            s
        }
    });
    let vjp = vjp_item(&all, "cumprod");
    assert_eq!(windows(&all, "cumprod"), (1, 1, 1), "{vjp}");
    assert_eq!(vjp.matches("window_take (& mut __d_c_").count(), 1, "{vjp}");
    assert_eq!(vjp.matches("dense_take (& mut __d_c_").count(), 1, "{vjp}");
    // A second-order recurrence writing ahead of its reads (`f[i + 2]` from `f[i + 1]`, `f[i]`):
    // offsets 0..=2, three registers.
    let all = expand_fn(quote! {
        fn lagged(x: &[f64], a: f64) -> f64 {
            let n = x.len();
            let mut f = x.to_vec();
            for i in 0..n - 2 {
                f[i + 2] = a * f[i + 1] - f[i] * x[i];
            }
            f[n - 1]
        }
    });
    let vjp = vjp_item(&all, "lagged");
    assert_eq!(windows(&all, "lagged"), (2, 1, 2), "{vjp}");
    assert_eq!(vjp.matches("window_take (& mut __d_f_").count(), 1, "{vjp}");
}

#[test]
fn an_inner_loop_takes_a_window_of_a_local_fitted_outside_it() {
    // Gauss-Seidel sweeps: `u` is fitted at the sweep loop (its variable is not an index), and
    // the inner loop over `i` writes it at `i` and reads it at `i - 1` and `i + 1`.
    let all = expand_fn(quote! {
        fn sweeps(x: &[f64], m: usize) -> f64 {
            let n = x.len();
            let mut u = x.to_vec();
            for _ in 0..m {
                for i in 1..n - 1 {
                    u[i] = 0.5 * (u[i - 1] + u[i + 1]);
                }
            }
            u[1]
        }
    });
    let vjp = vjp_item(&all, "sweeps");
    assert_eq!(windows(&all, "sweeps"), (2, 1, 2), "{vjp}");
    assert_eq!(vjp.matches("window_take (& mut __d_u_").count(), 1, "{vjp}");
    assert_eq!(vjp.matches("dense_fit (& mut __d_u_").count(), 1, "{vjp}");
}

#[test]
fn locals_seen_otherwise_keep_their_adds() {
    for body in [
        // written at an index that is not an offset of `i`
        quote! {
            for i in 1..n - 1 {
                u[(i * 3) % n] = u[i - 1] * 0.5 + u[i + 1];
            }
        },
        // pushed to in the loop
        quote! {
            for i in 1..n - 1 {
                let y = u[i - 1] * u[i + 1];
                u.push(y);
            }
        },
        // read at an index that is not an offset of `i`
        quote! {
            for i in 1..n - 1 {
                s += u[(i * 3) % n] * u[i + 1] + u[i - 1];
            }
        },
        // offsets more than a window apart
        quote! {
            for i in 0..n - 8 {
                s += u[i] * u[i + 8];
            }
        },
        // a loop with a `break`
        quote! {
            for i in 1..n - 1 {
                if s > 10.0 {
                    break;
                }
                s += u[i - 1] * u[i + 1];
            }
        },
        // the local passed to a call
        quote! {
            for i in 1..n - 1 {
                s += u[i - 1] * u[i + 1] + helper(&u);
            }
        },
    ] {
        let all = expand_fn(quote! {
            fn kept(x: &[f64]) -> f64 {
                let n = x.len();
                let mut u = x.to_vec();
                let mut s = 0.0;
                #body
                s + u[0]
            }
        });
        assert_eq!(windows(&all, "kept"), (0, 0, 0), "{body}");
    }
}
