//! Element adjoints at constant indices (`theta[0]` read in every trip) of a fused loop, kept
//! in registers.
//!
//! A parameter vector read at a constant index in a fused loop gets one adjoint contribution
//! per trip into the same element of the loop's buffer `J`: a read-modify-write carried from
//! trip to trip through memory, a store-forwarding wait and an add per trip (about 9 cycles),
//! which bounded loops whose trips are otherwise short (the inline Huber fit, 4.0 → 3.4 µs
//! with registers). Here the element's adjoint is a plain slot of the loop's, `k += dy`,
//! declared before the loop and added into `J` after it (`fused`). Only the order of the
//! additions changes. The usual reverse sweep keeps its buffer adds: there the same slots
//! (summed in registers by `accumulate`) measured no faster on the Huber and series fits.

use super::*;

/// A constant-index element adjoint: the parameter, the index, the slot and its empty value.
pub(super) struct ConstElem {
    pub param: VarId,
    pub index: TokenStream,
    pub slot: Ident,
    pub empty: TokenStream,
}

impl RevGen<'_> {
    /// In a fused loop, the plain slot for `y = x[c]`'s element adjoint, when `c` is a
    /// constant, `y` a float and `x` one of the loop's parameters read by element.
    pub(super) fn const_elem(&mut self, x: VarId, idx: &Atom, y: VarId) -> Option<Ident> {
        let Atom::Const(c) = idx else {
            return None;
        };
        let f = self.fused.as_ref()?;
        if !f.bufs.contains_key(&x) || !self.plain.contains(&y) {
            return None;
        }
        let key = c.to_string();
        if let Some(e) = (f.consts.iter()).find(|e| e.param == x && e.index.to_string() == key) {
            return Some(e.slot.clone());
        }
        let slot = naming::fixed(&format!("__jk{x}_{}", f.consts.len()));
        let empty = self.plain_empty(&self.adj(y));
        self.fused.as_mut()?.consts.push(ConstElem {
            param: x,
            index: c.clone(),
            slot: slot.clone(),
            empty,
        });
        self.plain_adj.insert(slot.to_string());
        Some(slot)
    }

    /// Each slot of `elems` added into its parameter's buffer `bufs(param)` with
    /// the container's adjoint `adjs(param)` (nothing when the slot stayed empty).
    pub(super) fn const_elem_adds(
        &self,
        elems: &[ConstElem],
        bufs: impl Fn(VarId) -> Ident,
        adjs: impl Fn(VarId) -> Ident,
    ) -> TokenStream {
        let rt = self.rt;
        elems
            .iter()
            .map(|e| {
                let (k, c, b, d) = (&e.slot, &e.index, bufs(e.param), adjs(e.param));
                // dx[c] += Σ dy (the slot's sum), only when some trip read x[c]: an index no
                // trip read may be out of bounds (`t[2]` in an arm that never ran)
                quote! {
                    if #rt::plain::added(&#k) {
                        #rt::GradBuf::add(&mut #b, &mut #d, #c, #k.0);
                    }
                }
            })
            .collect()
    }
}
