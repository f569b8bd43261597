#!/usr/bin/env python3
"""Prints the loop suite's table (markdown) from criterion's results.

Usage: python3 benches/loops_table.py [BENCH_OUTPUT]

Reads the medians from $CARGO_TARGET_DIR/criterion/<group>/<flavour>/new/estimates.json
(default target dir ./target) for every group `loops_*` (and, in a second table, `heldout_*`), and,
if BENCH_OUTPUT (the saved stdout
of `cargo bench -p autodiff-benches --bench loops`) is given, the `allocations` lines the bench
prints before timing. Ratios are of medians; each table ends with the geometric mean of
generated / hand over its rows.
"""
import json
import math
import os
import sys

ROWS = [
    ("loops_lse1000", "log-sum-exp, 1,000 values"),
    ("loops_newton_cubic", "Newton on x³ + p x - c (while), d/d(p, c)"),
    ("loops_heat100x50", "heat stencil 100×50, fresh Vec per step"),
    ("loops_heat_swap100x50", "heat stencil 100×50, mem::swap double buffer"),
    ("loops_gmm_d2_k5_n1000", "ADBench GMM, d=2 k=5 n=1000"),
    ("loops_rosenbrock100", "Rosenbrock, 100-element slice"),
    ("loops_fixed_point20", "fixed point, 20 steps, d/dp"),
    ("loops_elem_loop_100", "element loop with branch, 100×100"),
    ("loops_horner1000", "Horner, degree 1000, d/d(c, x)"),
    ("loops_lennard_jones64", "Lennard-Jones, 64 particles in 3-D"),
    ("loops_rnn1000", "h = tanh(w h + x_t), 1,000 steps"),
]
# Workloads of the same kinds written after the optimisations and never used to tune them
# (`benches/common_loops/heldout.rs`); printed as a second table when their results exist.
HELDOUT = [
    ("heldout_logistic500x8", "logistic regression loss, 500 × 8"),
    ("heldout_kepler100", "Kepler's equation by Newton (`while` in a `for`), 100 anomalies"),
    ("heldout_jacobi2d16x16x20", "2-D stencil 16×16×20, fresh Vec per step"),
    ("heldout_oscillator1000", "damped oscillator, 1,000 Euler steps, d/d(k, c)"),
    ("heldout_kernel_pairs64", "Gaussian kernel over pairs, 64 points in 2-D"),
    ("heldout_dense_layer32", "dense layer through rows `w[i][j]` of a `&[Vec<f64>]`, 32 × 32"),
    ("heldout_cumprod1000", "cumulative product in a local Vec, 1,000"),
    ("heldout_wave100x50", "1-D wave equation, 100 cells, 50 steps, three levels in local Vecs"),
    ("heldout_iir_filter1000", "one-pole recursive filter, 1,000 samples"),
    ("heldout_slice_pairs30", "helper on sub-slices over pairs, 30 points in 3-D"),
]
FLAVOURS = ("primal", "generated", "hand")


def median_ns(root, group, flavour):
    path = os.path.join(root, "criterion", group, flavour, "new", "estimates.json")
    with open(path) as f:
        return json.load(f)["median"]["point_estimate"]


def fmt_time(ns):
    if ns >= 1e6:
        return f"{ns / 1e6:.3g} ms"
    if ns >= 1e3:
        return f"{ns / 1e3:.3g} µs"
    return f"{ns:.3g} ns"


def allocations(path):
    out = {}
    if not path:
        return out
    with open(path) as f:
        for line in f:
            parts = line.split()
            if len(parts) == 4 and parts[0] == "allocations" and "/" in parts[1]:
                out[parts[1]] = int(parts[2])
    return out


def table(root, allocs, rows):
    print("| workload | primal | generated | hand | generated / hand | generated / primal "
          "| allocations per call (primal / generated / hand) |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    logs = []
    for group, label in rows:
        t = {fl: median_ns(root, group, fl) for fl in FLAVOURS}
        gh = t["generated"] / t["hand"]
        gp = t["generated"] / t["primal"]
        logs.append(math.log(gh))
        a = " / ".join(str(allocs.get(f"{group}/{fl}", "?")) for fl in FLAVOURS)
        print(f"| {label} | {fmt_time(t['primal'])} | {fmt_time(t['generated'])} | "
              f"{fmt_time(t['hand'])} | {gh:.2f} | {gp:.2f} | {a} |")
    print()
    print(f"Geometric mean of generated / hand over {len(logs)} rows: "
          f"{math.exp(sum(logs) / len(logs)):.2f}")


def main():
    root = os.environ.get("CARGO_TARGET_DIR", "target")
    allocs = allocations(sys.argv[1] if len(sys.argv) > 1 else None)
    if os.path.exists(os.path.join(root, "criterion", ROWS[0][0])):
        table(root, allocs, ROWS)
    if os.path.exists(os.path.join(root, "criterion", HELDOUT[0][0])):
        print()
        print("Held-out workloads:")
        print()
        table(root, allocs, HELDOUT)


if __name__ == "__main__":
    main()
