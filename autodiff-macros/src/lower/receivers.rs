//! Methods the lowering does not know, on a receiver that may carry a derivative, where the
//! call's result is not differentiated: `if s.bump() { .. }`, `let ok = s.bump();`. The call
//! runs as written, so a `&mut self` method would change its receiver unseen by the reverse
//! sweep. When the receiver carries a derivative (decided by the activity analysis), the
//! generated code checks, in a closure that never runs (after a `break`), that the call compiles
//! on a binding without `mut` of the receiver's type:
//!
//! ```text
//! loop {
//!     break;
//!     let _ = || {
//!         let receiver_with_derivative = unreachable_value(&s);
//!         receiver_with_derivative.bump(unreachable_value(&arg))
//!     };
//! }
//! ```
//!
//! A `&mut self` method is a compile error there ("cannot borrow `receiver_with_derivative` as
//! mutable"); `&self` and `self` methods compile as before, and nothing counts as moved.

use super::*;

const RECEIVER_HINT: &str = "a method the macro does not know may change its receiver unseen, \
     and the check for that cannot be placed here; compute the argument in a `let` before this \
     expression, or make the method a #[differentiable] function";

impl Lowerer {
    /// Checks the receiver of `m`, an unknown method run as written inside an expression.
    /// `inner`: names bound inside that expression (`let`s of its blocks, `match` arms), which
    /// a check placed before the statement cannot name.
    pub(super) fn shared_receiver(&mut self, m: &syn::ExprMethodCall, inner: &[String]) {
        let inner: Vec<String> = inner.iter().map(|n| unraw(n)).collect();
        let Some(v) = self.receiver_var(m) else {
            return;
        };
        let base = order::place_base(&m.receiver).map(|b| unraw(&b));
        if base.is_some_and(|b| inner.contains(&b)) {
            return;
        }
        if names_any(m.args.iter(), &inner) {
            self.record_opaque(
                vec![v],
                m.to_token_stream(),
                format!("`.{}(..)` on it here", m.method),
                RECEIVER_HINT,
            );
            return;
        }
        let check = receiver_check(v, m);
        self.probes.push(check);
    }

    /// The variable the receiver of `m` names (`s`, `s.w`, `v[i]`), if the lowering knows it and
    /// `m` may be a method the macro does not know.
    pub(super) fn receiver_var(&self, m: &syn::ExprMethodCall) -> Option<VarId> {
        let recv = &m.receiver;
        // The nalgebra methods with companions in the runtime take `&self`; second-order code
        // calls them on matrices of dual numbers, where some are not defined.
        if naming::is_runtime_builtin(&Callee::Method(m.method.clone())) {
            return None;
        }
        if matches!(peel(recv), Expr::Unary(_)) {
            // `(*v).m()`: the value may be unsized; a deref of a shared reference cannot be
            // changed through anyway.
            return None;
        }
        order::place_base(recv).and_then(|b| self.lookup(&b))
    }
}

/// The check of `m` (see the module docs), kept only when `v` carries a derivative.
pub(super) fn receiver_check(v: VarId, m: &syn::ExprMethodCall) -> Stmt {
    mut_self_probe(vec![v], m, "receiver_with_derivative")
}

/// A check, kept only when one of `bases` carries a derivative, that `m` does not take
/// `&mut self`: it is called on a binding named `binding`, without `mut`.
fn mut_self_probe(bases: Vec<VarId>, m: &syn::ExprMethodCall, binding: &str) -> Stmt {
    let (recv, method, turbofish) = (&m.receiver, &m.method, &m.turbofish);
    let args = m.args.iter();
    let rt = quote! { ::autodiff::__private };
    // The error lands on the method's name and names the binding.
    let binding = proc_macro2::Ident::new(binding, method.span());
    // The closure is borrow-checked although it never runs; placed after a `break`, what it
    // captures counts as neither borrowed nor moved.
    let probe = never_run(quote::quote_spanned! {method.span()=>
        let _ = || {
            let #binding = #rt::unreachable_value(&#recv);
            #binding.#method #turbofish (#(#rt::unreachable_value(&(#args))),*)
        };
    });
    Stmt::InPlace {
        bases,
        body: Block { stmts: vec![probe] },
        original: quote! {},
    }
}

/// A name without its raw prefix (`r#a` and `a` are one name).
fn unraw(n: &str) -> String {
    n.strip_prefix("r#").unwrap_or(n).to_string()
}

/// Whether one of `exprs` names one of `inner` (names without their raw prefix): bindings made
/// inside the expression being checked, which a check placed before its statement cannot name.
fn names_any<'a>(exprs: impl IntoIterator<Item = &'a Expr>, inner: &[String]) -> bool {
    exprs
        .into_iter()
        .flat_map(opaque::path_idents)
        .any(|n| inner.contains(&unraw(&n)))
}

/// The `&self` methods of std's cells that keep their argument (`Cell::set`, `Cell::replace`,
/// `RefCell::replace`, `Cell::swap`).
fn keeps_through_shared_ref(name: &str) -> bool {
    matches!(name, "set" | "replace" | "replace_with" | "swap")
}

impl Lowerer {
    /// A method the macro does not know, called inside an expression run as written with an
    /// argument that may carry a derivative (`if c.replace(x) > 0.0`, `*o.get_or_insert(x)`): its
    /// receiver may keep the argument and give it back later as a constant. The cells' keeping
    /// methods and the known in-place methods are refused when an argument carries a
    /// derivative; any other method is checked not to take `&mut self` (as in
    /// [`receiver_check`]). A `&self` method of the user's that keeps its argument in a cell of
    /// its own is not seen.
    pub(super) fn kept_arguments(&mut self, m: &syn::ExprMethodCall, inner: &[String]) {
        let name = m.method.to_string();
        let vars: Vec<VarId> = m.args.iter().flat_map(|a| self.vars_in(a)).collect();
        if vars.is_empty() || naming::is_runtime_builtin(&Callee::Method(m.method.clone())) {
            return;
        }
        let inner: Vec<String> = inner.iter().map(|n| unraw(n)).collect();
        let names_inner = names_any(std::iter::once(&*m.receiver).chain(&m.args), &inner);
        if keeps_through_shared_ref(&name) || opaque::is_mutating_method(&name) || names_inner {
            self.record_opaque(
                vars,
                m.to_token_stream(),
                format!("`.{name}(..)` inside an expression run as written"),
                opaque::EFFECT_HINT,
            );
            return;
        }
        if matches!(peel(&m.receiver), Expr::Unary(_)) {
            return;
        }
        self.probes.push(mut_self_probe(
            vars,
            m,
            "receiver_may_keep_a_value_with_derivative",
        ));
    }
}
