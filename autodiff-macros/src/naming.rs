//! Every generated name in one place. Local names use `Span::mixed_site()` so they can neither
//! capture nor shadow the user's variables.

use std::cell::Cell;

use proc_macro2::{Ident, Span};
use quote::format_ident;

thread_local! {
    /// Whether the items being generated are the second-order companion (see [`with_order2`]).
    static ORDER2: Cell<bool> = const { Cell::new(false) };
}

/// Runs `f` with the second-order naming scheme: every companion and sibling name gets the
/// `__differentiable_order2_` prefix, so the second-order companion of `f` calls the second-order
/// companions of its callees (and a callee without `order = 2` is reported at the call).
pub fn with_order2<R>(f: impl FnOnce() -> R) -> R {
    struct Reset(bool);
    impl Drop for Reset {
        fn drop(&mut self) {
            ORDER2.with(|o| o.set(self.0));
        }
    }
    let _reset = Reset(ORDER2.with(|o| o.replace(true)));
    f()
}

/// Runs `f` with the first-order naming scheme, inside [`with_order2`] too: for the runtime's
/// hand-written companions, which are generic over the scalar and so serve second order as is.
pub fn without_order2<R>(f: impl FnOnce() -> R) -> R {
    struct Reset(bool);
    impl Drop for Reset {
        fn drop(&mut self) {
            ORDER2.with(|o| o.set(self.0));
        }
    }
    let _reset = Reset(ORDER2.with(|o| o.replace(false)));
    f()
}

/// The nalgebra matrix methods whose companions `autodiff-runtime` writes by hand
/// (`MatrixMethods`).
const MATRIX_METHODS: &[&str] = &[
    "transpose",
    "component_mul",
    "component_div",
    "dot",
    "sum",
    "mean",
    "norm",
    "norm_squared",
    "trace",
    "max",
    "min",
    "row",
    "column",
    "rows",
    "columns",
];

/// A block read (`m.row(i)`, `m.column(j)`, `m.rows(i, n)`, `m.columns(j, n)`): its companion
/// returns an owned matrix, and so does its primal in generated code (see `reverse/exprs.rs`).
pub fn is_block_read(name: &Ident) -> bool {
    ["row", "column", "rows", "columns"].contains(&name.to_string().as_str())
}

/// The matrix constructors whose companions `autodiff-runtime` writes by hand.
const MATRIX_CONSTRUCTORS: &[&str] = &[
    "from_element",
    "from_row_slice",
    "from_column_slice",
    "from_vec",
];

/// Whether a call goes to a companion that `autodiff-runtime` writes by hand, generic over the
/// scalar (so over dual numbers too): a matrix method, a matrix constructor
/// (`DMatrix::from_row_slice`, ...) or a function of `ops` (`ops::relu`, `autodiff::ops::..`).
/// Second-order code calls these under their first-order names.
pub fn is_runtime_builtin(callee: &crate::ir::Callee) -> bool {
    match callee {
        crate::ir::Callee::Method(m) => MATRIX_METHODS.contains(&m.to_string().as_str()),
        crate::ir::Callee::Path(p) => {
            let segs: Vec<String> = p.segments.iter().map(|s| s.ident.to_string()).collect();
            let [.., prev, last] = segs.as_slice() else {
                return false;
            };
            prev == "ops"
                || (MATRIX_CONSTRUCTORS.contains(&last.as_str())
                    && (prev.starts_with("DMatrix")
                        || prev.starts_with("DVector")
                        || prev.starts_with("RowDVector")
                        || prev.starts_with("SMatrix")
                        || prev.starts_with("SVector")
                        || prev.starts_with("Matrix")
                        || prev.starts_with("Vector")
                        || prev.starts_with("RowVector")
                        || prev.starts_with("RowSVector")
                        || prev == "OMatrix"))
        }
    }
}

/// Whether `callee` is exactly the path `lower/ranges.rs` emits for `&v[a..b]` (a function of
/// the user's named `range_of` in a module `ops` is an ordinary call).
pub fn is_range_of(callee: &crate::ir::Callee) -> bool {
    let crate::ir::Callee::Path(p) = callee else {
        return false;
    };
    let segs: Vec<String> = p.segments.iter().map(|s| s.ident.to_string()).collect();
    p.leading_colon.is_some() && segs == ["autodiff", "__private", "ops", "range_of"]
}

/// Whether the runtime's reverse rule for `callee` is linear and has no products: its
/// cotangents are sums of the cotangent it is given, so a NaN there stays NaN and the
/// optimistic sweep needs no test before it (`&v[a..b]`: `dv[a + k] += dy[k]`).
pub fn is_linear_builtin(callee: &crate::ir::Callee) -> bool {
    is_range_of(callee)
}

/// Whether `path` may name a function of the user's (`dot`, `m::dot`), which has companions
/// under the naming scheme here: not an associated function of a type (`u8::from`,
/// `T::from_f64`, `f64::max`), a constructor (`Some`), a generated name (`__t1`) or an
/// absolute path (generated code spells the runtime `::autodiff::..`).
pub(crate) fn may_be_user_fn(path: &syn::Path) -> bool {
    const PRIMITIVES: &[&str] = &[
        "f32", "f64", "i8", "i16", "i32", "i64", "i128", "isize", "u8", "u16", "u32", "u64",
        "u128", "usize", "bool", "char", "str", "Self", "self", "super", "crate",
    ];
    path.leading_colon.is_none()
        && path.segments.iter().all(|s| {
            let n = s.ident.to_string();
            !n.starts_with(|c: char| c.is_uppercase())
                && !n.starts_with("__")
                && !PRIMITIVES.contains(&n.as_str())
        })
}

/// The primitive integer types (cast targets that carry no derivative, with `bool` and `char`).
pub(crate) const INTEGERS: &[&str] = &[
    "i8", "i16", "i32", "i64", "i128", "isize", "u8", "u16", "u32", "u64", "u128", "usize",
];

/// The name of the primitive type `ty` spells, bare (`usize`) or by its path
/// (`std::primitive::usize`, `core::primitive::i32`).
pub(crate) fn primitive_name(ty: &syn::Type) -> Option<String> {
    let syn::Type::Path(p) = ty else { return None };
    if p.qself.is_some() || p.path.segments.iter().any(|s| !s.arguments.is_none()) {
        return None;
    }
    let names: Vec<String> = (p.path.segments.iter())
        .map(|s| s.ident.to_string())
        .collect();
    match names.as_slice() {
        [n] if p.path.leading_colon.is_none() => Some(n.clone()),
        [krate, prim, n] if (krate == "std" || krate == "core") && prim == "primitive" => {
            Some(n.clone())
        }
        _ => None,
    }
}

pub(crate) fn order2() -> bool {
    ORDER2.with(Cell::get)
}

/// The second-order companion of `f` (what `order = 2` code calls for `f`).
pub fn order2_companion(f: &Ident) -> Ident {
    format_ident!("__differentiable_order2_{}", f, span = f.span())
}

/// The hidden gradient of `f`'s second-order companion (run at dual numbers by `f_hvp`).
pub fn order2_grad(f: &Ident) -> Ident {
    format_ident!("__differentiable_order2grad_{}", f, span = f.span())
}

fn local(name: String) -> Ident {
    Ident::new(&name, Span::mixed_site())
}

/// A user's name without its raw prefix (`r#type` is `type`), for building other names and
/// comparing them.
pub fn unraw(i: &Ident) -> String {
    let s = i.to_string();
    s.strip_prefix("r#").map(str::to_string).unwrap_or(s)
}

/// The reverse-mode companion of `f`, with one gradient slot per parameter:
/// `__{f}_derivative_{32 hex digits}`.
///
/// When `f` has no derivative, rustc's first error names this companion ("cannot find function
/// `__plain_derivative_…`"), so it starts with the user's name. The suffix is a hash of the name:
/// two companions then differ in about 30 characters, more than rustc's similar-name suggestion
/// accepts, so it never proposes an unrelated companion as the fix. Hand-written companions in
/// `autodiff-runtime` spell the same names (`scripts/companion_names.py NAME` prints them).
pub fn vjp_companion(f: &Ident) -> Ident {
    if order2() {
        return order2_companion(f);
    }
    companion(f, "derivative")
}

/// The fused reverse-mode companion of `f` (value and pullback in one call, adding into the
/// caller's adjoint slots): `__{f}_into_{32 hex digits}` (see `expand/companion.rs`).
pub fn into_companion(f: &Ident) -> Ident {
    companion(f, "into")
}

/// Whether callers of `f` list its gradient as pairs (see `expand/pairs_hint.rs`):
/// `__{f}_pairs_{32 hex digits}`.
pub fn pairs_hint(f: &Ident) -> Ident {
    companion(f, "pairs")
}

/// Whether a caller's fused loop may take `f`'s pullback (see `expand/fuse_hint.rs`):
/// `__{f}_fuse_{32 hex digits}`.
pub fn fuse_hint(f: &Ident) -> Ident {
    companion(f, "fuse")
}

/// The slot argument of parameter `k` of a fused companion.
pub fn slot_arg(k: usize) -> Ident {
    fixed(&format!("__slot{k}"))
}

/// The forward-mode companion of `f`, with one tangent argument per parameter:
/// `__{f}_forward_derivative_{32 hex digits}` (see [`vjp_companion`]).
pub fn jvp_companion(f: &Ident) -> Ident {
    if order2() {
        return format_ident!("__differentiable_order2tangent_{}", f, span = f.span());
    }
    companion(f, "forward_derivative")
}

fn companion(f: &Ident, kind: &str) -> Ident {
    let name = f.to_string();
    let name = name.strip_prefix("r#").unwrap_or(&name);
    let hash = name_hash(&format!("{kind}:{name}"));
    Ident::new(&format!("__{name}_{kind}_{hash}"), f.span())
}

/// 32 hex digits: two 64-bit FNV-1a hashes of `text` (different offset bases). Stable across
/// compiler versions and platforms, since hand-written companions spell the result.
pub fn name_hash(text: &str) -> String {
    const PRIME: u64 = 0x0000_0100_0000_01b3;
    let fnv = |basis: u64| {
        text.bytes()
            .fold(basis, |h, b| (h ^ u64::from(b)).wrapping_mul(PRIME))
    };
    format!(
        "{:016x}{:016x}",
        fnv(0xcbf2_9ce4_8422_2325),
        fnv(0x84222325_cbf29ce4)
    )
}

/// A public sibling: `f_grad`, `f_vjp`, `f_jvp`.
pub fn public(f: &Ident, suffix: &str) -> Ident {
    if order2() {
        return format_ident!("__differentiable_order2{}_{}", suffix, f, span = f.span());
    }
    format_ident!("{}_{}", f, suffix, span = f.span())
}

/// A temporary made by lowering.
pub fn temp(k: usize) -> Ident {
    local(format!("__t{k}"))
}

/// The adjoint accumulator of variable `v` (named after it for readable expansions).
pub fn adjoint(var_name: &Ident, v: usize) -> Ident {
    let base = unraw(var_name).trim_start_matches("__").to_string();
    local(format!("__d_{base}_{v}"))
}

/// A loop's own sum of its trips' contributions to the adjoint slot `d` (see
/// `reverse::accumulate`); adjoint names end in a number, so this one is never one of them.
pub fn trip_sum(d: &Ident) -> Ident {
    local(format!("{d}_trips"))
}

/// The tangent of variable `v` in forward mode.
pub fn tangent(var_name: &Ident, v: usize) -> Ident {
    let base = unraw(var_name).trim_start_matches("__").to_string();
    local(format!("__dot_{base}_{v}"))
}

/// A value saved by the forward sweep for the reverse sweep.
pub fn slot(k: usize) -> Ident {
    local(format!("__s{k}"))
}

/// The static that keeps a record tape's length from the last call (`tape` is the slot number or
/// `ctl`).
pub fn tape_len(tape: &str) -> Ident {
    local(format!("__AUTODIFF_TAPE_LEN_{tape}"))
}

/// The read cursor of a loop slot.
pub fn cursor(k: usize) -> Ident {
    local(format!("__c{k}"))
}

/// A copy of a parameter kept for the reverse sweep.
pub fn keep(param: &Ident) -> Ident {
    local(format!("__keep_{}", unraw(param)))
}

/// The trip counter of loop `l`.
pub fn trips(l: usize) -> Ident {
    local(format!("__trips{l}"))
}

/// Fixed local names.
pub fn fixed(name: &str) -> Ident {
    local(name.to_string())
}

/// Whether `ts` mentions the identifier `name` anywhere (raw or not).
pub fn mentions(ts: &proc_macro2::TokenStream, name: &Ident) -> bool {
    fn walk(ts: &proc_macro2::TokenStream, name: &str) -> bool {
        ts.clone().into_iter().any(|t| match t {
            proc_macro2::TokenTree::Ident(i) => unraw(&i) == name,
            proc_macro2::TokenTree::Group(g) => walk(&g.stream(), name),
            _ => false,
        })
    }
    walk(ts, &unraw(name))
}

/// Whether tokens name the local `name`: the identifier anywhere but as a path segment after
/// `::` or a field or method after `.` (the loop's own `Iterator::next(&mut it)` does not name
/// a local `next`; `0..next` and `S { f: next }` do).
pub fn mentions_local(ts: &proc_macro2::TokenStream, name: &Ident) -> bool {
    use proc_macro2::TokenTree as T;
    fn walk(ts: &proc_macro2::TokenStream, name: &str) -> bool {
        let tts: Vec<T> = ts.clone().into_iter().collect();
        tts.iter().enumerate().any(|(k, t)| match t {
            T::Group(g) => walk(&g.stream(), name),
            T::Ident(i) if unraw(i) == name => {
                let punct =
                    |j: usize, c: char| matches!(tts.get(j), Some(T::Punct(p)) if p.as_char() == c);
                // `a::name`, `x.name` (not `..name`, `S { f: name }`)
                let segment = k >= 2 && punct(k - 1, ':') && punct(k - 2, ':');
                let member = k >= 1 && punct(k - 1, '.') && !(k >= 2 && punct(k - 2, '.'));
                !(segment || member)
            }
            _ => false,
        })
    }
    walk(ts, &unraw(name))
}

/// The value of an integer literal, in parentheses or not (`3`, `(3)`, `3usize`); `None` for
/// any other expression or a value `T` cannot hold.
pub fn int_literal<T: std::str::FromStr>(e: &syn::Expr) -> Option<T>
where
    T::Err: std::fmt::Display,
{
    match e {
        syn::Expr::Paren(p) => int_literal(&p.expr),
        syn::Expr::Group(g) => int_literal(&g.expr),
        syn::Expr::Lit(syn::ExprLit {
            lit: syn::Lit::Int(n),
            ..
        }) => n.base10_parse().ok(),
        _ => None,
    }
}
