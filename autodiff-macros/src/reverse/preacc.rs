//! Calls whose gradient the forward sweep takes along with their value (preaccumulation).
//!
//! A call re-run in the reverse sweep through the fused companion (`y = f(&v)` with `v` a local
//! the trip rewrites, GMM's `logsumexp(&main_term)` per point) runs the callee's forward sweep
//! twice: once for `y`, once again before its reverse sweep. When `y` is a scalar, the pullback
//! is linear in `dy`: `dv += dy · ∇f(v)`. The forward sweep then calls the companion once with
//! the unit cotangent (`rt::UnitCotangent`): it returns `y` and gives `∇f(v)` into buffers of the
//! caller's, whose elements are saved (a flat tape of elements, as `flat` saves `Vec`s); the
//! reverse sweep adds `dy · ∇f(v)` into the adjoints (`rt::give_scaled`), with this sweep's
//! products. The callee runs once per call. A `#[custom_derivative]` rule run inside it may not
//! be linear in `dy` (`rt::custom_pullbacks` counts them): such a call is run again in the
//! reverse sweep with `dy` itself, on its arguments, which are saved for that.
//!
//! Taken only where the dense gradient costs no more than the call: each differentiated
//! argument is a dense local `Vec` of floats lent by reference (its gradient has its length,
//! like the `Vec` the caller wrote) or a float by value; not a parameter's slice, whose gradient
//! the callee may touch at a few elements (`interp(xs, ys, q)`: listed as pairs where the
//! callee says that pays, see `pairs.rs`). In a loop only (outside every
//! loop the call is re-run once either way). The callee's gradient is taken with the zero rule,
//! which both of the caller's sweeps accept. The value must be known to be a scalar: a float
//! by its definition, or a term of a sum with a known float (`s += f(&v)`).

use super::*;

/// What `acc_call` emits for one call.
pub(super) struct AccCall {
    pub forward: TokenStream,
    pub value: TokenStream,
    pub reads: TokenStream,
    pub contrib: TokenStream,
}

/// How an argument's gradient is kept.
#[derive(Clone, Copy)]
enum Arg {
    /// Not differentiated: `NoSlot`.
    Inactive,
    /// A dense local `Vec` of floats by reference: its gradient's elements on a tape.
    Dense,
    /// A float by value: its derivative saved as an `Option`.
    Float,
}

impl RevGen<'_> {
    /// The call `target = f(args..)` with its gradient taken in the forward sweep, when it
    /// qualifies (see the module docs); `g` names the cotangent in the reverse sweep.
    pub(super) fn acc_call(
        &mut self,
        target: VarId,
        rhs: &Rhs,
        place: Place,
        g: &Ident,
    ) -> Option<AccCall> {
        let Rhs::Call {
            callee,
            args,
            refs,
            spans,
            span,
        } = rhs
        else {
            return None;
        };
        if !place.in_loop
            || !def::forward_calls_primal(callee)
            || !self.distinct_active(args)
            || !self.scalar_result(target)
        {
            return None;
        }
        let mut kinds = Vec::new();
        for (a, by_ref) in args.iter().zip(refs) {
            kinds.push(match self.act.active_atom(a) {
                None => Arg::Inactive,
                Some(v) if *by_ref && self.dense.contains(&v) && self.float_elems.contains(&v) => {
                    Arg::Dense
                }
                Some(v) if !*by_ref && self.plain.contains(&v) => Arg::Float,
                Some(_) => return None,
            });
        }
        if kinds.iter().all(|k| matches!(k, Arg::Inactive)) {
            return None;
        }
        let rt = self.rt.clone();
        let mut argv = self.call_argv(args, refs);
        argv.push(quote! { #rt::UnitCotangent });
        argv.push(quote! { #rt::rules::Zero });
        let (mut keep, mut reads) = (TokenStream::new(), TokenStream::new());
        let (mut scaled, mut locals) = (TokenStream::new(), TokenStream::new());
        let rules = self.products_arg();
        let n = self.acc_bufs;
        for (k, a) in args.iter().enumerate() {
            match kinds[k] {
                Arg::Inactive => argv.push(quote! { #rt::NoSlot }),
                Arg::Dense => {
                    let m = self.acc_bufs;
                    self.acc_bufs += 1;
                    let (scr, tape) = (acc_scratch(m), acc_tape(m));
                    let x = self.atom_fwd(a);
                    argv.push(quote! { #rt::ScratchSlot(&mut #scr, (#x).len()) });
                    // the gradient's elements onto the tape, the buffer zeroed for the next call
                    let (save, read) =
                        self.save(quote! { #rt::acc_put(&mut #tape, &mut #scr) }, place);
                    keep.extend(save);
                    let r = naming::fixed(&format!("__rj{m}"));
                    reads.extend(quote! { let #r = #read; });
                    let slot = self.slot_arg(k, a, spans, *span);
                    // y = f(v) => dv += dy * ∇f(v)
                    scaled.extend(quote! {
                        #rt::give_scaled(#slot, #g, #rt::flat_slice(#tape, *#r), #rules);
                    });
                }
                Arg::Float => {
                    let j = naming::fixed(&format!("__aj{target}_{k}"));
                    locals.extend(quote! { let mut #j = ::core::option::Option::None; });
                    argv.push(quote! { #rt::Slot(&mut #j) });
                    let (save, read) = self.save(quote! { #j }, place);
                    keep.extend(save);
                    let r = naming::fixed(&format!("__rj{target}_{k}"));
                    reads.extend(quote! { let #r = #read; });
                    let slot = self.slot_arg(k, a, spans, *span);
                    // y = f(x) => dx += dy * f'(x)
                    scaled.extend(quote! { #rt::give_scaled_one(#slot, #g, #r, #rules); });
                }
            }
        }
        // A custom rule run during the call may not be linear in `dy`: then the call is run
        // again in the reverse sweep with `dy`, on its saved arguments.
        let (count, lin) = (
            naming::fixed(&format!("__pbc{n}")),
            naming::fixed(&format!("__lin{n}")),
        );
        let (save, read) = self.save(quote! { #lin }, place);
        keep.extend(save);
        let rl = naming::fixed(&format!("__rl{n}"));
        reads.extend(quote! { let #rl = #read; });
        let mut again: Vec<TokenStream> = Vec::new();
        // the arguments are kept before the call, which may take them by value
        let mut before = TokenStream::new();
        for (k, (a, by_ref)) in args.iter().zip(refs).enumerate() {
            let (save, read) = self.read(a, place);
            before.extend(save);
            let r = naming::fixed(&format!("__ra{n}_{k}"));
            reads.extend(quote! { let #r = #read; });
            let borrowed = *by_ref || matches!(a, Atom::Var(v) if self.f.vars[*v].is_ref);
            again.push(if borrowed {
                quote! { #r }
            } else {
                quote! { ::core::clone::Clone::clone(#r) }
            });
        }
        again.push(quote! { #rt::GivenCotangent(#rt::cotangent_as(#g)) });
        again.push(rules.clone());
        for (k, a) in args.iter().enumerate() {
            again.push(self.slot_arg(k, a, spans, *span));
        }
        let rerun = companion_call(callee, &again, *span, naming::into_companion);
        let call = companion_call(callee, &argv, *span, naming::into_companion);
        let cv = naming::fixed("__cv");
        Some(AccCall {
            forward: quote! {
                #locals
                #before
                let #count = #rt::custom_pullbacks();
                let #cv = #call;
                let #lin = #rt::custom_pullbacks() == #count;
                #keep
            },
            value: quote! { #cv },
            reads,
            contrib: quote! { if *#rl { #scaled } else { #rerun; } },
        })
    }

    /// Whether `v` is known to be a scalar (see [`scalar_vars`]).
    pub(super) fn scalar_result(&mut self, v: VarId) -> bool {
        if self.scalars.is_none() {
            self.scalars = Some(scalar_vars(self.f, &self.floats));
        }
        self.scalars.as_ref().is_some_and(|s| s.contains(&v))
    }

    /// The gradient buffers (forward) and element tapes (both sweeps) of the calls above.
    pub(super) fn acc_decls(&self, decls: &mut TokenStream, head: &mut TokenStream) {
        for n in 0..self.acc_bufs {
            let (scr, tape) = (acc_scratch(n), acc_tape(n));
            decls.extend(quote! { let mut #scr: ::std::vec::Vec<_> = ::std::vec::Vec::new(); });
            sized_tape(self.rt, &tape, &format!("J{n}"), quote!(_), decls, head);
        }
    }
}

/// The variables known to be scalars: the known floats, and every variable tied to one by `+`,
/// `-`, negation, a copy or a float method (`s += f(&v)`, `f(&v) - g(&v)` with either a scalar,
/// `s += f(xs, q).tanh()`): a float's sum takes a float of its own type, and the float methods
/// return their receiver's type. A product or quotient is evidence only when its value and its
/// other operand are both known floats (`s += w[i] * f(xs, q)`): a float times a matrix is a
/// matrix, so `0.5 * f(&v)` alone may scale one. A wrong guess could only fail to compile (the
/// unit cotangent is for scalars).
fn scalar_vars(f: &Func, floats: &HashSet<VarId>) -> HashSet<VarId> {
    let mut known = floats.clone();
    let mut ties: Vec<Tie> = Vec::new();
    collect_ties(&f.body, &mut ties);
    let is_known = |known: &HashSet<VarId>, a: &Atom| match a {
        Atom::Var(v) => known.contains(v),
        Atom::Const(_) => plain::is_float_literal(a),
    };
    loop {
        let before = known.len();
        for t in &ties {
            match t {
                Tie::Same(group) => {
                    if group.iter().any(|a| is_known(&known, a)) {
                        known.extend(group.iter().filter_map(|a| match a {
                            Atom::Var(v) => Some(*v),
                            Atom::Const(_) => None,
                        }));
                    }
                }
                // y = a * b, y = a / b: y and a known floats => b a float (and the other way)
                Tie::Scaled(y, a, b) => {
                    if !known.contains(y) {
                        continue;
                    }
                    for (x, other) in [(a, b), (b, a)] {
                        if let Atom::Var(v) = x {
                            if is_known(&known, other) {
                                known.insert(*v);
                            }
                        }
                    }
                }
            }
        }
        if known.len() == before {
            return known;
        }
    }
}

/// Atoms of one type, or a product's value with its operands.
enum Tie {
    Same(Vec<Atom>),
    Scaled(VarId, Atom, Atom),
}

/// The groups of atoms that share a type (a definition's target with the operands of its sum,
/// difference, negation, copy or differentiable float method; `powi`'s exponent is an integer),
/// and the products and quotients.
fn collect_ties(b: &Block, out: &mut Vec<Tie>) {
    for s in &b.stmts {
        let (target, rhs) = match s {
            Stmt::Let {
                var,
                init: Some(rhs),
                ..
            }
            | Stmt::Assign { var, rhs } => (*var, rhs),
            Stmt::Scope(b) | Stmt::Loop { body: b, .. } => {
                collect_ties(b, out);
                continue;
            }
            Stmt::Branch { arms, .. } => {
                arms.iter().for_each(|a| collect_ties(a, out));
                continue;
            }
            _ => continue,
        };
        let mut t = vec![Atom::Var(target)];
        match rhs {
            Rhs::Bin(BinOp::Add | BinOp::Sub, a, b) => t.extend([a.clone(), b.clone()]),
            Rhs::Bin(BinOp::Mul | BinOp::Div, a, b) => {
                out.push(Tie::Scaled(target, a.clone(), b.clone()));
                continue;
            }
            Rhs::Neg(a) | Rhs::Copy(a) => t.push(a.clone()),
            Rhs::Method { name, args } if name == "powi" => t.extend(args.first().cloned()),
            // a differentiable float method returns its receiver's type (`len`, `is_nan`,
            // `partial_cmp` and the other constant methods do not)
            Rhs::Method { name, args } if crate::methods::rule(&name.to_string()).is_some() => {
                t.extend(args.iter().cloned())
            }
            _ => continue,
        }
        out.push(Tie::Same(t));
    }
}

fn acc_scratch(n: usize) -> Ident {
    naming::fixed(&format!("__ajs{n}"))
}

fn acc_tape(n: usize) -> Ident {
    naming::fixed(&format!("__fj{n}"))
}
