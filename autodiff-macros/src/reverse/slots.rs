//! Saved-value slots and recorded counts: where the forward sweep keeps a value or a count for
//! the reverse sweep (a slot outside every loop, a tape inside one), and how it reads it back.

use super::*;

impl RevGen<'_> {
    /// A slot for a count outside every loop ([`SlotKind::Arm`]).
    pub(super) fn new_arm_slot(&mut self) -> usize {
        self.slots.push(SlotKind::Arm);
        self.slots.len() - 1
    }

    /// Records `count` (an arm taken, a statement index, a trip count) in the forward sweep: into
    /// `slot` for a construct outside every loop, otherwise pushed on the control tape.
    pub(super) fn put_count(&mut self, slot: Option<usize>, count: TokenStream) -> TokenStream {
        match slot {
            Some(k) => {
                let s = naming::slot(k);
                quote! { #s = #count; }
            }
            None => {
                self.uses_ctl = true;
                let (rt, ctl) = (self.rt, naming::fixed("__ctl"));
                quote! { #rt::Put::put(&mut #ctl, #count); }
            }
        }
    }

    /// The count [`put_count`](Self::put_count) recorded, read back in the reverse sweep.
    pub(super) fn take_count(&mut self, slot: Option<usize>) -> TokenStream {
        match slot {
            Some(k) => {
                let s = naming::slot(k);
                quote! { #s }
            }
            None => {
                self.uses_ctl = true;
                let (rt, ctl, cc) = (self.rt, naming::fixed("__ctl"), naming::fixed("__cc"));
                quote! { #rt::pop(&#ctl, &mut #cc) }
            }
        }
    }

    /// The trip-count slot of loop `id`, when it has one (a loop outside every loop).
    pub(super) fn loop_slot(&self, id: LoopId) -> Option<usize> {
        self.frames.iter().rev().find_map(|fr| match fr {
            Frame::Loop { id: i, slot, .. } if *i == id => *slot,
            _ => None,
        })
    }

    pub(super) fn new_slot(&mut self, place: Place) -> usize {
        let kind = if place.in_loop {
            SlotKind::Many
        } else if place.conditional {
            SlotKind::Maybe
        } else {
            SlotKind::Once
        };
        self.slots.push(kind);
        self.slots.len() - 1
    }

    /// [`save`](Self::save) outside every loop and fused loop, with a third read that moves
    /// the value out (`T`): for a reverse sweep that reads it last, once.
    pub(super) fn save_outside_loops(
        &mut self,
        value: TokenStream,
        place: Place,
    ) -> (TokenStream, TokenStream, TokenStream) {
        assert!(
            !place.in_loop && self.fused.is_none(),
            "a value saved once per call"
        );
        let (save, read) = self.save(value, place);
        let s = naming::slot(self.slots.len() - 1);
        let rt = self.rt;
        let owned = match self.slots[self.slots.len() - 1] {
            SlotKind::Once => quote! { #s },
            _ => quote! { #rt::slot_take(#s) },
        };
        (save, read, owned)
    }

    /// Saves the value of `value` (an owned expression) and returns (forward code, reverse read of type `&T`).
    pub(super) fn save(&mut self, value: TokenStream, place: Place) -> (TokenStream, TokenStream) {
        if let Some(f) = &mut self.fused {
            // a fused loop's rules run at the end of the block that saves (see `fused`)
            let l = naming::fixed(&format!("__fs{}", f.locals));
            f.locals += 1;
            return (quote! { let #l = #value; }, quote! { &#l });
        }
        if place.in_loop {
            if let Some(r) = self.group_save(&value) {
                return r;
            }
        }
        let k = self.new_slot(place);
        let s = naming::slot(k);
        let rt = self.rt;
        match self.slots[k] {
            SlotKind::Once | SlotKind::Arm => (quote! { #s = #value; }, quote! { &#s }),
            SlotKind::Maybe => (
                quote! { #s = ::core::option::Option::Some(#value); },
                quote! { #rt::slot_value(&#s) },
            ),
            SlotKind::Many => {
                let c = naming::cursor(k);
                (
                    quote! { #rt::Put::put(&mut #s, #value); },
                    quote! { #rt::back(&#s, &mut #c) },
                )
            }
        }
    }
}
