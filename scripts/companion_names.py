#!/usr/bin/env python3
"""Print the hidden companion names `#[differentiable]` calls for a function or method NAME.

Hand-written derivative companions in autodiff-runtime (ops, nalgebra methods and
constructors) must be spelled exactly so; the formula is `naming::vjp_companion` /
`naming::jvp_companion` in autodiff-macros/src/naming.rs.

    scripts/companion_names.py softmax sum_rows
"""
import sys

PRIME = 0x100000001B3
MASK = (1 << 64) - 1


def fnv(text: str, basis: int) -> int:
    h = basis
    for b in text.encode():
        h = ((h ^ b) * PRIME) & MASK
    return h


def name_hash(text: str) -> str:
    return f"{fnv(text, 0xCBF29CE484222325):016x}{fnv(text, 0x84222325CBF29CE4):016x}"


def companions(name: str) -> tuple[str, str]:
    return tuple(f"__{name}_{kind}_{name_hash(f'{kind}:{name}')}"
                 for kind in ("derivative", "forward_derivative"))


if __name__ == "__main__":
    for n in sys.argv[1:]:
        vjp, jvp = companions(n)
        print(f"{n}\tvjp {vjp}\tjvp {jvp}")
