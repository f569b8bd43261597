//! Values the reverse sweep rebuilds instead of reading a record: elements of parameters and
//! of their rows, loop indices and small expressions over them (`x[i * d + j]`).

use super::*;

impl RevGen<'_> {
    /// A cheap value recomputed in the reverse sweep from values it already has, instead of
    /// saved: an element of a parameter (`x[i]`) or of a row of one (`w[i][j]`), or a sum,
    /// difference or product of such values, loop indices and unchanging `let`s (`i * d + j`).
    pub(super) fn recompute(
        &mut self,
        v: VarId,
        place: Place,
        depth: usize,
    ) -> Option<(TokenStream, TokenStream)> {
        let cheap = |this: &Self| {
            this.index_like(&Atom::Var(v), 0)
                || this
                    .element_cost(&Atom::Var(v), 0)
                    .is_some_and(|c| c <= ELEMENT_BUDGET)
        };
        if depth > 5 || (depth > 2 && !cheap(self)) {
            return None;
        }
        // `At2(i, j)`, the index of a row's element (`w[i][j]`): rebuilt from `i` and `j`.
        if let Some((i, j)) = self.f.row_indices.get(&v) {
            if !(self.index_like(i, depth) && self.index_like(j, depth)) {
                return None;
            }
            let (s1, ri) = self.read_depth(i, place, depth + 1);
            let (s2, rj) = self.read_depth(j, place, depth + 1);
            let rt = self.rt;
            return Some((quote! { #s1 #s2 }, quote! { &#rt::At2(*#ri, *#rj) }));
        }
        let rhs = self.defs.get(&v)?.clone();
        // the parameter `v` is a view of, when it is a range sliced again (see `param_range`)
        let range_base = self.param_range(v);
        let available = |this: &Self, a: &Atom| match a {
            Atom::Const(_) => true,
            Atom::Var(b) => {
                (this.params.contains_key(b) && !this.f.vars[*b].reassigned)
                    || this.block_saved.contains_key(b)
                    || this.defs.contains_key(b)
            }
        };
        // An index read again later must still hold the value it had at the read (`let a = x[i];
        // i += 1;` leaves `a` at the old `i`): a constant or a variable never assigned again.
        // an index that is the same at the read (a borrowed key, `m[&name]`, is read as the
        // reference it is, not as an index value: it is kept instead)
        let fixed_index = |this: &Self, a: &Atom| match a {
            Atom::Const(_) => true,
            Atom::Var(i) => !this.f.vars[*i].reassigned && !this.f.vars[*i].is_ref,
        };
        match &rhs {
            // `b = a` (a repeated element read reusing the first, see `lower::reuse`): `a`'s read.
            Rhs::Copy(x @ Atom::Var(_)) if available(self, x) => {
                Some(self.read_depth(x, place, depth + 1))
            }
            // `b = a.clone()` of a float, also `*a` of a borrowed element (`for x in v.iter()`,
            // `for &x in ..`): the same value, read as `a` is (a borrowed element reads as the
            // element). Only a float `a` (never reassigned, so unchanged where `b` is read) or a
            // reference rebuilt from parameters and indices (`&x[i]`): a borrow of a local
            // read there would have to live on to the read.
            Rhs::Clone {
                x: x @ Atom::Var(xv),
                ..
            } if self.floats.contains(&v)
                && available(self, x)
                && (!self.f.vars[*xv].is_ref || self.element_cost(x, depth + 1).is_some()) =>
            {
                Some(self.read_depth(x, place, depth + 1))
            }
            // An element of a state `Vec` read before the trip replaces it: indexed again in
            // the trip's copy (see `trip_versions`).
            Rhs::Index {
                base,
                idx,
                by_ref: false,
            } if self.fused.is_none()
                && self
                    .trip_versions
                    .reads
                    .get(&v)
                    .is_some_and(|(h, _)| h == base)
                && fixed_index(self, idx) =>
            {
                let id = self.trip_versions.reads[&v].1;
                self.trip_versions.used.insert(id);
                let b = trip_versions::copy_name(id);
                if self.span_copy_ok(id) {
                    if let Some(e) = self.span_value(*base, &quote! { #b }, idx) {
                        return Some((TokenStream::new(), e));
                    }
                }
                let (save, i) = self.read_depth(idx, place, depth + 1);
                Some((save, quote! { &(#b)[*#i] }))
            }
            // An element of a local table nothing changes any more, read in a loop: indexed
            // again in one copy of the table (see `frozen`).
            Rhs::Index {
                base,
                idx,
                by_ref: false,
            } if place.in_loop && self.frozen.readable(*base, v) && fixed_index(self, idx) => {
                let b = self.frozen_base(*base);
                if self.dense.contains(base) {
                    if let Some(e) = self.span_value(*base, &b, idx) {
                        return Some((TokenStream::new(), e));
                    }
                }
                let (save, i) = self.read_depth(idx, place, depth + 1);
                Some((save, quote! { &(#b)[*#i] }))
            }
            Rhs::Index { base, idx, .. }
                if self.params.contains_key(base)
                    && !self.f.vars[*base].reassigned
                    && fixed_index(self, idx) =>
            {
                let b = self.params[base].read.clone();
                if self.params[base].float_elems {
                    if let Some(e) = self.span_value(*base, &b, idx) {
                        return Some((TokenStream::new(), e));
                    }
                }
                let (save, i) = self.read_depth(idx, place, depth + 1);
                Some((save, quote! { &(#b)[*#i] }))
            }
            // An element of a row of a parameter (`w[i][j]`, or `row[j]` with `let row =
            // &w[i];`): indexed again in the parameter.
            Rhs::Index { base, idx, .. } if self.param_row(*base) && fixed_index(self, idx) => {
                let (s1, b) = self.read_depth(&Atom::Var(*base), place, depth + 1);
                let (s2, i) = self.read_depth(idx, place, depth + 1);
                Some((quote! { #s1 #s2 }, quote! { &(#b)[*#i] }))
            }
            Rhs::Bin(op @ (BinOp::Add | BinOp::Sub | BinOp::Mul), x, y)
                if (is_literal(x) || is_literal(y)) && available(self, x) && available(self, y) =>
            {
                // A literal stays a value (nalgebra has `f64 * &M` but not `&f64 * &M`).
                let lit = |a: &Atom| match a {
                    Atom::Const(c) => Some(quote! { (#c) }),
                    Atom::Var(_) => None,
                };
                let (s1, rx) = match lit(x) {
                    Some(c) => (TokenStream::new(), c),
                    None => self.read_depth(x, place, depth + 1),
                };
                let (s2, ry) = match lit(y) {
                    Some(c) => (TokenStream::new(), c),
                    None => self.read_depth(y, place, depth + 1),
                };
                let e = match op {
                    BinOp::Add => quote! { #rx + #ry },
                    BinOp::Sub => quote! { #rx - #ry },
                    _ => quote! { #rx * #ry },
                };
                Some((quote! { #s1 #s2 }, quote! { &(#e) }))
            }
            Rhs::Bin(op @ (BinOp::Add | BinOp::Sub | BinOp::Mul), x, y)
                if self
                    .element_cost(&Atom::Var(v), 0)
                    .is_some_and(|c| c <= ELEMENT_BUDGET) =>
            {
                // A small expression over elements of parameters (`x[i + 1] - x[i] * x[i]`):
                // a few loads and flops are cheaper than a record and its read-back.
                let (s1, rx) = self.read_depth(x, place, depth + 1);
                let (s2, ry) = self.read_depth(y, place, depth + 1);
                let (cx, cy) = (
                    quote! { ::core::clone::Clone::clone(#rx) },
                    quote! { ::core::clone::Clone::clone(#ry) },
                );
                let e = match op {
                    BinOp::Add => quote! { #cx + #cy },
                    BinOp::Sub => quote! { #cx - #cy },
                    _ => quote! { #cx * #cy },
                };
                Some((quote! { #s1 #s2 }, quote! { &(#e) }))
            }
            // A range of a parameter borrowed as a view (`&p[a..b]`, or a borrow of one), with
            // `p` and the bounds never reassigned: sliced again (`y = &p[a..b]`, `a`, `b`
            // rebuilt) instead of a record of the view per execution.
            Rhs::Ref(Atom::Var(t)) if self.param_range(*t).is_some() => {
                Some(self.read_depth(&Atom::Var(*t), place, depth + 1))
            }
            Rhs::Call { args, .. } if range_base.is_some() => {
                let b = self.params[&range_base?].read.clone();
                let (s1, lo) = self.read_depth(&args[1], place, depth + 1);
                let (s2, hi) = self.read_depth(&args[2], place, depth + 1);
                let rt = self.rt;
                Some((
                    quote! { #s1 #s2 },
                    quote! { &#rt::ops::range_view(#b, *#lo, *#hi) },
                ))
            }
            // A conversion of a loop index or of a small expression over indices and parameter
            // elements (`k as f64`, `T::from_usize(k + 1)`, a Taylor term's divisor or a time
            // step's count): converted again, as written.
            Rhs::Cast {
                x,
                ty,
                via: via @ (CastVia::As | CastVia::Assoc(_)),
            } if self.index_like(x, depth)
                || self
                    .element_cost(x, depth + 1)
                    .is_some_and(|c| c < ELEMENT_BUDGET) =>
            {
                let (save, rx) = self.read_depth(x, place, depth + 1);
                let e = match via {
                    CastVia::Assoc(name) => quote! { <#ty>::#name(*#rx) },
                    _ => quote! { (*#rx) as #ty },
                };
                Some((save, quote! { &(#e) }))
            }
            Rhs::Tuple(xs) if xs.iter().all(|a| self.index_like(a, depth)) => {
                // A tuple of loop indices (`m[(i, j)]`): rebuilt from the trip numbers.
                let mut save = TokenStream::new();
                let mut parts = Vec::new();
                for a in xs {
                    let (s, r) = self.read_depth(a, place, depth + 1);
                    save.extend(s);
                    parts.push(quote! { ::core::clone::Clone::clone(#r) });
                }
                Some((save, quote! { &(#(#parts,)*) }))
            }
            _ => None,
        }
    }

    /// The number of loads and arithmetic operations that recompute `a` from parameters that are
    /// never written, loop indices and constants (`None` when it reads anything else).
    pub(super) fn element_cost(&self, a: &Atom, depth: usize) -> Option<usize> {
        let Atom::Var(v) = a else { return Some(0) };
        let param = |b: &VarId| self.params.contains_key(b) && !self.f.vars[*b].reassigned;
        // An operand that is a `let` of the enclosing blocks, never reassigned and not
        // differentiated (a length, a stride), is read from the block's one saved copy. Not `v`
        // itself (depth 0): recomputing `v` from its definition needs every operand of the
        // definition to be unchanged since (`let base = m * d; m = 0;` must not rebuild `base`
        // from the new `m`).
        let saved_once = |b: &VarId| self.block_saved.contains_key(b) && !self.act.active(*b);
        if self.affine.contains_key(v) || param(v) || (depth > 0 && saved_once(v)) {
            return Some(0);
        }
        if depth > 4 {
            return None;
        }
        match self.defs.get(v)? {
            Rhs::Index { base, idx, .. }
                if param(base)
                    || (self.frozen.top.is_some() && self.frozen.readable(*base, *v)) =>
            {
                Some(1 + self.element_cost(idx, depth + 1)?)
            }
            Rhs::Index { base, idx, .. } if self.param_row(*base) => Some(
                1 + self.element_cost(&Atom::Var(*base), depth + 1)?
                    + self.element_cost(idx, depth + 1)?,
            ),
            Rhs::Bin(BinOp::Add | BinOp::Sub | BinOp::Mul, x, y) => {
                Some(1 + self.element_cost(x, depth + 1)? + self.element_cost(y, depth + 1)?)
            }
            Rhs::Copy(x) => self.element_cost(x, depth + 1),
            // `*r` of a borrowed element (`r = &x[i]`) costs what `x[i]` does
            Rhs::Clone { x, .. } if self.floats.contains(v) => self.element_cost(x, depth + 1),
            Rhs::Cast {
                x,
                via: CastVia::As | CastVia::Assoc(_),
                ..
            } => Some(1 + self.element_cost(x, depth + 1)?),
            _ => None,
        }
    }

    /// Whether `v` is a borrowed row of a parameter, `let row = &w[i];` (also the row `w[i]`
    /// of `w[i][j]`), with `w` and `row` never reassigned and `i` a constant or a variable never
    /// reassigned: the row the reverse sweep reads again is the one the forward sweep read.
    pub(super) fn param_row(&self, v: VarId) -> bool {
        !self.f.vars[v].reassigned
            && matches!(self.defs.get(&v), Some(Rhs::Index { base, idx, by_ref: true })
                if self.params.contains_key(base)
                    && !self.f.vars[*base].reassigned
                    && self.unchanging(idx))
    }

    /// Whether `t` is a range of a parameter read as a view (`ops::range_of(p, a, b)` made
    /// `range_view`, see the range rule in `def`), with `p` and both bounds never reassigned:
    /// the view sliced again in the reverse sweep is the one the forward sweep read. (A range
    /// of a row, `&row[1..3]`, is a copy, recorded as before.) `Some(p)`, the parameter `p`,
    /// when it is one.
    pub(super) fn param_range(&self, t: VarId) -> Option<VarId> {
        let Some(Rhs::Call {
            callee, args, refs, ..
        }) = self.defs.get(&t)
        else {
            return None;
        };
        let base = match args.first() {
            Some(Atom::Var(b)) if self.params.contains_key(b) && !self.f.vars[*b].reassigned => *b,
            _ => return None,
        };
        let fits = naming::is_range_of(callee)
            && args.len() == 3
            && !self.f.vars[t].reassigned
            && !self.forced_copies.contains(&t)
            && range_slots::borrowable(self.f, args, refs)
            && self.unchanging(&args[1])
            && self.unchanging(&args[2]);
        fits.then_some(base)
    }

    /// Whether `a` is an index the reverse sweep recomputes for free: a constant, an affine loop
    /// variable, or one of those plus or minus a literal.
    pub(super) fn index_like(&self, a: &Atom, depth: usize) -> bool {
        match a {
            Atom::Const(_) => true,
            Atom::Var(v) if self.affine.contains_key(v) => true,
            Atom::Var(v) => {
                depth < 3
                    && matches!(self.defs.get(v), Some(Rhs::Bin(BinOp::Add | BinOp::Sub | BinOp::Mul, x, y))
                        if (is_literal(x) && self.index_like(y, depth + 1))
                            || (is_literal(y) && self.index_like(x, depth + 1)))
            }
        }
    }
}
