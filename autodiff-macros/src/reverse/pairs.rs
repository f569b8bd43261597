//! Calls re-run per trip whose gradient the forward sweep lists as `(index, adjoint)` pairs,
//! when the callee says that pays (`interp(xs, ys, q)` with `ys` a parameter's slice).
//!
//! A call of a user's function on a parameter's whole slice is re-run in the reverse sweep
//! through the callee's fused companion (`def.rs`), which repeats the callee's forward sweep:
//! for `interp`, its binary search. The callee's hint (`__NAME_pairs_HASH(live)`, see
//! `expand/pairs_hint.rs`) says, from its own body, when listing costs less: it has a loop and
//! reads each differentiated slice a few times outside it. The hint is a constant, so each
//! call site carries both forms and the compiler keeps one:
//! - hint true: the forward sweep calls the companion with the unit cotangent and the zero
//!   rule, the slice's slot a `PairsSlot` that appends each element adjoint as a pair to the
//!   site's pair tape, a float argument's derivative in an `Option`. A record per call (on a
//!   tape of the site's: where its pairs start, the floats' derivatives, whether a custom rule
//!   ran) goes beside. The reverse sweep reads the record back and adds `dy · j` for each
//!   pair `(i, j)` into the slice's adjoint, `dy · j` into each float's;
//! - hint false: the call and its re-run as before; the site's tapes stay empty.
//!
//! The records sit on tapes of the site's own, read back with cursors from their ends: a
//! site's calls are reversed in the opposite order of their forward runs, as every record
//! of the sweep is, and no other site reads them.
//!
//! Linear in `dy` only when no custom rule ran inside the call (`rt::custom_pullbacks` counts
//! them; a rule may clip its cotangent): otherwise that call is re-run with `dy`, as before.
//! So is every call of a site one of whose listed partials is not finite: taken with the unit
//! cotangent a partial may have overflowed where `dy` would have kept it in range (`1e200 ·
//! 1e200` under `1e-250`). The zero rule's sweeps test the site's tapes once per sweep. The
//! optimistic IEEE sweep of `NAME_grad` does not: a partial that is not finite makes the
//! gradient so (IEEE products keep `inf` and NaN: `inf · 0` is NaN), so that sweep gives way to
//! the zero rule's, which tests. A partial that underflowed to zero under the unit cotangent
//! stays zero (README, *known limits*).
//! Only in loops (outside every loop a call is re-run once either way), outside fused loops,
//! for a call whose value is known to be a scalar (the unit cotangent is a number), whose
//! active arguments are parameters' whole slices of floats (`whole_slice_arg`) or floats by
//! value, at least one a slice.

use super::*;

/// What `pairs_call` emits for one call: the forward sweep's call, the records read back
/// (before the cotangent is taken: on every reverse visit), and the contribution that takes
/// the place of the re-run when the hint holds and no custom rule ran ([`PairsCall::wrap`]).
pub(super) struct PairsCall {
    pub call: TokenStream,
    pub reads: TokenStream,
    listed: TokenStream,
    guard: TokenStream,
    scaled: TokenStream,
}

impl PairsCall {
    /// The scaled pairs where the call's gradient was listed, `rerun` (the call run again with
    /// `dy`) where it was not.
    pub(super) fn wrap(&self, rerun: TokenStream) -> TokenStream {
        let (listed, guard, scaled) = (&self.listed, &self.guard, &self.scaled);
        quote! { match #listed { #guard => { #scaled } _ => { #rerun } } }
    }
}

/// One call site's tapes: the number of listed slices and of float arguments.
pub(super) struct PairSite {
    slices: usize,
    floats: usize,
}

/// How an active argument's gradient is kept.
enum Kind {
    Slice(VarId),
    Float,
}

impl RevGen<'_> {
    /// The call `target = callee(args..)` in the listed form, when it qualifies (see the
    /// module docs); `primal` is the call as written, `g` the cotangent in the reverse sweep.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn pairs_call(
        &mut self,
        target: VarId,
        callee: &Callee,
        args: &[Atom],
        refs: &[bool],
        spans: &[proc_macro2::Span],
        span: proc_macro2::Span,
        place: Place,
        primal: &TokenStream,
        g: &Ident,
    ) -> Option<PairsCall> {
        let Callee::Path(path) = callee else {
            return None;
        };
        if !place.in_loop || self.fused.is_some() || !self.scalar_result(target) {
            return None;
        }
        let mut kinds = Vec::new();
        for (a, r) in args.iter().zip(refs) {
            let Some(v) = self.act.active_atom(a) else {
                kinds.push(None);
                continue;
            };
            if self.range_arg(a).is_none() && self.whole_slice_arg(a, *r).is_some() {
                kinds.push(Some(Kind::Slice(v)));
            } else if !*r && !self.f.vars[v].is_ref && self.plain.contains(&v) {
                kinds.push(Some(Kind::Float));
            } else {
                return None;
            }
        }
        if !kinds.iter().any(|k| matches!(k, Some(Kind::Slice(_)))) {
            return None;
        }
        let rt = self.rt.clone();
        let n = self.pair_sites.len();
        let head = naming::fixed(&format!("__ph{n}"));
        let (pbc, lin, pv) = (
            naming::fixed("__pbc"),
            naming::fixed("__plin"),
            naming::fixed("__pv"),
        );
        // the callee's hint, for which arguments this caller keeps adjoints of
        let hint_path = exprs::hint_path(path, naming::pairs_hint);
        let live = kinds.iter().map(Option::is_some);
        let hint = quote_spanned! {span=> const { #hint_path(&[#(#live),*]) } };
        let mut argv = self.call_argv(args, refs);
        argv.push(quote! { #rt::UnitCotangent });
        argv.push(quote! { #rt::rules::Zero });
        let (mut before, mut starts, mut floats) = (TokenStream::new(), Vec::new(), Vec::new());
        let (mut pops, mut got, mut scaled) = (TokenStream::new(), Vec::new(), TokenStream::new());
        let rules = self.products_arg();
        let mut slices = 0;
        for (k, a) in args.iter().enumerate() {
            match &kinds[k] {
                None => argv.push(quote! { #rt::NoSlot }),
                Some(Kind::Slice(v)) => {
                    let (tape, cur) = pair_tape(n, slices);
                    slices += 1;
                    let st = naming::fixed(&format!("__pst{k}"));
                    before.extend(quote! { let #st = #tape.0.len(); });
                    starts.push(st.clone());
                    argv.push(quote! { #rt::PairsSlot(&mut #tape.0) });
                    let p = naming::fixed(&format!("__pp{k}"));
                    pops.extend(quote! { let #p = #rt::pop_pairs(#tape, #st, &mut #cur); });
                    got.push(p.clone());
                    let (len, d) = (&self.params[v].read, self.adj(*v));
                    // y = f(v) => dv_i += dy * j for each listed pair (i, j)
                    scaled.extend(quote! {
                        #rt::give_pairs_cells(
                            #rt::ops::range_cells(&mut #d, (#len).len()), #g, #p, #rules,
                        );
                    });
                }
                Some(Kind::Float) => {
                    let j = naming::fixed(&format!("__pj{k}"));
                    before.extend(quote! { let mut #j = ::core::option::Option::None; });
                    argv.push(quote! { #rt::Slot(&mut #j) });
                    floats.push(j.clone());
                    got.push(j.clone());
                    let slot = self.slot_arg(k, a, spans, span);
                    // y = f(x) => dx += dy * f'(x)
                    scaled.extend(quote! { #rt::give_scaled_one(#slot, #g, &#j, #rules); });
                }
            }
        }
        let call = exprs::companion_call(callee, &argv, span, naming::into_companion);
        let forward = quote! {
            if #hint {
                #before
                let #pbc = #rt::custom_pullbacks();
                let #pv = #call;
                let #lin = #rt::custom_pullbacks() == #pbc;
                #rt::Put::put(&mut #head, (#lin, (#(#starts,)*), (#(#floats,)*)));
                #pv
            } else {
                #primal
            }
        };
        let record = naming::fixed(&format!("__prd{n}"));
        let all_finite = site_finite(n);
        let hc = naming::fixed(&format!("__phc{n}"));
        let reads = quote! {
            let #record = if #hint {
                let (#lin, (#(#starts,)*), (#(#floats,)*)) = #rt::pop_record(#head, &mut #hc);
                #pops
                ::core::option::Option::Some((#lin, #(#got),*))
            } else {
                ::core::option::Option::None
            };
        };
        self.pair_sites.push(PairSite {
            slices,
            floats: floats.len(),
        });
        Some(PairsCall {
            call: forward,
            reads,
            listed: quote! { #record },
            guard: quote! { ::core::option::Option::Some((true, #(#got),*)) if #all_finite },
            scaled,
        })
    }

    /// The tapes of the listed calls (see `generate`): per site a record tape and a pair tape
    /// per slice, each read from its end by a cursor of the sweep's, and whether every listed
    /// partial is finite, tested once per sweep.
    pub(super) fn pairs_decls(&self, decls: &mut TokenStream, head: &mut TokenStream) {
        let rt = self.rt;
        for (n, site) in self.pair_sites.iter().enumerate() {
            let h = naming::fixed(&format!("__ph{n}"));
            let hc = naming::fixed(&format!("__phc{n}"));
            sized_tape(rt, &h, &format!("PH{n}"), quote!(_), decls, head);
            head.extend(quote! { let mut #hc = #h.len(); });
            // the floats' derivatives sit in each record's third field
            let fs: Vec<Ident> = (0..site.floats)
                .map(|k| naming::fixed(&format!("__pf{k}")))
                .collect();
            let mut finite = quote! {
                #h.iter().fold(true, |__ok, (_, _, (#(#fs,)*))| __ok #(& #rt::derivative_finite(#fs))*)
            };
            for s in 0..site.slices {
                let (tape, cur) = pair_tape(n, s);
                let len = naming::tape_len(&format!("PT{n}_{s}"));
                decls.extend(quote! {
                    static #len: ::core::sync::atomic::AtomicUsize =
                        ::core::sync::atomic::AtomicUsize::new(0);
                    let mut #tape: #rt::PairTape<_> = #rt::pair_tape_sized(&#len);
                });
                head.extend(quote! {
                    #rt::learn_tape_len(&#len, #tape.len());
                    let #tape: &[(usize, _)] = &#tape;
                    let mut #cur = #tape.len();
                });
                finite.extend(quote! { && #rt::pairs_finite(#tape) });
            }
            // not tested in an IEEE sweep (a constant): there a partial that is not finite
            // makes the gradient so, and the zero rule's sweep runs after it, which tests
            let (all, p) = (site_finite(n), self.products_arg());
            head.extend(quote! {
                let #all = #rt::rules::SweepRules::ieee(#p) || #finite;
            });
        }
    }
}

/// Whether every partial site `n` listed in this forward sweep is finite (else each of its calls
/// is run again with its real cotangent).
fn site_finite(n: usize) -> Ident {
    naming::fixed(&format!("__pall{n}"))
}

/// Site `n`'s pair tape for its `s`-th listed slice, and its cursor.
fn pair_tape(n: usize, s: usize) -> (Ident, Ident) {
    (
        naming::fixed(&format!("__pt{n}_{s}")),
        naming::fixed(&format!("__ptc{n}_{s}")),
    )
}
