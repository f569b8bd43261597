//! Assembles the generated items: `NAME_grad`, `NAME_vjp`, `NAME_jvp` and the two hidden
//! companions that other differentiable functions call.

use std::collections::HashMap;

use proc_macro2::{Ident, TokenStream};
use quote::{ToTokens, quote, quote_spanned};
use syn::spanned::Spanned;

use crate::activity::{self, Activity};
use crate::args::Args;
use crate::ir::{Func, VarId};
use crate::lower::{self, ParamIn};
use crate::naming;
use crate::reverse::{ParamRead, RevGen, body_label};
use crate::sig::{self, Sig};

mod companion;
mod custom;
mod forward_mode;
mod fuse_hint;
mod optimistic;
mod pairs_hint;
mod tangent_grad;

use companion::{gen_companion_into, gen_companion_vjp};
pub use custom::custom;
use forward_mode::{gen_companion_jvp, gen_jvp};

fn runtime() -> TokenStream {
    quote! { ::autodiff::__private }
}

/// Lints that would only repeat what the user's own function already reports.
fn allows() -> TokenStream {
    quote! {
        #[allow(dead_code, unused_mut, unused_variables, unused_assignments, unused_parens, unused_braces,
                unused_labels, unreachable_code, non_snake_case, clippy::all, clippy::pedantic)]
    }
}

/// What every generated function shares.
struct Common {
    vis: syn::Visibility,
    name: Ident,
    sig: Sig,
    generics: syn::Generics,
    /// `cfg`-like attributes copied to every sibling.
    attrs: Vec<syn::Attribute>,
    rt: TokenStream,
}

impl Common {
    fn all_lifetimes(&self) -> Vec<syn::Lifetime> {
        let mut lts: Vec<syn::Lifetime> = self
            .generics
            .lifetimes()
            .map(|l| l.lifetime.clone())
            .collect();
        lts.extend(self.sig.new_lifetimes.iter().cloned());
        lts
    }

    /// Generics with the generated lifetimes added.
    fn generics(&self) -> (TokenStream, Option<&syn::WhereClause>) {
        let mut g = self.generics.clone();
        for (i, l) in self.sig.new_lifetimes.iter().enumerate() {
            g.params.insert(
                i,
                syn::GenericParam::Lifetime(syn::LifetimeParam::new(l.clone())),
            );
        }
        let (params, _, _) = g.split_for_impl();
        let params = params.to_token_stream();
        (params, self.generics.where_clause.as_ref())
    }

    fn captures(&self) -> TokenStream {
        let lts = self.all_lifetimes();
        if lts.is_empty() {
            return quote! {};
        }
        let rt = &self.rt;
        quote! { + #rt::Captures<(#(&#lts (),)*)> }
    }

    /// `let __keep_x = x.clone();` for the by-value and `mut` reference parameters `used` reads
    /// (the reverse sweep and the gradient's finish); another reference parameter is read as
    /// it is.
    fn keeps(&self, used: &TokenStream) -> TokenStream {
        self.sig
            .params
            .iter()
            .filter(|p| (!p.is_ref || p.mutable) && naming::mentions(used, &naming::keep(&p.ident)))
            .map(|p| {
                let (k, i) = (naming::keep(&p.ident), &p.ident);
                quote! { let #k = ::core::clone::Clone::clone(&#i); }
            })
            .collect()
    }

    fn out(&self) -> &syn::Type {
        &self.sig.output
    }

    fn inputs(&self) -> &[TokenStream] {
        &self.sig.inputs
    }
}

/// Entry for `#[differentiable]`.
pub fn differentiable(args: Args, item: syn::ItemFn) -> syn::Result<TokenStream> {
    let original = item.clone();
    let first = items(&args, item, false)?;
    let second = crate::second::expand(&args, &original)?;
    Ok(quote! { #first #second })
}

/// The generated items. With `order2_companion`, only the hidden gradient and the reverse-mode
/// companion, for the second-order companion that `crate::second` builds (its names come from
/// the second-order naming scheme it runs this under).
pub fn items(
    args: &Args,
    mut item: syn::ItemFn,
    order2_companion: bool,
) -> syn::Result<TokenStream> {
    let rt = runtime();
    let sig = sig::analyse(&mut item.sig)?;
    let params_in: Vec<ParamIn> = sig
        .params
        .iter()
        .map(|p| ParamIn {
            ident: p.ident.clone(),
            is_ref: p.is_ref,
            fixed: !p.mutable,
            fixed_len: !p.mutable && lower::has_plain_len(&p.ty),
            range: lower::RangeKind::of_type(&p.ty),
            keyed: lower::is_keyed_type(&p.ty),
        })
        .collect();
    let (mut func, param_vars, items) = lower::lower_fn(&params_in, &item.block)?;
    func.rerun_ok = crate::replay::rerun_is_invisible(&item);
    let default_diff: Vec<usize> = (0..sig.params.len())
        .filter(|k| sig.params[*k].diff)
        .collect();
    let wrt: Vec<usize> = match &args.wrt {
        None => default_diff.clone(),
        Some(names) => {
            let mut out = Vec::new();
            for n in names {
                let Some(k) = sig.params.iter().position(|p| p.ident == *n) else {
                    return Err(syn::Error::new(
                        n.span(),
                        format!(
                            "#[differentiable(wrt(..))]: `{n}` is not a parameter of this function"
                        ),
                    ));
                };
                if sig::is_nondiff_spelling(&sig.params[k].ty) {
                    return Err(syn::Error::new(
                        n.span(),
                        format!(
                            "#[differentiable(wrt(..))]: `{n}` has an integer, `bool`, `char` or string type (or is a slice, `Vec`, `Option` or range of one) and cannot be differentiated"
                        ),
                    ));
                }
                out.push(k);
            }
            out
        }
    };
    if wrt.is_empty() {
        return Err(syn::Error::new(
            item.sig.ident.span(),
            "#[differentiable]: no parameter of this function is differentiated: integer, `bool`, `char` and string parameters and `#[no_grad]` ones are left alone; \
             give it a float parameter or list one with `#[differentiable(wrt(..))]`",
        ));
    }
    let common = Common {
        vis: item.vis.clone(),
        name: item.sig.ident.clone(),
        generics: item.sig.generics.clone(),
        attrs: item
            .attrs
            .iter()
            .filter(|a| is_copied_attr(a))
            .cloned()
            .collect(),
        sig,
        rt: rt.clone(),
    };
    // Companions (what other differentiable functions call) differentiate every parameter the
    // user did not exclude: the default set, or exactly `wrt(..)` when given. A caller passing a
    // varying value to any other parameter gets a compile error, never a silent zero.
    let default_diff = if args.wrt.is_some() {
        wrt.clone()
    } else {
        default_diff
    };
    let all_act = activity::analyze(
        &func,
        &default_diff
            .iter()
            .map(|k| param_vars[*k])
            .collect::<Vec<_>>(),
    );
    for (uses, expr) in &func.iter_uses {
        if uses.iter().any(|v| all_act.varied(*v)) {
            return Err(syn::Error::new_spanned(
                expr,
                "#[differentiable] cannot follow the iterator of this `for` loop over differentiable values; \
                 write `for i in 0..v.len()` and index `v[i]`, or iterate `v.iter()`, `v.iter().enumerate()`, `v.iter().zip(w.iter())`, \
                 or the parts of a variable `v`: `v.windows(k)`, `v.chunks(k)`, `v.chunks_exact(k)`, `v.rchunks(k)`, `v.rchunks_exact(k)`",
            ));
        }
    }
    crate::soundness::check(&func, &all_act)?;
    if order2_companion {
        crate::second::conversions::check(&func, &all_act)?;
    }
    crate::soundness::resolve_in_place(&mut func.body, &all_act);
    let wrt_act = activity::analyze(
        &func,
        &wrt.iter().map(|k| param_vars[*k]).collect::<Vec<_>>(),
    );
    let recursive = args.boxed || calls_itself(&item.block, &common.name);
    let hoisted: TokenStream = items.into_iter().collect();

    // Loop code over few scalar inputs: the gradient by one sweep of tangents.
    let by_tangents = !order2_companion && tangent_grad::applies(&common, &func, &wrt_act, &wrt);
    // a callee's forward companion may be a custom rule, which may turn a NaN into a number
    // (see `rules::ieee`)
    let rerun_ok = by_tangents
        && crate::replay::rerun_is_invisible(&item)
        && !crate::forward::has_varying_call(&func, &wrt_act);
    let grad = if by_tangents {
        tangent_grad::gen_grad(
            &common,
            &func,
            &param_vars,
            &wrt_act,
            &wrt,
            &hoisted,
            rerun_ok,
        )
    } else {
        gen_grad(
            &common,
            &func,
            &param_vars,
            &wrt_act,
            &wrt,
            &hoisted,
            !order2_companion,
        )
    };
    let cvjp = if by_tangents && !recursive {
        tangent_grad::gen_companion_vjp(
            &common,
            &func,
            &param_vars,
            &all_act,
            &default_diff,
            &hoisted,
            rerun_ok,
        )
    } else {
        gen_companion_vjp(
            &common,
            &func,
            &param_vars,
            &all_act,
            &default_diff,
            &hoisted,
            recursive,
        )
    };
    if order2_companion {
        return Ok(quote! { #grad #cvjp });
    }
    // Callers re-run a call through the fused companion only when an argument borrows one of
    // their locals, which a function taking numbers by value never receives: it gets none (a
    // tenth or more of the compile time of a small function).
    let cinto = if common.sig.params.iter().all(|p| is_number_type(&p.ty)) {
        TokenStream::new()
    } else {
        gen_companion_into(
            &common,
            &func,
            &param_vars,
            &all_act,
            &default_diff,
            &hoisted,
        )
    };
    // whether a caller's fused loop may take this function's pullback (every caller reads it)
    let fuse = fuse_hint::gen_fuse_hint(&common, &func);
    let primal = quote! { #[allow(dead_code)] #item };
    let vjp = if by_tangents {
        tangent_grad::gen_vjp(&common, &func, &param_vars, &wrt_act, &wrt, &hoisted)
    } else {
        gen_vjp(&common, &func, &param_vars, &wrt_act, &wrt, &hoisted)
    };
    let jvp = gen_jvp(&common, &func, &param_vars, &wrt_act, &wrt, &hoisted);
    let cjvp = gen_companion_jvp(
        &common,
        &func,
        &param_vars,
        &all_act,
        &default_diff,
        &hoisted,
    );
    Ok(quote! { #primal #grad #vjp #jvp #cvjp #cinto #fuse #cjvp })
}

/// `f64`, `f32`, an integer or `bool`, taken by value.
fn is_number_type(ty: &syn::Type) -> bool {
    match ty {
        syn::Type::Path(p) if p.qself.is_none() => p.path.get_ident().is_some_and(|i| {
            matches!(
                i.to_string().as_str(),
                "f64"
                    | "f32"
                    | "usize"
                    | "isize"
                    | "u8"
                    | "u16"
                    | "u32"
                    | "u64"
                    | "u128"
                    | "i8"
                    | "i16"
                    | "i32"
                    | "i64"
                    | "i128"
                    | "bool"
            )
        }),
        syn::Type::Paren(p) => is_number_type(&p.elem),
        syn::Type::Group(g) => is_number_type(&g.elem),
        _ => false,
    }
}

fn is_copied_attr(a: &syn::Attribute) -> bool {
    let p = a.path();
    p.is_ident("cfg") || p.is_ident("cfg_attr")
}

/// Whether the body calls the function itself (direct recursion): the bare name `f(..)`,
/// `Self::f(..)`, or `self.f(..)` on the receiver itself. A method of the same name on anything
/// else (`self.dense.forward(x)` inside `forward`, `Dense::forward(..)`, `other::f(..)`) is a
/// different function and does not make this one recursive.
fn calls_itself(body: &syn::Block, name: &Ident) -> bool {
    struct Find<'a>(&'a Ident, bool);
    /// `self`, also through parentheses, `&` and `*`.
    fn is_self(e: &syn::Expr) -> bool {
        match e {
            syn::Expr::Path(p) => p.qself.is_none() && p.path.is_ident("self"),
            syn::Expr::Paren(p) => is_self(&p.expr),
            syn::Expr::Reference(r) => is_self(&r.expr),
            syn::Expr::Unary(u) if matches!(u.op, syn::UnOp::Deref(_)) => is_self(&u.expr),
            _ => false,
        }
    }
    impl<'ast> syn::visit::Visit<'ast> for Find<'_> {
        fn visit_expr_call(&mut self, c: &'ast syn::ExprCall) {
            if let syn::Expr::Path(p) = &*c.func {
                let segs: Vec<&syn::PathSegment> = p.path.segments.iter().collect();
                let names_it = match segs.as_slice() {
                    [f] => p.path.leading_colon.is_none() && f.ident == *self.0,
                    [ty, f] => ty.ident == "Self" && f.ident == *self.0,
                    _ => false,
                };
                if p.qself.is_none() && names_it {
                    self.1 = true;
                }
            }
            syn::visit::visit_expr_call(self, c);
        }
        fn visit_expr_method_call(&mut self, m: &'ast syn::ExprMethodCall) {
            if m.method == *self.0 && is_self(&m.receiver) {
                self.1 = true;
            }
            syn::visit::visit_expr_method_call(self, m);
        }
    }
    let mut f = Find(name, false);
    syn::visit::Visit::visit_block(&mut f, body);
    f.1
}

fn param_reads(c: &Common, vars: &[VarId], which: &[usize]) -> HashMap<VarId, ParamRead> {
    param_reads_from(c, vars, which, false)
}

/// [`param_reads`]; with `slots`, each parameter in `which` not declared `mut` starts its
/// adjoint from the slot argument `__slotK` (a fused companion, see `expand/companion.rs`).
fn param_reads_from(
    c: &Common,
    vars: &[VarId],
    which: &[usize],
    slots: bool,
) -> HashMap<VarId, ParamRead> {
    let mut m = HashMap::new();
    for (k, p) in c.sig.params.iter().enumerate() {
        let read = if p.is_ref {
            p.ident.to_token_stream()
        } else {
            let keep = naming::keep(&p.ident);
            quote! { &#keep }
        };
        let adj = (which.contains(&k) || p.diff).then(|| p.assoc(&c.rt, "Adjoint"));
        let adj_ty = adj.as_ref().map(|a| quote! { ::core::option::Option<#a> });
        // `T` bounded by `Real`, as a scalar or as a container's elements
        let real = |t: &syn::Type| tangent_grad::is_real_param(&c.generics, t);
        let (elem, container) = crate::reverse::elem_of(&p.ty);
        let real_ty = match elem {
            syn::Type::Path(tp) if real(elem) => tp.path.get_ident().cloned(),
            _ => None,
        };
        let float_elem = crate::reverse::is_float_type(elem) || real_ty.is_some();
        let float = !p.is_ref && !container && float_elem;
        let float_elems = container && float_elem;
        m.insert(
            vars[k],
            ParamRead {
                read,
                adj_ty,
                adj,
                float,
                float_elems,
                real_ty,
                // lent only when the callee cannot write the parameter: a `mut` one may be
                // overwritten, and the reverse of a write takes its adjoint (the caller's too)
                slot_in: (slots && which.contains(&k) && !p.mutable).then(|| naming::slot_arg(k)),
            },
        );
    }
    m
}

/// The forward sweep with its declarations: `keeps; slots; let __ret; '__body: { .. }`.
///
/// With loops, the value leaves the sweep through `black_box`: a float a loop carries into
/// `__ret` would otherwise stay live across the reverse sweep's calls that may unwind (its
/// allocations), and the compiler then keeps it in memory inside the loop too, a store and a
/// reload on the loop's chain every trip (`y = y * x + c[i]`: 2.9 → 1.6 times the hand-written
/// gradient). Behind the barrier the loop's value ends at the sweep; one store and one load.
fn forward_section(
    c: &Common,
    code: &crate::reverse::RevCode,
    hoisted: &TokenStream,
    finish: &TokenStream,
    has_loops: bool,
) -> TokenStream {
    let mut used = finish.clone();
    used.extend(code.reverse_head.clone());
    used.extend(code.reverse.clone());
    let keeps = c.keeps(&used);
    let decls = &code.decls;
    let fwd = &code.forward;
    let ret = naming::fixed("__ret");
    let label = body_label();
    let barrier = if has_loops {
        quote! { let #ret = ::core::hint::black_box(#ret); }
    } else {
        quote! {}
    };
    quote! {
        #hoisted
        #keeps
        #decls
        let mut #ret;
        #label: { #fwd }
        #barrier
    }
}

/// The gradient of the wrt parameters, finished for the user.
fn finish(c: &Common, vars: &[VarId], act: &Activity, wrt: &[usize], func: &Func) -> TokenStream {
    let rt = &c.rt;
    let parts: Vec<TokenStream> = wrt
        .iter()
        .map(|k| {
            let p = &c.sig.params[*k];
            let ty = &p.ty;
            let place = p.place();
            let adj = if act.active(vars[*k]) {
                let d = naming::adjoint(&func.vars[vars[*k]].ident, vars[*k]);
                quote! { #d }
            } else {
                quote! { ::core::option::Option::None }
            };
            quote_spanned! {p.span=> <#ty as #rt::Differentiable>::finish_grad(&#place, #adj) }
        })
        .collect();
    one_or_tuple(&parts)
}

/// The one gradient of a single wrt parameter, or a tuple of them in parameter order.
fn one_or_tuple(parts: &[TokenStream]) -> TokenStream {
    match parts {
        [one] => one.clone(),
        _ => quote! { (#(#parts),*) },
    }
}

fn grad_type(c: &Common, wrt: &[usize]) -> TokenStream {
    let tys: Vec<TokenStream> = wrt
        .iter()
        .map(|k| c.sig.params[*k].assoc(&c.rt, "Grad"))
        .collect();
    one_or_tuple(&tys)
}

fn seed_ret(func: &Func, act: &Activity, rt: &TokenStream, cot: TokenStream) -> TokenStream {
    if act.active(func.ret) {
        let d = naming::adjoint(&func.vars[func.ret].ident, func.ret);
        quote! { #rt::seed_cotangent(&mut #d, #cot); }
    } else {
        quote! {}
    }
}

fn doc_link(c: &Common, what: &str) -> TokenStream {
    let text = format!(
        " {what} of [`{}`], generated by `#[differentiable]`.",
        c.name
    );
    quote! { #[doc = #text] }
}

/// The forward sweep (with its declarations), the start of the reverse sweep and the reverse
/// sweep, differentiating the parameters `which`; with `last`, a sweep that runs once per call
/// after every other reader of the forward sweep's records (`RevGen::consuming`).
#[allow(clippy::too_many_arguments)]
fn reverse_sweep(
    c: &Common,
    func: &Func,
    vars: &[VarId],
    act: &Activity,
    which: &[usize],
    hoisted: &TokenStream,
    finish: &TokenStream,
    last: bool,
) -> (TokenStream, TokenStream, TokenStream) {
    let reads = param_reads(c, vars, which);
    let sweep = RevGen::new(func, act, &reads, &c.rt);
    let code = if last { sweep.consuming() } else { sweep }.generate();
    let fwd = forward_section(c, &code, hoisted, finish, !func.loops.is_empty());
    (fwd, code.reverse_head, code.reverse)
}

/// The public `NAME_vjp` item: its documentation (with `how`, a line on how it is computed, if
/// any) and signature around `body`, which returns the value and the pullback of `cot`.
fn vjp_item(c: &Common, wrt: &[usize], how: Option<&str>, body: TokenStream) -> TokenStream {
    let (vis, attrs, out, inputs) = (&c.vis, &c.attrs, c.out(), c.inputs());
    let name = naming::public(&c.name, "vjp");
    let g = grad_type(c, wrt);
    let (generics, wh) = c.generics();
    let caps = c.captures();
    let doc = doc_link(c, "Value and pullback (vector-Jacobian product)");
    let how = how.map(|h| quote! { #[doc = #h] });
    let allow = allows();
    quote! {
        #doc
        #[doc = ""]
        #[doc = " The pullback takes the output cotangent (`1.0` for a scalar output) and returns the gradient."]
        #how
        #(#attrs)* #allow
        #vis fn #name #generics (#(#inputs),*) -> (#out, impl ::core::ops::Fn(#out) -> #g #caps) #wh {
            #body
        }
    }
}

/// The public `NAME_grad` item around `body`, which returns the value and the gradient; a
/// non-scalar output is refused at the call through the `ScalarOutput` bound.
fn grad_item(c: &Common, wrt: &[usize], how: Option<&str>, body: TokenStream) -> TokenStream {
    let rt = &c.rt;
    let (vis, attrs, out, inputs) = (&c.vis, &c.attrs, c.out(), c.inputs());
    let name = naming::public(&c.name, "grad");
    let g = grad_type(c, wrt);
    let (generics, wh) = c.generics();
    let hr = syn::Lifetime::new("'__ad_output", proc_macro2::Span::call_site());
    let bound = quote_spanned! {out.span()=> for<#hr> #out: #rt::ScalarOutput };
    let wh = match wh {
        Some(w) => {
            // each predicate with its own comma: the user's clause may end with one
            let preds = w.predicates.iter();
            quote! { where #(#preds,)* #bound }
        }
        None => quote! { where #bound },
    };
    let doc = doc_link(c, "Value and gradient");
    let how = how.map(|h| quote! { #[doc = ""] #[doc = #h] });
    let allow = allows();
    quote! {
        #doc
        #how
        #(#attrs)* #allow
        #vis fn #name #generics (#(#inputs),*) -> (#out, #g) #wh {
            #body
        }
    }
}

fn gen_vjp(
    c: &Common,
    func: &Func,
    vars: &[VarId],
    act: &Activity,
    wrt: &[usize],
    hoisted: &TokenStream,
) -> TokenStream {
    let rt = &c.rt;
    let fin = finish(c, vars, act, wrt, func);
    let (fwd, head, rev) = reverse_sweep(c, func, vars, act, wrt, hoisted, &fin, false);
    let cot = naming::fixed("__cot");
    let seed = seed_ret(func, act, rt, quote! { #cot });
    let out = c.out();
    let ret = naming::fixed("__ret");
    vjp_item(
        c,
        wrt,
        None,
        quote! {
            #fwd
            (#ret, move |#cot: #out| {
                #head
                #seed
                #rev
                #fin
            })
        },
    )
}

/// `NAME_grad` by reverse mode. With `optimistic` (first-order code) a function with loops
/// runs its reverse sweep first with plain IEEE products of known floats, and keeps its
/// gradient when every entry is finite and no call of another function's pullback was skipped
/// for a NaN cotangent; otherwise it runs the sweep again with the zero rule (why that is
/// exact: `rules::ieee`, `rules::sweep`; where it applies: `expand/optimistic.rs`).
fn gen_grad(
    c: &Common,
    func: &Func,
    vars: &[VarId],
    act: &Activity,
    wrt: &[usize],
    hoisted: &TokenStream,
    optimistic: bool,
) -> TokenStream {
    let rt = &c.rt;
    let fin = finish(c, vars, act, wrt, func);
    // the careful sweep runs last (after the optimistic one, if any) and once
    let (fwd, head, rev) = reverse_sweep(c, func, vars, act, wrt, hoisted, &fin, true);
    let ret = naming::fixed("__ret");
    let seed = seed_ret(func, act, rt, quote! { #rt::seed(&#ret) });
    let careful = quote! {
        #head
        #seed
        #rev
        #fin
    };
    let first = optimistic
        .then(|| {
            let sweep = optimistic::Careful {
                fwd: &fwd,
                rev: &rev,
                seed: &seed,
                fin: &fin,
            };
            optimistic::first_try(c, func, vars, act, wrt, hoisted, sweep)
        })
        .flatten();
    let grad = match first {
        Some(first) => {
            let label = optimistic::label();
            quote! { #label: { #first #careful } }
        }
        None => quote! { { #careful } },
    };
    let body = quote! {
        #fwd
        let __grad = #grad;
        (#ret, __grad)
    };
    grad_item(c, wrt, None, body)
}
