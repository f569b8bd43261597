//! Evaluation order of operands. Rust evaluates operands left to right, so in
//! `s + { s = s * x; s }` the left `s` is the value before the block runs. The lowering reads a
//! bare variable where the operation happens, after every operand's statements; so before
//! lowering, an operand that is a bare name which a later operand of the same expression assigns
//! is copied where Rust reads it: `{ let __ad_snap0 = s; __ad_snap0 } + { s = s * x; s }`.

use proc_macro2::Span;
use quote::quote_spanned;
use syn::Expr;
use syn::spanned::Spanned;
use syn::visit::Visit;
use syn::visit_mut::{self, VisitMut};

/// Rewrites every expression of `block` whose earlier operand is a bare name that a later operand
/// assigns (see the module docs).
pub(super) fn snapshot_operands(block: &mut syn::Block) {
    Snapshots { n: 0 }.visit_block_mut(block);
}

struct Snapshots {
    n: usize,
}

impl Snapshots {
    /// Copies each bare-name operand that a later operand assigns.
    fn fix(&mut self, operands: Vec<&mut Expr>) {
        let later: Vec<Vec<String>> = operands.iter().map(|e| assigned_names(e)).collect();
        for (i, e) in operands.into_iter().enumerate() {
            let Some(name) = bare_name(e) else { continue };
            if later[i + 1..].iter().any(|names| names.contains(&name)) {
                let snap = syn::Ident::new(&format!("__ad_snap{}", self.n), Span::call_site());
                self.n += 1;
                let span = e.span();
                let old = e.clone();
                *e = syn::parse2(quote_spanned! {span=> { let #snap = #old; #snap } })
                    .expect("a block expression");
            }
        }
    }
}

impl VisitMut for Snapshots {
    fn visit_expr_mut(&mut self, e: &mut Expr) {
        match e {
            Expr::Binary(b) => self.fix(vec![&mut *b.left, &mut *b.right]),
            Expr::Call(c) => self.fix(c.args.iter_mut().collect()),
            Expr::MethodCall(m) => {
                let mut ops: Vec<&mut Expr> = vec![&mut *m.receiver];
                ops.extend(m.args.iter_mut());
                self.fix(ops);
            }
            Expr::Array(a) => self.fix(a.elems.iter_mut().collect()),
            Expr::Tuple(t) => self.fix(t.elems.iter_mut().collect()),
            Expr::Struct(s) => self.fix(s.fields.iter_mut().map(|f| &mut f.expr).collect()),
            Expr::Index(ix) => self.fix(vec![&mut *ix.expr, &mut *ix.index]),
            _ => {}
        }
        visit_mut::visit_expr_mut(self, e);
    }
}

/// `x` (or `(x)`): the name an operand reads as a whole.
fn bare_name(e: &Expr) -> Option<String> {
    match e {
        Expr::Path(p) if p.qself.is_none() => p.path.get_ident().map(|i| i.to_string()),
        Expr::Paren(p) => bare_name(&p.expr),
        Expr::Group(g) => bare_name(&g.expr),
        _ => None,
    }
}

/// The variable a place expression writes (`s`, `v[i]`, `p.x`, `*r`, `(s)`).
pub(super) fn place_base(e: &Expr) -> Option<String> {
    match e {
        Expr::Path(p) => p.path.get_ident().map(|i| i.to_string()),
        Expr::Index(ix) => place_base(&ix.expr),
        Expr::Field(f) => place_base(&f.base),
        Expr::Paren(p) => place_base(&p.expr),
        Expr::Group(g) => place_base(&g.expr),
        Expr::Unary(u) => place_base(&u.expr),
        _ => None,
    }
}

/// Names an expression assigns: targets of `=` and `op=`, `&mut` borrows and receivers of the
/// in-place methods. (Wrapping an earlier operand is then what Rust does: a later operand can
/// only assign a name whose earlier read was a copy or a move.)
fn assigned_names(e: &Expr) -> Vec<String> {
    struct Scan(Vec<String>);
    impl<'ast> Visit<'ast> for Scan {
        fn visit_expr_assign(&mut self, a: &'ast syn::ExprAssign) {
            self.0.extend(place_base(&a.left));
            syn::visit::visit_expr_assign(self, a);
        }
        fn visit_expr_binary(&mut self, b: &'ast syn::ExprBinary) {
            if super::opaque::is_compound_assign(&b.op) {
                self.0.extend(place_base(&b.left));
            }
            syn::visit::visit_expr_binary(self, b);
        }
        fn visit_expr_reference(&mut self, r: &'ast syn::ExprReference) {
            if r.mutability.is_some() {
                self.0.extend(place_base(&r.expr));
            }
            syn::visit::visit_expr_reference(self, r);
        }
        fn visit_expr_method_call(&mut self, m: &'ast syn::ExprMethodCall) {
            // Only the known in-place methods: a receiver is borrowed, and copying an earlier
            // bare operand of a type that is not `Copy` would move it.
            if super::opaque::is_mutating_method(&m.method.to_string()) {
                self.0.extend(place_base(&m.receiver));
            }
            syn::visit::visit_expr_method_call(self, m);
        }
    }
    let mut s = Scan(Vec::new());
    s.visit_expr(e);
    s.0
}
