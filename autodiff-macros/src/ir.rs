//! The small AD IR: one operation per statement, operands are atoms, control flow is structured.

use proc_macro2::{Ident, Span, TokenStream};
use syn::{Lifetime, Member, Type};

/// Index of a variable in [`Func::vars`].
pub type VarId = usize;
/// Index of a loop in the function (for break/continue targets).
pub type LoopId = usize;

/// A variable: a user binding (parameter or `let`) or a temporary made by lowering.
#[derive(Clone)]
pub struct Var {
    /// The name used in the forward sweep (user's ident, or a mixed-site temporary).
    pub ident: Ident,
    /// True when assigned after its declaration (so not recomputable in the reverse sweep).
    pub reassigned: bool,
    /// Holds a reference (`&x`, `&self.w`, a `&T` parameter): the reverse sweep reads through it.
    pub is_ref: bool,
    /// A reference into a parameter (which outlives every pullback), not into a local.
    pub borrows_param: bool,
}

/// An operand: a variable or a constant expression (literal, const path) that can be re-evaluated.
#[derive(Clone)]
pub enum Atom {
    Var(VarId),
    Const(TokenStream),
}

/// Binary arithmetic operators with derivatives.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum BinOp {
    Add,
    Sub,
    Mul,
    Div,
    Rem,
}

/// What a call refers to.
#[derive(Clone)]
pub enum Callee {
    /// `path(args)`; the path's last segment names the function.
    Path(syn::Path),
    /// `recv.name(args)`; the receiver is `args[0]`.
    Method(Ident),
}

/// How a [`Rhs::Cast`] is spelled in the user's code (and so in the primal).
#[derive(Clone, Debug)]
pub enum CastVia {
    /// `x as ty`
    As,
    /// `ty::name(x)`: `T::from_f64(x)`, `T::from_usize(n)`
    Assoc(Ident),
    /// `x.name()`: `x.to_f64()`
    Method(Ident),
}

/// The right-hand side of a definition or assignment.
#[derive(Clone)]
pub enum Rhs {
    Copy(Atom),
    Neg(Atom),
    Bin(BinOp, Atom, Atom),
    /// A known float method, `args[0]` is the receiver.
    Method {
        name: Ident,
        args: Vec<Atom>,
    },
    /// `x as ty`, or the same conversion spelled as a call (`T::from_f64(x)`, `x.to_f64()`).
    Cast {
        x: Atom,
        ty: Type,
        via: CastVia,
    },
    /// `&a`: the same value, borrowed (its adjoint is `a`'s).
    Ref(Atom),
    /// `a.clone()` (or `to_owned`, `into_owned`, `clone_owned`): a copy with the same adjoint.
    Clone {
        x: Atom,
        method: proc_macro2::Ident,
    },
    /// `base[idx]`, or `&base[idx]` when `by_ref`.
    Index {
        base: VarId,
        idx: Atom,
        by_ref: bool,
    },
    /// `base.member`, or `&base.member` when `by_ref`.
    Field {
        base: Atom,
        member: Member,
        by_ref: bool,
    },
    Tuple(Vec<Atom>),
    /// `path { field: atom, .., ..rest }`: a struct literal (of a `#[derive(Differentiable)]`
    /// struct when a field value carries a derivative); `span` of each field, where a field that
    /// cannot take a derivative is reported.
    Struct {
        path: syn::Path,
        fields: Vec<(Ident, Atom, Span)>,
        rest: Option<Atom>,
    },
    Array(Vec<Atom>),
    VecLit(Vec<Atom>),
    Repeat {
        elem: Atom,
        len: TokenStream,
        vec: bool,
    },
    /// `base.iter().sum()`, with the length of `base` at that point.
    Sum {
        base: VarId,
        len: Atom,
    },
    /// `refs[k]`: argument `k` was written `&arg`; `spans[k]`: where it was written.
    Call {
        callee: Callee,
        args: Vec<Atom>,
        refs: Vec<bool>,
        spans: Vec<Span>,
        span: Span,
    },
    /// A non-differentiable expression, emitted as written.
    Opaque(TokenStream),
}

/// A statement of the IR.
#[derive(Clone)]
pub enum Stmt {
    /// `let var [: ty] [= rhs];` (no rhs: initialised later, as for `if` results).
    Let {
        var: VarId,
        mutable: bool,
        ty: Option<Box<Type>>,
        init: Option<Rhs>,
    },
    Assign {
        var: VarId,
        rhs: Rhs,
    },
    /// `base[idx] = val;`
    IndexWrite {
        base: VarId,
        idx: Atom,
        val: Atom,
    },
    /// `base.push(val);` with `len` = `base.len()` before the push.
    Push {
        base: VarId,
        val: Atom,
        len: Atom,
    },
    /// `base.truncate(len);`: drops the elements from `len` on. Their adjoints are zero when the
    /// reverse sweep gets here (every element made later was made by a push or write, whose
    /// pullback takes its adjoint out), so it has no reverse work; tangents are truncated too.
    Truncate {
        base: VarId,
        len: Atom,
    },
    /// An in-place operation on `bases` (`v.swap(i, j);`, `std::mem::swap(&mut a, &mut b);`):
    /// `body` is its rewrite into differentiable operations, `original` the call as written.
    /// Resolved right after the activity analysis: the rewrite when a base is varied, the
    /// original call otherwise (so a `HashMap::insert` on a map without derivatives is left alone).
    InPlace {
        bases: Vec<VarId>,
        body: Block,
        original: TokenStream,
    },
    /// Names a pattern binds at this point (a `match` arm, a `for` loop's pattern): no code, but
    /// the reverse sweep may save their values here.
    Bound(Vec<VarId>),
    /// A statement that runs in the forward sweep only (`println!`, `assert!`, inactive calls).
    Effect(TokenStream),
    /// A nested scope `{ .. }`.
    Scope(Block),
    /// `if`/`else` (two arms) or `match` (one arm per pattern); `diverges[k]`: arm `k` never
    /// completes normally.
    Branch {
        kind: BranchKind,
        arms: Vec<Block>,
        diverges: Vec<bool>,
    },
    Loop {
        id: LoopId,
        body: Block,
    },
    Break {
        target: LoopId,
    },
    Continue {
        target: LoopId,
    },
    Return,
}

/// How a branch picks its arm.
#[derive(Clone)]
pub enum BranchKind {
    If {
        cond: TokenStream,
        /// The local variables the condition reads, when it is a pure expression of them
        /// (names, literals, operators and parentheses only): the reverse sweep can evaluate it
        /// again from their values instead of recording the arm taken.
        vars: Option<Vec<VarId>>,
    },
    /// `heads[k]` is arm `k`'s pattern (with its guard).
    Match {
        scrutinee: TokenStream,
        heads: Vec<TokenStream>,
    },
}

/// A statement list.
#[derive(Clone, Default)]
pub struct Block {
    pub stmts: Vec<Stmt>,
}

/// A loop's facts.
#[derive(Clone)]
pub struct LoopInfo {
    pub label: Option<Lifetime>,
    /// Some `continue` targets this loop.
    pub has_continue: bool,
    /// An expression giving a lower bound on the trip count before the loop starts (a container
    /// loop's length, an iterator's `size_hint`): the forward sweep reserves its tapes.
    pub hint: Option<TokenStream>,
    /// A variable that is `start + k` on the loop's `k`-th trip (0-based), with the expression
    /// giving `start` before the loop runs (`None`: `0usize`): the index of `for i in a..b` and
    /// of a container loop. The reverse sweep recomputes it from the trip number instead of
    /// recording it.
    pub affine: Option<(VarId, Option<TokenStream>)>,
    /// The affine start is the same on every execution of the loop (`for i in 0..n`: an integer
    /// literal): the reverse sweep keeps it once, not once per execution of the loop.
    pub const_start: bool,
    /// The affine start is the literal `0` (`for i in 0..n`).
    pub zero_start: bool,
    /// The affine variable grows by exactly one per trip (`for i in a..b`, a container loop
    /// without adapters), not by a stride or downwards (`step_by`, `rev`).
    pub unit_step: bool,
    /// Every execution of the loop makes the same number of trips if it leaves only by its top
    /// test: a range whose bounds are literals, constants and names bound once per call without
    /// `mut`, or the elements of parameter slices, `Vec`s or arrays. The reverse sweep then keeps
    /// the count once, not once per execution.
    pub const_trips: bool,
    /// The end of a plain `a..b` range when `b` is fixed for the call (`it.end`, read before the
    /// loop runs): with the saved start it gives the trip count, so none is recorded.
    pub fixed_end: Option<TokenStream>,
    /// The start and end of a plain `a..b` range when both are small expressions the reverse
    /// sweep can evaluate again (integer arithmetic of variables and literals, elements and
    /// `len()` of parameters with a fixed length: `0..xs[s].len()`, `lo[i]..lo[i + 1]`), with
    /// the variables they name: bound to their values there, they give the start and the trip
    /// count without a record.
    pub bounds_again: Option<(TokenStream, TokenStream, Vec<VarId>)>,
    /// The iterator a `for` loop's exit test advances (`match Iterator::next(&mut it)`).
    pub iter: Option<VarId>,
    /// An expression that, evaluated right before the loop starts, gives its trip count when
    /// it leaves only by its exit test: `for i in 0..e` (`rt::range_len(&it)`) and a container
    /// loop without adapters (the containers' least length).
    pub trips_before: Option<TokenStream>,
}

/// A lowered function body.
pub struct Func {
    pub vars: Vec<Var>,
    pub loops: Vec<LoopInfo>,
    pub body: Block,
    /// The variable holding the return value.
    pub ret: VarId,
    /// Variables referenced by opaque iterator expressions of `for` loops, with the expression
    /// (they must not be differentiable).
    pub iter_uses: Vec<(Vec<VarId>, TokenStream)>,
    /// Code the lowering passes through as written (opaque statements, macro calls, mutating
    /// method calls, pattern bindings) with the variables it names: none may carry a derivative.
    pub opaque_uses: Vec<OpaqueUse>,
    /// Temporaries holding the index `At2(i, j)` of an element of a row (`w[i][j]`), with `i`
    /// and `j`: their container's adjoint is a `Vec` of rows, never a dense buffer of elements,
    /// and the reverse sweep rebuilds the index from `i` and `j` where it can.
    pub row_indices: std::collections::HashMap<VarId, (Atom, Atom)>,
    /// Running part of the body twice is invisible outside it (`replay::rerun_is_invisible`):
    /// a fused loop may run again with the zero rule (see `reverse/fused.rs`).
    pub rerun_ok: bool,
}

/// Code run as written, and the variables it names (see [`Func::opaque_uses`]).
pub struct OpaqueUse {
    pub vars: Vec<VarId>,
    /// The user's tokens, where a refusal is reported.
    pub tokens: TokenStream,
    /// What the code is, for the error (`"this statement"`, "the macro `sq!`", ...).
    pub what: String,
    /// What to write instead.
    pub hint: &'static str,
}

impl Callee {
    /// `Vec::new()` or `Vec::with_capacity(n)` (also `std::vec::Vec::new()`,
    /// `Vec::<f64>::new()`): an empty `Vec`.
    pub fn is_empty_vec(&self) -> bool {
        let Callee::Path(p) = self else {
            return false;
        };
        let segs: Vec<String> = p.segments.iter().map(|s| s.ident.to_string()).collect();
        matches!(
            segs.as_slice(),
            [.., ty, f] if ty == "Vec" && (f == "new" || f == "with_capacity")
        )
    }
}

impl Rhs {
    /// Every atom this right-hand side reads as a value: operands, arguments, an index, a
    /// repeated element, a sum's length (not the base of an element read or sum, and not the
    /// variables named in code passed through as written).
    pub fn atoms(&self) -> Vec<&Atom> {
        match self {
            Rhs::Copy(a)
            | Rhs::Neg(a)
            | Rhs::Ref(a)
            | Rhs::Clone { x: a, .. }
            | Rhs::Cast { x: a, .. }
            | Rhs::Field { base: a, .. }
            | Rhs::Index { idx: a, .. }
            | Rhs::Repeat { elem: a, .. }
            | Rhs::Sum { len: a, .. } => vec![a],
            Rhs::Bin(_, a, b) => vec![a, b],
            Rhs::Method { args, .. }
            | Rhs::Tuple(args)
            | Rhs::Array(args)
            | Rhs::VecLit(args)
            | Rhs::Call { args, .. } => args.iter().collect(),
            Rhs::Struct { fields, rest, .. } => {
                fields.iter().map(|(_, a, _)| a).chain(rest).collect()
            }
            Rhs::Opaque(_) => Vec::new(),
        }
    }

    /// Whether `v` is one of [`Self::atoms`].
    pub fn reads(&self, v: VarId) -> bool {
        self.atoms()
            .into_iter()
            .any(|a| matches!(a, Atom::Var(x) if *x == v))
    }

    /// The variables this right-hand side reads through differentiable positions.
    pub fn diff_operands(&self) -> Vec<VarId> {
        let mut out = Vec::new();
        let mut push = |a: &Atom| {
            if let Atom::Var(v) = a {
                out.push(*v);
            }
        };
        match self {
            Rhs::Copy(a)
            | Rhs::Neg(a)
            | Rhs::Ref(a)
            | Rhs::Clone { x: a, .. }
            | Rhs::Cast { x: a, .. }
            | Rhs::Field { base: a, .. } => push(a),
            Rhs::Repeat { elem, .. } => push(elem),
            Rhs::Bin(_, a, b) => {
                push(a);
                push(b);
            }
            Rhs::Method { name, args } => {
                for (k, a) in args.iter().enumerate() {
                    if crate::methods::operand_is_differentiable(&name.to_string(), k) {
                        push(a);
                    }
                }
            }
            Rhs::Tuple(xs) | Rhs::Array(xs) | Rhs::VecLit(xs) => xs.iter().for_each(push),
            Rhs::Call { args, .. } => args.iter().for_each(push),
            Rhs::Struct { fields, rest, .. } => {
                fields.iter().for_each(|(_, a, _)| push(a));
                rest.iter().for_each(push);
            }
            Rhs::Index { base, .. } | Rhs::Sum { base, .. } => out.push(*base),
            Rhs::Opaque(_) => {}
        }
        out
    }
}

/// Whether `ts` is a check that only the compiler runs, placed after a `break` by the lowering's
/// `never_run` (`#[allow(..)] loop { break; .. }`).
pub fn is_check(ts: &TokenStream) -> bool {
    use proc_macro2::{Delimiter, TokenTree};
    let tts: Vec<TokenTree> = ts.clone().into_iter().take(4).collect();
    let spelled = |k: usize, s: &str| match tts.get(k) {
        Some(TokenTree::Ident(i)) => i == s,
        Some(TokenTree::Punct(p)) => p.as_char().to_string() == s,
        _ => false,
    };
    if spelled(0, "#") && spelled(2, "loop") {
        if let Some(TokenTree::Group(g)) = tts.get(3) {
            let body: Vec<TokenTree> = g.stream().into_iter().take(2).collect();
            return g.delimiter() == Delimiter::Brace
                && matches!(body.first(), Some(TokenTree::Ident(i)) if i == "break")
                && matches!(body.get(1), Some(TokenTree::Punct(p)) if p.as_char() == ';');
        }
    }
    false
}

/// Whether code passed through as written may change a variable: it names `mut`, a method that
/// changes its receiver, calls a method that may change it through auto-ref (`i.add_assign(1)`,
/// `order.select_nth_unstable(1)`), or has an `=` (read-only code such as the operand shape checks,
/// `assert!` without `==`, `println!` has none).
pub fn may_write(ts: TokenStream) -> bool {
    use proc_macro2::{Delimiter, TokenTree};
    if is_check(&ts) {
        return false;
    }
    let tts: Vec<TokenTree> = ts.into_iter().collect();
    tts.iter().enumerate().any(|(k, tt)| match tt {
        TokenTree::Ident(i) => i == "mut" || crate::lower::is_mutating_method(&i.to_string()),
        TokenTree::Punct(p) if p.as_char() == '.' => match (tts.get(k + 1), tts.get(k + 2)) {
            (Some(TokenTree::Ident(m)), Some(TokenTree::Group(g)))
                if g.delimiter() == Delimiter::Parenthesis =>
            {
                // The operand shape checks the lowering adds only read.
                let name = m.to_string();
                name != "check_same"
                    && name != "check_mul"
                    && crate::lower::may_change_receiver(&name)
            }
            _ => false,
        },
        TokenTree::Punct(p) => p.as_char() == '=',
        TokenTree::Group(g) => may_write(g.stream()),
        TokenTree::Literal(_) => false,
    })
}
