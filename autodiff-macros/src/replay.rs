//! Whether a function's body may run twice in one call with nothing outside it seeing the
//! difference: the tangent sweep of `NAME_grad` runs the primal again (with the zero rule) when
//! its optimistic sweep (plain IEEE products) gives a gradient that is not finite.
//!
//! Conservative by construction, on the user's tokens: no `&mut` parameter, no `unsafe`, no
//! macro but `vec!`, `matches!` and the assertions, no call of a function named by one segment
//! (`log_value(x)`, another differentiable function), and only method and associated-function
//! names from a list of pure ones (float math, lengths, iterator adapters, constructors). Anything
//! else keeps the one careful sweep.

use syn::visit::Visit;

/// Method and associated-function names that read their receiver and arguments and write
/// nothing else.
const PURE: &[&str] = &[
    "len",
    "is_empty",
    "nrows",
    "ncols",
    "abs",
    "min",
    "max",
    "clamp",
    "signum",
    "is_nan",
    "is_finite",
    "is_infinite",
    "is_sign_negative",
    "is_sign_positive",
    "floor",
    "ceil",
    "round",
    "trunc",
    "fract",
    "sqrt",
    "cbrt",
    "powi",
    "powf",
    "exp",
    "exp2",
    "exp_m1",
    "ln",
    "ln_1p",
    "log2",
    "log10",
    "sin",
    "cos",
    "tan",
    "asin",
    "acos",
    "atan",
    "atan2",
    "sinh",
    "cosh",
    "tanh",
    "asinh",
    "acosh",
    "atanh",
    "hypot",
    "mul_add",
    "recip",
    "to_degrees",
    "to_radians",
    "clone",
    "iter",
    "into_iter",
    "rev",
    "step_by",
    "enumerate",
    "zip",
    "skip",
    "chain",
    "copied",
    "cloned",
    "windows",
    "chunks",
    "chunks_exact",
    "first",
    "last",
    "as_slice",
    "to_vec",
    "to_owned",
    "nrows",
    "ncols",
    "shape",
    "sum",
    "product",
    "dot",
    "transpose",
    "norm",
    "norm_squared",
    "partial_cmp",
    "total_cmp",
    "from_f64",
    "to_f64",
    "from",
    "zero",
    "one",
    "pow",
    "rem_euclid",
    "div_euclid",
    "wrapping_add",
    "wrapping_sub",
    "saturating_sub",
    "new",
    "with_capacity",
    "zeros",
    "from_element",
    "identity",
    "unwrap",
    "unwrap_or",
    "expect",
];

/// Macros whose expansion writes nothing (`assert!` may panic, which both runs would do alike).
const PURE_MACROS: &[&str] = &[
    "vec",
    "matches",
    "assert",
    "assert_eq",
    "assert_ne",
    "debug_assert",
    "debug_assert_eq",
    "debug_assert_ne",
];

/// `true` when running `item`'s body again within a call is invisible (see the module docs).
pub fn rerun_is_invisible(item: &syn::ItemFn) -> bool {
    let mut_param = item.sig.inputs.iter().any(|a| match a {
        syn::FnArg::Typed(t) => has_mut_ref(&t.ty),
        syn::FnArg::Receiver(r) => r.mutability.is_some() && r.reference.is_some(),
    });
    if mut_param || item.sig.unsafety.is_some() {
        return false;
    }
    let mut v = Pure { ok: true };
    v.visit_block(&item.block);
    v.ok
}

/// `true` when evaluating the expression `ts` (code passed through as written) again is
/// invisible, by the same list: no macro but the pure ones, no call of a function named by one
/// segment, only pure method names. (Writes are `ir::may_write`'s to refuse.)
pub fn expr_is_pure(ts: &proc_macro2::TokenStream) -> bool {
    let Ok(e) = syn::parse2::<syn::Expr>(ts.clone()) else {
        return false;
    };
    let mut v = Pure { ok: true };
    v.visit_expr(&e);
    v.ok
}

fn has_mut_ref(ty: &syn::Type) -> bool {
    struct MutRef(bool);
    impl<'ast> Visit<'ast> for MutRef {
        fn visit_type_reference(&mut self, r: &'ast syn::TypeReference) {
            self.0 |= r.mutability.is_some();
            syn::visit::visit_type_reference(self, r);
        }
        fn visit_type_ptr(&mut self, _: &'ast syn::TypePtr) {
            self.0 = true;
        }
    }
    let mut m = MutRef(false);
    m.visit_type(ty);
    m.0
}

struct Pure {
    ok: bool,
}

fn pure_name(name: &syn::Ident) -> bool {
    PURE.iter().any(|p| name == p)
}

impl Pure {
    fn check_macro(&mut self, m: &syn::Macro) {
        let known = m
            .path
            .segments
            .last()
            .is_some_and(|s| PURE_MACROS.iter().any(|p| s.ident == p));
        if known {
            // Their arguments are expressions: look inside them too.
            let args = m.parse_body_with(
                syn::punctuated::Punctuated::<syn::Expr, syn::Token![,]>::parse_terminated,
            );
            match args {
                Ok(args) => args.iter().for_each(|e| self.visit_expr(e)),
                // `vec![x; n]` and format arguments: scan the tokens for calls instead.
                Err(_) => self.ok &= !m.tokens.to_string().contains('('),
            }
        } else {
            self.ok = false;
        }
    }
}

impl<'ast> Visit<'ast> for Pure {
    fn visit_expr_macro(&mut self, m: &'ast syn::ExprMacro) {
        self.check_macro(&m.mac);
    }
    fn visit_stmt_macro(&mut self, m: &'ast syn::StmtMacro) {
        self.check_macro(&m.mac);
    }
    fn visit_expr_unsafe(&mut self, _: &'ast syn::ExprUnsafe) {
        self.ok = false;
    }
    fn visit_item(&mut self, _: &'ast syn::Item) {
        // A nested item (a helper `fn`, a `static`): not followed.
        self.ok = false;
    }
    fn visit_expr_call(&mut self, c: &'ast syn::ExprCall) {
        let pure = match &*c.func {
            syn::Expr::Path(p) => {
                let segs = &p.path.segments;
                segs.last().is_some_and(|s| {
                    // `Some(x)`, `Point(..)`: constructors; `f64::max(a, b)`, `Vec::new()`.
                    s.ident.to_string().starts_with(char::is_uppercase)
                        || (segs.len() > 1 && pure_name(&s.ident))
                })
            }
            _ => false,
        };
        self.ok &= pure;
        syn::visit::visit_expr_call(self, c);
    }
    fn visit_expr_method_call(&mut self, m: &'ast syn::ExprMethodCall) {
        self.ok &= pure_name(&m.method);
        syn::visit::visit_expr_method_call(self, m);
    }
}

#[cfg(test)]
mod tests {
    use super::rerun_is_invisible;
    use quote::quote;

    fn invisible(f: proc_macro2::TokenStream) -> bool {
        rerun_is_invisible(&syn::parse2(f).expect("a function"))
    }

    #[test]
    fn expressions_of_lengths_and_float_math_may_run_again() {
        use super::expr_is_pure;
        assert!(expr_is_pure(&quote! { (i + k) % x.len() }));
        assert!(expr_is_pure(&quote! { f64::max(a, 0.0).sqrt() }));
        assert!(!expr_is_pure(&quote! { log_value(k) }));
        assert!(!expr_is_pure(&quote! { x.push(1.0) }));
        assert!(!expr_is_pure(&quote! { println!("{k}") }));
    }

    #[test]
    fn float_loops_lengths_and_assertions_may_run_again() {
        assert!(invisible(quote! {
            fn f(a: f64, b: f64, #[no_grad] x: &[f64]) -> f64 {
                assert!(x.len() > 1, "needs data");
                let mut y = vec![0.0; 4];
                let mut s = 0.0;
                for (t, xt) in x.iter().enumerate() {
                    y[t % 4] = a * xt.sqrt() + f64::max(b, 0.0) * (t as f64);
                    s += y[t % 4].powi(2);
                }
                Some(s).unwrap_or(0.0)
            }
        }));
    }

    #[test]
    fn effects_calls_and_mutable_borrows_keep_the_careful_sweep() {
        for f in [
            quote! { fn f(x: f64) -> f64 { println!("{x}"); x * x } },
            quote! { fn f(x: f64, #[no_grad] n: &std::cell::Cell<u32>) -> f64 { n.set(n.get() + 1); x } },
            quote! { fn f(x: f64) -> f64 { helper(x) * x } },
            quote! { fn f(x: f64, #[no_grad] v: &mut Vec<f64>) -> f64 { x } },
            quote! { fn f(x: f64) -> f64 { let y = unsafe { x }; y } },
            quote! { fn f(x: f64) -> f64 { fn g(x: f64) -> f64 { x } g(x) } },
            quote! { fn f(x: f64) -> f64 { let v = vec![x; count()]; v[0] } },
            quote! { fn f(x: f64) -> f64 { let _ = std::mem::take(&mut vec![x]); x } },
        ] {
            assert!(!invisible(f.clone()), "{f}");
        }
    }
}
