//! Windows of registers for the adjoint of a local read only at `i + c` in a loop over `i`.
//!
//! A stencil `next[i] = u[i] + k * (u[i - 1] - 2.0 * u[i] + u[i + 1])` reads `u` at three
//! offsets of the loop variable, so each reverse trip adds into `du[i - 1]`, `du[i]` and
//! `du[i + 1]`, and the trip after it (the reverse sweep runs `i` downwards) adds into two of the
//! same elements again: a store-to-load chain through memory between consecutive trips (about
//! 10 cycles a trip), where a hand-written gather carries the sums in registers.
//!
//! Here every such read adds into a register `w_c` of its offset `c` instead
//! (`y = u[i + c] => w_c += dy`). At the end of the reverse trip for `i`, element `i + c_max`
//! gets nothing more from later trips (they run `i - 1, i - 2, ..`), so `w_{c_max}` is added into
//! `du[i + c_max]` once and the registers shift by one (`w_c ← w_{c-1}`, `w_{c_min} ← 0`):
//! register `c` holds element `i + c` of the trip being run. After the loop, the registers still
//! holding elements (`start - 1 + c`) are added in. Sums only, so the gradient is the one the
//! memory adds give, up to the order of the additions.
//!
//! A recurrence `c[i] = c[i - 1] * x[i]` writes the local in the same loop: the write's reverse
//! takes element `i`'s adjoint (`dy += dc[i]`, `dc[i] = 0`), and the adjoint it takes was added
//! by the read `c[i - 1]` of the trip after it, the same chain through memory. A write at
//! `i + c` joins the window at offset `c`: it takes register and buffer element together
//! (`y = w_c + dc[i + c]`, both zeroed). The element's adjoint is always its buffer entry plus
//! its register while it is in the window; reads add to the register, writes take both, flushes
//! move the register into the buffer, so every take sees what the memory adds would have left.
//!
//! Taken only where nothing else can see the buffer during the loop: the local is fitted before
//! the loop (`dense::fit_enter`, so it is a dense local the loop reads and never makes whole),
//! the loop's variable is affine with unit step and never reassigned, the loop leaves only by its
//! top test (no `break`, `continue` or `return`), and every statement of the body (nested blocks,
//! branches and loops included) with reverse work on the local's adjoint is an element read
//! `let y = u[idx]` or `y = u[idx]`, or an element write `u[idx] = y`, whose index is the loop
//! variable plus or minus integer literals (`frozen::offset`), within a span of [`MAX_SPAN`]
//! offsets: no push, move, clone, sum, call argument or in-place operation (forward-only code
//! may name it).

use proc_macro2::{Ident, TokenStream};
use quote::quote;

use super::frozen::offset;
use super::{Place, RevGen};
use crate::ir::{Atom, Block, Func, LoopId, Rhs, Stmt, VarId};
use crate::naming;

/// The most registers a window holds (`c_max - c_min + 1`).
const MAX_SPAN: i64 = 8;

/// A window of one local in the loop being emitted.
#[derive(Clone)]
pub(super) struct Window {
    base: VarId,
    /// The loop variable `i`.
    i: VarId,
    lo: i64,
    hi: i64,
}

impl Window {
    /// The local whose adjoint the window holds.
    pub(super) fn base(&self) -> VarId {
        self.base
    }
}

impl RevGen<'_> {
    /// Before a loop's body is emitted (after `fit_enter`): the windows of the fitted locals
    /// (at this loop or an enclosing one) without a window of an enclosing loop that the body
    /// reads only at `i + c`.
    pub(super) fn window_enter(&mut self, id: LoopId, body: &Block) -> Vec<Window> {
        let info = &self.f.loops[id];
        let Some((i, _)) = &info.affine else {
            return Vec::new();
        };
        // The reverse sweep recomputes the loop variable from the trip number (`stmt.rs`), and
        // every trip runs the whole body: the loop leaves only by its top test.
        let recomputed = self.affine.get(i).is_some_and(|(l, _)| *l == id);
        if !recomputed
            || !info.unit_step
            || info.has_continue
            || self.f.vars[*i].reassigned
            || !self.is_top_exit(id, body)
        {
            return Vec::new();
        }
        // A buffer fitted by an enclosing loop is fitted before this loop's reverse sweep too.
        let fit: Vec<VarId> = self
            .fitted
            .iter()
            .copied()
            .filter(|v| !self.windows.iter().any(|w| w.base == *v))
            .collect();
        let mut out = Vec::new();
        for base in fit {
            let mut offs = Offsets {
                f: self.f,
                i: *i,
                base,
                seen: Vec::new(),
                other: false,
            };
            offs.block(body);
            let (Some(lo), Some(hi)) = (offs.seen.iter().min(), offs.seen.iter().max()) else {
                continue;
            };
            // One offset: the adds are already one per element (no chain between trips).
            if offs.other || hi == lo || hi - lo >= MAX_SPAN {
                continue;
            }
            out.push(Window {
                base,
                i: *i,
                lo: *lo,
                hi: *hi,
            });
        }
        self.windows.extend(out.iter().cloned());
        out
    }

    /// The register an element read `base[idx]` adds into, when `base` has a window and `idx`
    /// an offset in it.
    pub(super) fn window_reg(&self, base: VarId, idx: &Atom) -> Option<Ident> {
        let w = self.windows.iter().find(|w| w.base == base)?;
        let c = offset(self.f, w.i, idx, 0)?;
        (w.lo..=w.hi).contains(&c).then(|| reg(base, c))
    }

    /// After the loop's body: (the registers' declarations before the reverse loop, the flush
    /// and shift at the end of each reverse trip, the flush after the loop). `a`: the loop's
    /// affine start, bound before its reverse sweep.
    pub(super) fn window_exit(
        &mut self,
        wins: &[Window],
        a: &Ident,
        place: Place,
    ) -> (TokenStream, TokenStream, TokenStream) {
        self.windows
            .retain(|w| !wins.iter().any(|x| x.base == w.base));
        let rt = self.rt;
        let (mut decl, mut trip, mut fin) =
            (TokenStream::new(), TokenStream::new(), TokenStream::new());
        if wins.is_empty() {
            return (decl, trip, fin);
        }
        // The loop variable, recomputed from the trip number (which marks the start as read).
        let i = naming::fixed("__wi");
        let (_, read) = self.read(&Atom::Var(wins[0].i), place);
        trip.extend(quote! { let #i: usize = *#read; });
        for w in wins {
            let d = self.adj(w.base);
            let regs: Vec<Ident> = (w.lo..=w.hi).map(|c| reg(w.base, c)).collect();
            for r in &regs {
                decl.extend(quote! { let mut #r = #rt::window_zero(&#d); });
            }
            // Element `i + hi` is complete: add it in, then `w_c ← w_{c-1}` (the flushed
            // register, now zero, ends up at `lo`).
            let hi = w.hi as isize;
            let top = &regs[regs.len() - 1];
            trip.extend(quote! { #rt::window_flush(&mut #d, #i, #hi, &mut #top); });
            for k in (1..regs.len()).rev() {
                let (x, y) = (&regs[k], &regs[k - 1]);
                trip.extend(quote! { ::core::mem::swap(&mut #x, &mut #y); });
            }
            // After the trip for `start`, register `c` holds element `start - 1 + c`.
            for (k, r) in regs.iter().enumerate().skip(1) {
                let c = (w.lo + k as i64 - 1) as isize;
                fin.extend(quote! { #rt::window_flush(&mut #d, #a, #c, &mut #r); });
            }
        }
        (decl, trip, fin)
    }
}

/// The register of offset `c` of `base`'s window.
fn reg(base: VarId, c: i64) -> Ident {
    let sign = if c < 0 { "m" } else { "" };
    naming::fixed(&format!("__w{base}_{sign}{}", c.unsigned_abs()))
}

/// The offsets at which a loop body reads `base`, and whether any other statement of it has
/// reverse work on `base`'s adjoint (a write, a push, a move, a clone, a sum, a call argument,
/// an in-place operation). Forward-only code (effects, conditions, code emitted as written) has
/// none, whatever it names.
struct Offsets<'a> {
    f: &'a Func,
    i: VarId,
    base: VarId,
    seen: Vec<i64>,
    other: bool,
}

impl Offsets<'_> {
    fn block(&mut self, b: &Block) {
        b.stmts.iter().for_each(|s| self.stmt(s));
    }

    fn stmt(&mut self, s: &Stmt) {
        match s {
            Stmt::Let { var, init, .. } => {
                self.other |= *var == self.base;
                if let Some(r) = init {
                    self.rhs(r);
                }
            }
            Stmt::Assign { var, rhs } => {
                self.other |= *var == self.base;
                self.rhs(rhs);
            }
            Stmt::IndexWrite { base, idx, val } => {
                // `u[i + c] = v` takes element `i + c`'s adjoint: from its register and the
                // buffer together (`rt::window_take`), so it joins the window at offset `c`.
                if *base == self.base {
                    match offset(self.f, self.i, idx, 0) {
                        Some(c) => self.seen.push(c),
                        None => self.other = true,
                    }
                }
                self.atoms(&[idx, val]);
            }
            Stmt::Push { base, val, len } => {
                self.other |= *base == self.base;
                self.atoms(&[val, len]);
            }
            Stmt::Truncate { base, len } => {
                self.other |= *base == self.base;
                self.atoms(&[len]);
            }
            Stmt::InPlace { bases, body, .. } => {
                self.other |= bases.contains(&self.base);
                self.block(body);
            }
            Stmt::Bound(vars) => self.other |= vars.contains(&self.base),
            Stmt::Scope(b) | Stmt::Loop { body: b, .. } => self.block(b),
            Stmt::Branch { arms, .. } => arms.iter().for_each(|a| self.block(a)),
            // Code with no reverse work (forward-only statements, exits).
            Stmt::Effect(_) | Stmt::Break { .. } | Stmt::Continue { .. } | Stmt::Return => {}
        }
    }

    fn rhs(&mut self, r: &Rhs) {
        match r {
            Rhs::Index {
                base,
                idx,
                by_ref: false,
            } if *base == self.base => match offset(self.f, self.i, idx, 0) {
                Some(c) => self.seen.push(c),
                None => self.other = true,
            },
            // Code emitted as written has no reverse work.
            Rhs::Opaque(_) => {}
            Rhs::Method { args, .. } => args.iter().for_each(|a| self.atoms(&[a])),
            _ => self.other |= r.diff_operands().contains(&self.base),
        }
        // An index or length that names the local (`u[u.len() - 1]` lowers to a temporary).
        if let Rhs::Index { idx, .. } | Rhs::Sum { len: idx, .. } = r {
            self.atoms(&[idx]);
        }
    }

    fn atoms(&mut self, xs: &[&Atom]) {
        self.other |= xs
            .iter()
            .any(|a| matches!(a, Atom::Var(v) if *v == self.base));
    }
}
