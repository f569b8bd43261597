//! One record per value: a variable read by several rules between two assignments (Newton's `x`
//! in `x * x * x + p * x`) is saved once, where it is first read, and loaded once where its
//! block's reverse sweep starts; every rule of the block that needs it reads that load.
//!
//! A save made in a block's statement that runs whenever the block's reverse sweep runs (before
//! any statement that can leave the block) serves every later read of the same value: until the
//! variable is assigned again (anywhere, also inside a nested statement), or written in place, or
//! code passed through as written runs (it might change it). A loop drops the saves of every
//! variable it assigns before its body is emitted (a trip reads the previous trip's value).
//!
//! A block in a loop that no jump leaves pushes its saves as one tuple. When the block runs once
//! per trip of a top-exit loop (the arm of the exit test that stays in the loop, or a `while`
//! body), the reverse loop `for it in 1..n` takes the loop's `n - 1` tuples as one slice before
//! it starts and reads trip `it`'s at index `n - 1 - it` (`records_back`): no cursor per trip.

use super::*;

/// The saves of the block being emitted (innermost last).
#[derive(Default)]
pub(super) struct Versions {
    /// Variable → the reverse-sweep local holding its saved value (`&T`), while still current,
    /// and the depth of the block that made it (its load is in scope inside that block only).
    current: HashMap<VarId, (Ident, usize)>,
    /// Per block being emitted: the loads to emit where its reverse sweep starts.
    loads: Vec<TokenStream>,
    /// Per block being emitted: its first statement that can leave it, and the statement being
    /// emitted.
    at: Vec<(usize, usize)>,
    /// Per block being emitted: when it is in a loop and no jump leaves it, the values its
    /// statements save (forward binding, reverse binding): pushed as one tuple where the block
    /// ends, read back as one where its reverse sweep starts (one capacity check per trip).
    groups: Vec<Option<Vec<(Ident, Ident)>>>,
    made: usize,
    /// Set by a counted loop (`for it in 1..n` in reverse) for the block that runs once per
    /// full trip (the arm of its exit test that stays in the loop), by address: the loop's
    /// trip variable and count. That block's tuple is then read from one slice of the loop's
    /// records, taken before the reverse loop (see [`Self::chunk_decl`]).
    pub(super) pending_body: Option<(*const Block, Ident, Ident)>,
    /// The declaration of that slice, for the loop to put before its reverse loop.
    pub(super) chunk_decl: Option<TokenStream>,
}

impl RevGen<'_> {
    pub(super) fn versions_enter(&mut self, first_exit: usize, grouped: bool) {
        self.versions.loads.push(TokenStream::new());
        self.versions.at.push((first_exit, 0));
        self.versions.groups.push(grouped.then(Vec::new));
    }

    /// Whether a save in the innermost block goes into its one tuple ([`group_save`](Self::group_save)).
    pub(super) fn grouped(&self) -> bool {
        self.versions.groups.last().is_some_and(Option::is_some)
    }

    /// A record of the innermost block's group, when it has one: (forward code binding the
    /// value, reverse read of type `&T`).
    pub(super) fn group_save(&mut self, value: &TokenStream) -> Option<(TokenStream, TokenStream)> {
        let group = self.versions.groups.last_mut()?.as_mut()?;
        self.versions.made += 1;
        let n = self.versions.made;
        let (gv, gl) = (
            naming::fixed(&format!("__gv{n}")),
            naming::fixed(&format!("__gl{n}")),
        );
        group.push((gv.clone(), gl.clone()));
        Some((quote! { let #gv = #value; }, quote! { #gl }))
    }

    /// Before statement `j` of the innermost block: drops what a loop assigns.
    pub(super) fn versions_before(&mut self, j: usize, s: &Stmt) {
        if let Some(at) = self.versions.at.last_mut() {
            at.1 = j;
        }
        if matches!(s, Stmt::Loop { .. }) {
            self.versions_drop_changed(s);
        }
    }

    /// After a statement: drops what it changed.
    pub(super) fn versions_after(&mut self, s: &Stmt) {
        self.versions_drop_changed(s);
    }

    /// Leaves the innermost block (emitted at `place`): the push of its group, and the loads
    /// where its reverse sweep starts. `body_of` is the trip variable and count of the counted
    /// loop whose body the block is (a block without jumps out: one tuple per trip).
    pub(super) fn versions_leave(
        &mut self,
        place: Place,
        body_of: Option<(Ident, Ident)>,
    ) -> (TokenStream, TokenStream) {
        let group = self.versions.groups.pop().flatten().unwrap_or_default();
        let mut push = TokenStream::new();
        let mut loads = TokenStream::new();
        if !group.is_empty() {
            let k = self.new_slot(place);
            let (s, c, rt) = (naming::slot(k), naming::cursor(k), self.rt);
            let gvs = group.iter().map(|g| &g.0);
            let gls = group.iter().map(|g| &g.1);
            push.extend(quote! { #rt::Put::put(&mut #s, (#(#gvs,)*)); });
            match body_of {
                // Trip `it` of `1..n` reverses forward trip `n - 1 - it`, whose tuple is that
                // element of the loop's `n - 1` records: an index the compiler sees in bounds,
                // where a cursor is a length check and a decrement per trip.
                Some((it, n)) => {
                    let chunk = naming::fixed(&format!("__rec{k}"));
                    loads.extend(quote! { let (#(#gls,)*) = &#chunk[#n - 1 - #it]; });
                    self.versions.chunk_decl =
                        Some(quote! { let #chunk = #rt::records_back(&#s, &mut #c, #n); });
                }
                None => loads.extend(quote! { let (#(#gls,)*) = #rt::back(&#s, &mut #c); }),
            }
        }
        self.versions.at.pop();
        let depth = self.versions.at.len();
        self.versions.current.retain(|_, (_, d)| *d < depth);
        loads.extend(self.versions.loads.pop().unwrap_or_default());
        (push, loads)
    }

    fn versions_drop_changed(&mut self, s: &Stmt) {
        let mut changed = Vec::new();
        if changed_by(s, &mut changed) {
            self.versions.current.clear();
        } else {
            for v in changed {
                self.versions.current.remove(&v);
            }
        }
    }

    /// Code to run where the innermost block's reverse sweep starts, after its loads.
    pub(super) fn versions_load(&mut self, code: TokenStream) {
        if let Some(loads) = self.versions.loads.last_mut() {
            loads.extend(code);
        }
    }

    /// A save already made of `v`'s current value, read through its load.
    pub(super) fn version_read(&self, v: VarId) -> Option<TokenStream> {
        self.versions.current.get(&v).map(|(l, _)| quote! { #l })
    }

    /// Saves `v`'s value (`value`, an owned expression) for the reverse sweep: once per value
    /// when the statement being emitted runs whenever its block's reverse sweep does.
    pub(super) fn save_version(
        &mut self,
        v: VarId,
        value: TokenStream,
        place: Place,
    ) -> (TokenStream, TokenStream) {
        self.save_version_with(v, value, place, |read| read)
    }

    /// [`save_version`](Self::save_version) of a record that `load` turns into the value's read
    /// (`&T`) in the reverse sweep.
    pub(super) fn save_version_with(
        &mut self,
        v: VarId,
        value: TokenStream,
        place: Place,
        load: impl FnOnce(TokenStream) -> TokenStream,
    ) -> (TokenStream, TokenStream) {
        let (save, read) = self.save(value, place);
        let read = load(read);
        let Some(&(first_exit, j)) = self.versions.at.last() else {
            return (save, read);
        };
        if j >= first_exit {
            return (save, read);
        }
        self.versions.made += 1;
        let local = naming::fixed(&format!("__x{v}_{}", self.versions.made));
        self.versions
            .loads
            .last_mut()
            .expect("inside a block")
            .extend(quote! { let #local = #read; });
        let depth = self.versions.at.len() - 1;
        self.versions.current.insert(v, (local.clone(), depth));
        (save, quote! { #local })
    }
}

/// Adds the variables `s` may change to `out`; true when it runs code as written (which may
/// change any of them).
fn changed_by(s: &Stmt, out: &mut Vec<VarId>) -> bool {
    let block = |b: &Block, out: &mut Vec<VarId>| {
        let mut any = false;
        for s in &b.stmts {
            any |= changed_by(s, out);
        }
        any
    };
    match s {
        Stmt::Let { var, init, .. } => {
            out.push(*var);
            matches!(init, Some(Rhs::Opaque(_)))
        }
        Stmt::Assign { var, rhs } => {
            out.push(*var);
            matches!(rhs, Rhs::Opaque(_))
        }
        Stmt::IndexWrite { base, .. } | Stmt::Push { base, .. } | Stmt::Truncate { base, .. } => {
            out.push(*base);
            false
        }
        Stmt::Bound(vs) => {
            out.extend(vs.iter().copied());
            false
        }
        Stmt::InPlace { .. } => true,
        Stmt::Effect(t) => crate::ir::may_write(t.clone()),
        Stmt::Scope(b) | Stmt::Loop { body: b, .. } => block(b, out),
        Stmt::Branch { arms, .. } => {
            let mut any = false;
            for a in arms {
                any |= block(a, out);
            }
            any
        }
        Stmt::Break { .. } | Stmt::Continue { .. } | Stmt::Return => false,
    }
}
