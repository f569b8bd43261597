//! Ranges passed to a fused companion: `f(&p[a..b])` re-run in the reverse sweep.
//!
//! The range's adjoint would be a fresh `Vec` per call (the callee's gradient buffer for its
//! slice parameter, which is then added into `p`'s adjoint at offset `a` and dropped). When the
//! range is read by nothing but this call, the callee is lent `p`'s adjoint itself instead
//! (`y = f(p[a..b]) => dp[a + k] += (f's pullback of dy)[k]`):
//!
//! * **A window** (`#rt::RangeSlot` over `#rt::ops::range_cells`): the caller grows `p`'s
//!   adjoint to cover every range of `p` in the call and lends it as cells; the callee's
//!   gradient buffer for the parameter is that window at offset `a` (`LentElems` in the
//!   runtime's `gradbuf.rs`), so its element adjoints go straight into `p`'s. Cells, because two
//!   ranges of one base in one call (`dot(&p[3 * i..], &p[3 * j..])`), even overlapping ones,
//!   are lent the same adjoint at once. Nothing is allocated or copied per call.
//! * **A scratch buffer** (`#rt::ScratchSlot`) when another argument of the call names `p`'s
//!   adjoint (`f(&p[..2], p)`: the window and that slot would borrow it at once): a `Vec` of
//!   the caller's, made once before the reverse sweep and reused by every execution of the
//!   call (zeros of the range's length, given back with the callee's cotangent), added into
//!   `p`'s adjoint at the range's offset right after the call and zeroed again
//!   (`ops::acc_range_drain`).
//!
//! A parameter's whole slice passed by reference (`interp(xs, ys, q)`) is lent the same way, as
//! the range `0..len` of itself ([`RevGen::whole_slice_arg`]).
//!
//! Also here: which range reads must be copies although they could be borrowed views (see
//! [`forced_copies`]).

use super::*;
use crate::naming::is_range_of;

/// Range temporaries (`let t = ops::range_of(v, a, b);`, borrowed as `&t`) that must be copies
/// although their base is a parameter: a variable given several ranges (`let mut r = &p[1..];
/// r = &r[1..];`, `if c { r = &v[..2] } else { r = &p[..2] }`) has one type, `&Vec<T>` when
/// one of them is a copy (a range of a local) and `&&[T]` for a borrowed view, so all the ranges
/// such a variable (or a variable copied from it) is given are copies if one is.
pub(super) fn forced_copies(f: &Func) -> HashSet<VarId> {
    // the range temporaries and whether each would be borrowed (see the range rule in `def`)
    let mut ranges: HashMap<VarId, bool> = HashMap::new();
    // edges: a variable and what it is given (a range temporary or another variable)
    let mut edges: Vec<(VarId, VarId)> = Vec::new();
    fn walk(
        b: &Block,
        f: &Func,
        ranges: &mut HashMap<VarId, bool>,
        edges: &mut Vec<(VarId, VarId)>,
    ) {
        for s in &b.stmts {
            match s {
                Stmt::Let {
                    var,
                    init: Some(rhs),
                    ..
                }
                | Stmt::Assign { var, rhs } => match rhs {
                    Rhs::Call {
                        callee, args, refs, ..
                    } if is_range_of(callee) => {
                        ranges.insert(*var, borrowable(f, args, refs));
                    }
                    Rhs::Ref(Atom::Var(t)) | Rhs::Copy(Atom::Var(t)) => edges.push((*var, *t)),
                    _ => {}
                },
                _ => {}
            }
            match s {
                Stmt::Scope(b) | Stmt::InPlace { body: b, .. } | Stmt::Loop { body: b, .. } => {
                    walk(b, f, ranges, edges)
                }
                Stmt::Branch { arms, .. } => arms.iter().for_each(|a| walk(a, f, ranges, edges)),
                _ => {}
            }
        }
    }
    walk(&f.body, f, &mut ranges, &mut edges);
    // groups of variables joined by the edges (union-find)
    let mut parent: Vec<VarId> = (0..f.vars.len()).collect();
    fn root(parent: &mut [VarId], mut v: VarId) -> VarId {
        while parent[v] != v {
            parent[v] = parent[parent[v]];
            v = parent[v];
        }
        v
    }
    for &(a, b) in &edges {
        let (ra, rb) = (root(&mut parent, a), root(&mut parent, b));
        parent[ra] = rb;
    }
    let mut copied_groups = HashSet::new();
    for (&t, &view) in &ranges {
        if !view {
            copied_groups.insert(root(&mut parent, t));
        }
    }
    ranges
        .iter()
        .filter(|(t, view)| **view && copied_groups.contains(&root(&mut parent, **t)))
        .map(|(t, _)| *t)
        .collect()
}

/// Whether the range read `ops::range_of(args)` can be borrowed rather than copied: its base is
/// a range of a parameter (unchanged during the call) reached without borrowing a local (`&r`
/// of `let r = &p;` would). `forced_copies` may still make it a copy.
pub(super) fn borrowable(f: &Func, args: &[Atom], refs: &[bool]) -> bool {
    match args.first() {
        Some(Atom::Var(v)) => f.vars[*v].is_ref && f.vars[*v].borrows_param && !refs[0],
        _ => false,
    }
}

/// A range argument whose adjoint goes through a scratch buffer (see the module docs).
pub(super) struct RangeArg {
    /// The variable the range is read from (its adjoint is an `Option<Vec>` slot).
    pub base: VarId,
    /// The range's start (its length is the saved argument's).
    pub start: Atom,
}

impl RevGen<'_> {
    /// The range read behind argument `a` of a fused call: `a` is `ops::range_of(v, s, e)` or a
    /// borrow of one (`let a = &t;`), and neither is read by anything else, so the call's
    /// cotangent for `a` is all the range ever receives.
    pub(super) fn range_arg(&self, a: &Atom) -> Option<RangeArg> {
        let Atom::Var(a) = a else { return None };
        let single = |v: VarId| self.operand_counts.get(&v).copied() == Some(1);
        if !single(*a) {
            return None;
        }
        let t = match self.defs.get(a)? {
            Rhs::Ref(Atom::Var(t)) if single(*t) => *t,
            Rhs::Call { .. } => *a,
            _ => return None,
        };
        let Rhs::Call { callee, args, .. } = self.defs.get(&t)? else {
            return None;
        };
        let base = self.range_read(callee, args)?;
        // the start is read again at the call, and the cotangent goes into the base's adjoint
        // there: neither may have changed since the range was read (`let r = &p[a..a + 3];
        // a = 2; f(r)`, `let r = &q[1..3]; q = &p[2..]; f(r)`, where `q`'s adjoint at the call
        // is the new `q`'s)
        if !self.unchanging(&args[1]) || !self.unchanging(&Atom::Var(base)) {
            return None;
        }
        Some(RangeArg {
            base,
            start: args[1].clone(),
        })
    }

    /// A parameter's whole slice or `Vec` of floats passed by reference (`interp(xs, ys, q)`
    /// with `ys: &[f64]`), lent as the range `0..len` of itself: the callee adds its element
    /// adjoints into the parameter's adjoint in place. Otherwise the caller's adjoint would be
    /// moved into the callee's slot and back on every call (a `Vec` moved through the stack per
    /// trip). Not for a parameter bound again in the body (its adjoint at the call may be the
    /// new value's).
    pub(super) fn whole_slice_arg(&self, a: &Atom, by_ref: bool) -> Option<RangeArg> {
        let v = self.act.active_atom(a)?;
        let p = self.params.get(&v)?;
        let slice = (by_ref || self.f.vars[v].is_ref)
            && self.float_elems.contains(&v)
            && p.adj_ty
                .as_ref()
                .and_then(dense::container_of)
                .is_some_and(|c| {
                    // an array's adjoint is an array, not the `Vec` a range lends
                    c != dense::Container::Array
                })
            && self.unchanging(a);
        slice.then(|| RangeArg {
            base: v,
            start: Atom::Const(quote! { 0usize }),
        })
    }

    /// A new scratch buffer, declared before the reverse sweep (see `generate`).
    pub(super) fn new_scratch(&mut self) -> Ident {
        self.range_scratch += 1;
        scratch_name(self.range_scratch - 1)
    }
}

/// The bases whose ranges in one fused call are lent the base's adjoint as a window
/// (`RangeSlot` over `ops::range_cells`): every base of a range argument, unless another
/// argument's slot names its adjoint (`f(&p[..2], p)`: the two would borrow it at once). The
/// ranges of the other bases get scratch buffers, added into the adjoint after the call.
pub(super) fn windows(
    ranges: &[Option<RangeArg>],
    slots: &[Option<TokenStream>],
    adj: impl Fn(VarId) -> Ident,
) -> HashSet<usize> {
    let named = |d: &Ident| {
        let d = d.to_string();
        slots.iter().flatten().any(|t| {
            t.clone()
                .into_iter()
                .flat_map(flatten)
                .any(|i| matches!(i, proc_macro2::TokenTree::Ident(i) if i == d))
        })
    };
    (ranges.iter().flatten())
        .map(|r| r.base)
        .filter(|&b| !named(&adj(b)))
        .collect()
}

/// The name of the cells base `v`'s adjoint is lent as in one call.
pub(super) fn cells_name(v: VarId) -> Ident {
    naming::fixed(&format!("__cells{v}"))
}

/// A token tree and, for a group, every tree inside it.
fn flatten(t: proc_macro2::TokenTree) -> Vec<proc_macro2::TokenTree> {
    match t {
        proc_macro2::TokenTree::Group(g) => g.stream().into_iter().flat_map(flatten).collect(),
        t => vec![t],
    }
}

/// The name of scratch buffer `k`.
pub(super) fn scratch_name(k: usize) -> Ident {
    naming::fixed(&format!("__scr{k}"))
}
