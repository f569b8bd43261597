//! Dense locals saved per trip as elements on a tape (`#rt::flat_put`, runtime `flatsave.rs`).
//!
//! A value the reverse sweep needs is saved where it is read; in a loop, a clone per trip. For a
//! dense local `Vec` (see `dense`) that is a heap allocation per trip (GMM's
//! `logsumexp(&main_term)`, whose argument the reverse sweep needs for the call's re-run).
//! Instead its elements go to one tape of elements per local, `__fv{v}`, and the trip's record
//! is the range they took; the reverse sweep copies them into a scratch `Vec` of its own per
//! read, `__fs{k}`, reused by every trip, and reads that where it read the clone (`&Vec<T>`).

use super::*;

impl RevGen<'_> {
    /// (forward save, reverse read of type `&Vec<T>`) of the dense local `v` in a loop.
    pub(super) fn flat_read(&mut self, v: VarId, place: Place) -> (TokenStream, TokenStream) {
        let (value, load) = self.flat_parts(v);
        // the record is the range; its read is the `Vec` the scratch gets (bound once per
        // version: every read of this version borrows the same scratch)
        self.save_version_with(v, value, place, load)
    }

    /// [`flat_read`](Self::flat_read), but not a version of `v` that later reads share: a copy
    /// taken for reads made before it (`trip_versions`).
    pub(super) fn flat_save(&mut self, v: VarId, place: Place) -> (TokenStream, TokenStream) {
        let (value, load) = self.flat_parts(v);
        let (save, read) = self.save(value, place);
        (save, load(read))
    }

    /// The record of `v`'s elements (`flat_put`, its range on the element tape) and what turns
    /// the record's read into `&Vec<T>` (`flat_get` into a scratch `Vec` of its own).
    fn flat_parts(
        &mut self,
        v: VarId,
    ) -> (TokenStream, impl FnOnce(TokenStream) -> TokenStream + use<>) {
        let rt = self.rt.clone();
        let (i, fv) = (self.ident(v).clone(), naming::fixed(&format!("__fv{v}")));
        if !self.flat_vals.contains(&v) {
            self.flat_vals.push(v);
        }
        self.flat_scratch += 1;
        let scr = naming::fixed(&format!("__fs{}", self.flat_scratch));
        let value = quote! { #rt::flat_put(&mut #fv, &#i) };
        (
            value,
            move |read| quote! { #rt::flat_get(#fv, *#read, &mut #scr) },
        )
    }

    /// The declarations of the element tapes (forward) and scratch `Vec`s (reverse).
    pub(super) fn flat_decls(&self, decls: &mut TokenStream, head: &mut TokenStream) {
        for &v in &self.flat_vals {
            let fv = naming::fixed(&format!("__fv{v}"));
            sized_tape(self.rt, &fv, &format!("F{v}"), quote!(_), decls, head);
        }
        for k in 1..=self.flat_scratch {
            let scr = naming::fixed(&format!("__fs{k}"));
            head.extend(quote! { let mut #scr = ::std::vec::Vec::new(); });
        }
    }
}
