//! Whether a loop body may write a variable: `for x in v` takes `v`'s value before its first
//! trip, so a body that writes `v` must not change what the loop reads (`lower_for`).

use super::*;

/// `e` without parentheses (and invisible groups), references kept.
pub(super) fn peel_parens(e: &Expr) -> &Expr {
    match e {
        Expr::Paren(p) => peel_parens(&p.expr),
        Expr::Group(g) => peel_parens(&g.expr),
        other => other,
    }
}

/// Whether `body` may write the variable `name`: an assignment to it or into it (`v = ..`,
/// `v[i] = ..`, `v += ..`, `(v, w) = ..`), `&mut v`, a method call on it other than a few that only read
/// (`len`, `iter`, `get`, ..), or a macro naming it. A name shadowed inside counts too (a write
/// then only costs a copy).
pub(super) fn body_may_write(body: &syn::Block, name: &str) -> bool {
    use syn::visit::Visit;
    struct W<'a> {
        name: &'a str,
        found: bool,
    }
    impl<'ast> Visit<'ast> for W<'_> {
        fn visit_expr_assign(&mut self, a: &'ast syn::ExprAssign) {
            self.found |= assigns(&a.left, self.name);
            syn::visit::visit_expr_assign(self, a);
        }
        fn visit_expr_binary(&mut self, b: &'ast syn::ExprBinary) {
            self.found |= opaque::is_compound_assign(&b.op) && base_is(&b.left, self.name);
            syn::visit::visit_expr_binary(self, b);
        }
        fn visit_expr_reference(&mut self, r: &'ast syn::ExprReference) {
            self.found |= r.mutability.is_some() && base_is(&r.expr, self.name);
            syn::visit::visit_expr_reference(self, r);
        }
        fn visit_expr_method_call(&mut self, m: &'ast syn::ExprMethodCall) {
            let reads = matches!(
                m.method.to_string().as_str(),
                "len"
                    | "is_empty"
                    | "iter"
                    | "get"
                    | "first"
                    | "last"
                    | "contains"
                    | "clone"
                    | "to_vec"
                    | "as_slice"
            );
            self.found |= !reads && base_is(&m.receiver, self.name);
            syn::visit::visit_expr_method_call(self, m);
        }
        fn visit_macro(&mut self, m: &'ast syn::Macro) {
            let toks = m.tokens.to_string();
            self.found |= toks
                .split(|c: char| !(c.is_alphanumeric() || c == '_'))
                .any(|w| w == self.name);
        }
    }
    let mut w = W { name, found: false };
    w.visit_block(body);
    w.found
}

/// Whether the assignee `e` writes `name`: a place in it, or one of the places of a
/// destructuring assignment (`(r, q) = (q, r)`, `[a, b] = ..`, `S { f: r, .. } = ..`).
fn assigns(e: &Expr, name: &str) -> bool {
    match peel_parens(e) {
        Expr::Tuple(t) => t.elems.iter().any(|x| assigns(x, name)),
        Expr::Array(a) => a.elems.iter().any(|x| assigns(x, name)),
        Expr::Struct(s) => s.fields.iter().any(|f| assigns(&f.expr, name)),
        Expr::Call(c) => c.args.iter().any(|x| assigns(x, name)),
        other => base_is(other, name),
    }
}

/// Whether the place `e` is `name` or inside it (`name`, `name[i]`, `name.f`, `*name`).
fn base_is(e: &Expr, name: &str) -> bool {
    order::place_base(e).is_some_and(|b| b.strip_prefix("r#").unwrap_or(&b) == name)
}
