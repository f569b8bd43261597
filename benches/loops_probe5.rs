//! The fifth outside probe's workloads (`common_loops/probe5.rs`) in `benches/loops.rs`: groups
//! `probe5_*`, run alone with `cargo bench -p autodiff-benches --bench loops -- probe5`.

use std::hint::black_box;

use criterion::Criterion;

use super::common_loops::probe5::*;
use super::{line3, quick};

/// Criterion groups `probe5_*`, the three flavours each.
pub fn bench_probe5(c: &mut Criterion) {
    let (wq, wk, wv, x) = attention_input();
    three!(
        c,
        "probe5_attention16x8",
        || attention(
            black_box(&wq),
            black_box(&wk),
            black_box(&wv),
            black_box(&x)
        ),
        || attention_grad(
            black_box(&wq),
            black_box(&wk),
            black_box(&wv),
            black_box(&x)
        ),
        || attention_hand(
            black_box(&wq),
            black_box(&wk),
            black_box(&wv),
            black_box(&x)
        )
    );
    let (u, v, rows, cols, y) = matfact_input();
    let (u, v, rows, cols, y) = (&u[..], &v[..], &rows[..], &cols[..], &y[..]);
    three!(
        c,
        "probe5_matfact40x30x8",
        || matfact(black_box(u), black_box(v), rows, cols, y, MF_LAMBDA),
        || matfact_grad(black_box(u), black_box(v), rows, cols, y, MF_LAMBDA),
        || matfact_hand(black_box(u), black_box(v), rows, cols, y, MF_LAMBDA)
    );
    let (l, b) = forward_subst_input();
    let (l, b) = (&l[..], &b[..]);
    three!(
        c,
        "probe5_forward_subst60",
        || forward_subst(black_box(l), black_box(b)),
        || forward_subst_grad(black_box(l), black_box(b)),
        || forward_subst_hand(black_box(l), black_box(b))
    );
    let (w, u, b, cc, xs, ys) = rnn_input();
    let (w, u, b, cc, xs, ys) = (&w[..], &u[..], &b[..], &cc[..], &xs[..], &ys[..]);
    three!(
        c,
        "probe5_rnn16x100",
        || rnn(
            black_box(w),
            black_box(u),
            black_box(b),
            black_box(cc),
            xs,
            ys
        ),
        || rnn_grad(
            black_box(w),
            black_box(u),
            black_box(b),
            black_box(cc),
            xs,
            ys
        ),
        || rnn_hand(
            black_box(w),
            black_box(u),
            black_box(b),
            black_box(cc),
            xs,
            ys
        )
    );
}

/// One allocation line per flavour of each `probe5_*` group.
pub fn probe5_allocations() {
    let (wq, wk, wv, x) = attention_input();
    line3(
        "probe5_attention16x8",
        || attention(&wq, &wk, &wv, &x),
        || attention_grad(&wq, &wk, &wv, &x),
        || attention_hand(&wq, &wk, &wv, &x),
    );
    let (u, v, rows, cols, y) = matfact_input();
    line3(
        "probe5_matfact40x30x8",
        || matfact(&u, &v, &rows, &cols, &y, MF_LAMBDA),
        || matfact_grad(&u, &v, &rows, &cols, &y, MF_LAMBDA),
        || matfact_hand(&u, &v, &rows, &cols, &y, MF_LAMBDA),
    );
    let (l, b) = forward_subst_input();
    line3(
        "probe5_forward_subst60",
        || forward_subst(&l, &b),
        || forward_subst_grad(&l, &b),
        || forward_subst_hand(&l, &b),
    );
    let (w, u, b, c, xs, ys) = rnn_input();
    line3(
        "probe5_rnn16x100",
        || rnn(&w, &u, &b, &c, &xs, &ys),
        || rnn_grad(&w, &u, &b, &c, &xs, &ys),
        || rnn_hand(&w, &u, &b, &c, &xs, &ys),
    );
}
