//! The soundness rule, checked on syntax: every `syn::Expr` and `syn::Stmt` kind the lowering can
//! meet, written so that it touches a differentiable value, is either differentiated (the
//! expansion succeeds; the numbers are checked in `tests/soundness_*.rs` and the corpora) or
//! refused with an error naming `#[differentiable]`-supported alternatives. A kind missing from the
//! table fails the test.

use std::collections::BTreeSet;

use proc_macro2::{Delimiter, Group, TokenStream, TokenTree};
use quote::quote;

use crate::args::Args;
use crate::expand;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Outcome {
    Differentiated,
    Refused,
}
use Outcome::*;

/// The `syn::Expr` kind of an expression.
fn expr_kind(e: &syn::Expr) -> &'static str {
    use syn::Expr as E;
    match e {
        E::Array(_) => "Array",
        E::Assign(_) => "Assign",
        E::Async(_) => "Async",
        E::Await(_) => "Await",
        E::Binary(_) => "Binary",
        E::Block(_) => "Block",
        E::Break(_) => "Break",
        E::Call(_) => "Call",
        E::Cast(_) => "Cast",
        E::Closure(_) => "Closure",
        E::Const(_) => "Const",
        E::Continue(_) => "Continue",
        E::Field(_) => "Field",
        E::ForLoop(_) => "ForLoop",
        E::Group(_) => "Group",
        E::If(_) => "If",
        E::Index(_) => "Index",
        E::Infer(_) => "Infer",
        E::Let(_) => "Let",
        E::Lit(_) => "Lit",
        E::Loop(_) => "Loop",
        E::Macro(_) => "Macro",
        E::Match(_) => "Match",
        E::MethodCall(_) => "MethodCall",
        E::Paren(_) => "Paren",
        E::Path(_) => "Path",
        E::Range(_) => "Range",
        E::RawAddr(_) => "RawAddr",
        E::Reference(_) => "Reference",
        E::Repeat(_) => "Repeat",
        E::Return(_) => "Return",
        E::Struct(_) => "Struct",
        E::Try(_) => "Try",
        E::TryBlock(_) => "TryBlock",
        E::Tuple(_) => "Tuple",
        E::Unary(_) => "Unary",
        E::Unsafe(_) => "Unsafe",
        E::Verbatim(_) => "Verbatim",
        E::While(_) => "While",
        E::Yield(_) => "Yield",
        _ => "unknown",
    }
}

/// Every kind syn 2 defines. `Verbatim` is syntax syn does not parse: the lowering's catch-all
/// refuses it, and it cannot be written in a test.
const ALL_EXPR_KINDS: &[&str] = &[
    "Array",
    "Assign",
    "Async",
    "Await",
    "Binary",
    "Block",
    "Break",
    "Call",
    "Cast",
    "Closure",
    "Const",
    "Continue",
    "Field",
    "ForLoop",
    "Group",
    "If",
    "Index",
    "Infer",
    "Let",
    "Lit",
    "Loop",
    "Macro",
    "Match",
    "MethodCall",
    "Paren",
    "Path",
    "Range",
    "RawAddr",
    "Reference",
    "Repeat",
    "Return",
    "Struct",
    "Try",
    "TryBlock",
    "Tuple",
    "Unary",
    "Unsafe",
    "While",
    "Yield",
];

/// The kinds of every expression inside a body.
fn kinds_in(body: &syn::Block) -> BTreeSet<&'static str> {
    struct K(BTreeSet<&'static str>);
    impl<'ast> syn::visit::Visit<'ast> for K {
        fn visit_expr(&mut self, e: &'ast syn::Expr) {
            self.0.insert(expr_kind(e));
            syn::visit::visit_expr(self, e);
        }
    }
    let mut k = K(BTreeSet::new());
    syn::visit::Visit::visit_block(&mut k, body);
    k.0
}

/// `(kind, body of fn f(x: f64) -> f64, outcome)`.
fn cases() -> Vec<(&'static str, TokenStream, Outcome)> {
    let group = TokenTree::Group(Group::new(Delimiter::None, quote! { x * x }));
    vec![
        (
            "Array",
            quote! { let a = [x, 2.0 * x]; a[0] * a[1] },
            Differentiated,
        ),
        (
            "Assign",
            quote! { let mut y = 0.0; y = x * x; y },
            Differentiated,
        ),
        ("Async", quote! { let _f = async { x }; x }, Refused),
        ("Await", quote! { let y = x.await; y }, Refused),
        ("Binary", quote! { x * x - x / 2.0 }, Differentiated),
        ("Block", quote! { { x * 2.0 } }, Differentiated),
        ("Break", quote! { loop { break x * 2.0; } }, Differentiated),
        ("Call", quote! { f64::sqrt(x) }, Differentiated),
        ("Cast", quote! { (x as f32) as f64 }, Differentiated),
        (
            "Closure",
            quote! { let c = |t: f64| t * x; c(1.0) },
            Refused,
        ),
        ("Const", quote! { const { 1.0 } * x }, Differentiated),
        (
            "Continue",
            quote! { let mut s = 0.0; for i in 0..3 { if i == 1 { continue; } s += x; } s },
            Differentiated,
        ),
        (
            "Field",
            quote! { let t = (x, 2.0); t.0 * t.1 },
            Differentiated,
        ),
        (
            "ForLoop",
            quote! { let mut s = 0.0; for _ in 0..3 { s += x; } s },
            Differentiated,
        ),
        ("Group", quote! { #group }, Differentiated),
        (
            "If",
            quote! { if x > 0.0 { x } else { -x } },
            Differentiated,
        ),
        (
            "Index",
            quote! { let v = vec![x, 1.0]; v[0] },
            Differentiated,
        ),
        ("Infer", quote! { _ = x * 2.0; x }, Differentiated),
        (
            "Let",
            quote! { if let y = x { y * y } else { 0.0 } },
            Differentiated,
        ),
        (
            "Let",
            quote! { let o = Some(x); if let Some(v) = o { v } else { 0.0 } },
            Differentiated,
        ),
        ("Lit", quote! { x + 1.0 }, Differentiated),
        (
            "Loop",
            quote! { let mut y = x; loop { y = y * 0.5; if y < 1.0 { break; } } y },
            Differentiated,
        ),
        ("Macro", quote! { dbg!(x * x) }, Differentiated),
        ("Macro", quote! { sq!(x) }, Refused),
        (
            "Match",
            quote! { match x { v if v > 0.0 => v, v => -v } },
            Differentiated,
        ),
        (
            "MethodCall",
            quote! { let mut v = vec![x, 1.0]; v.swap(0, 1); v[0] },
            Differentiated,
        ),
        (
            "MethodCall",
            quote! { let mut v = vec![x, 1.0]; v.sort_by(f64::total_cmp); v[0] },
            Refused,
        ),
        ("Paren", quote! { (x + 1.0) * x }, Differentiated),
        ("Path", quote! { x }, Differentiated),
        (
            "Range",
            quote! { let mut s = 0.0; for _ in (0..2).rev() { s += x; } s },
            Differentiated,
        ),
        ("RawAddr", quote! { let p = &raw const x; x }, Refused),
        ("Reference", quote! { let r = &x; *r * 2.0 }, Differentiated),
        ("Reference", quote! { let r = &mut x; *r }, Refused),
        ("Repeat", quote! { let a = [x; 3]; a[2] }, Differentiated),
        (
            "Return",
            quote! { if x > 1.0 { return x * 2.0; } x },
            Differentiated,
        ),
        ("Struct", quote! { let p = P { a: x }; p.a }, Differentiated),
        ("Try", quote! { let v: Option<f64> = Some(x); v? }, Refused),
        (
            "TryBlock",
            quote! { let v: Option<f64> = try { x }; x },
            Refused,
        ),
        (
            "Tuple",
            quote! { let (a, b) = (x, x * x); a * b },
            Differentiated,
        ),
        ("Unary", quote! { -x }, Differentiated),
        ("Unsafe", quote! { unsafe { x } }, Refused),
        (
            "While",
            quote! { let mut y = x; while y > 1.0 { y = y * 0.5; } y },
            Differentiated,
        ),
        ("Yield", quote! { yield x; x }, Refused),
    ]
}

fn outcome(body: &TokenStream) -> (Outcome, String) {
    let f: syn::ItemFn = syn::parse2(quote! { fn f(mut x: f64) -> f64 { #body } }).expect("parses");
    match expand::differentiable(Args::default(), f) {
        Ok(_) => (Differentiated, String::new()),
        Err(e) => (Refused, e.to_string()),
    }
}

#[test]
fn every_expression_kind_is_differentiated_or_refused() {
    let mut covered = BTreeSet::new();
    let mut wrong = Vec::new();
    for (kind, body, want) in cases() {
        let block: syn::Block = syn::parse2(quote! { { #body } }).expect("a block");
        assert!(
            kinds_in(&block).contains(kind),
            "the case for {kind} does not contain one: {body}"
        );
        covered.insert(kind);
        let (got, msg) = outcome(&body);
        if got != want {
            wrong.push(format!(
                "{kind}: expected {want:?}, got {got:?} {msg} for {body}"
            ));
        }
        if got == Refused && msg.is_empty() {
            wrong.push(format!("{kind}: refused without a message"));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    let missing: Vec<_> = ALL_EXPR_KINDS
        .iter()
        .filter(|k| !covered.contains(**k))
        .collect();
    assert!(missing.is_empty(), "kinds without a case: {missing:?}");
}

#[test]
fn every_statement_kind_is_differentiated_or_refused() {
    let cases: Vec<(&str, TokenStream, Outcome)> = vec![
        ("Local", quote! { let y = x * x; y }, Differentiated),
        (
            "Item",
            quote! { fn h(t: f64) -> f64 { t } const K: f64 = 2.0; x * K },
            Differentiated,
        ),
        ("Item", quote! { struct S; x }, Refused),
        ("Expr", quote! { let mut y = x; y += x; y }, Differentiated),
        ("Macro", quote! { println!("{}", x); x }, Differentiated),
        ("Macro", quote! { sq!(x); x }, Refused),
    ];
    for (kind, body, want) in cases {
        let block: syn::Block = syn::parse2(quote! { { #body } }).expect("a block");
        let has = block.stmts.iter().any(|s| {
            matches!(
                (kind, s),
                ("Local", syn::Stmt::Local(_))
                    | ("Item", syn::Stmt::Item(_))
                    | ("Expr", syn::Stmt::Expr(..))
                    | ("Macro", syn::Stmt::Macro(_))
            )
        });
        assert!(has, "the case for {kind} has no such statement");
        let (got, msg) = outcome(&body);
        assert_eq!(got, want, "{kind}: {msg} for {body}");
    }
}
