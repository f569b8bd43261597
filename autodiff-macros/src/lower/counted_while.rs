//! Counted `while` loops: `while i < n { ..; i += 1; }` lowered as `for i in i..n { .. }`.
//!
//! Written as a `while`, the loop's index is a variable the body reads and the increment
//! writes, so the reverse sweep reads back a record of every index it used, and of every branch
//! on the index, once per trip. The same loop as a range is affine in its trip number: its
//! indices and index tests are recomputed, its reads at `i + c` get the window of registers, and
//! nothing about the index is recorded (what `for i in a..n` already gets).
//!
//! The rewrite is taken only when it cannot change what the loop does:
//! - the condition is `i < n` with `i` a variable and `n` made of literals, variables and their
//!   `len()`, with `+ - * /`, none of which the body may write (so `n` is the same on every trip,
//!   and evaluating it once before the loop, as the range does, gives the same trips);
//! - the body's last statement is `i += 1;` or `i = i + 1;` with an integer literal (so `i` is an
//!   integer), and nothing before it may write `i`, shadow it, or name it in a macro;
//! - the body has no `break` or `continue` of its own (a trip that skips the increment, or leaves
//!   the loop with `i` short of `n`, has no range equivalent).
//!
//! After the loop `i` holds what the `while` leaves in it: `n` when the loop ran, its first
//! value otherwise (`if i < n { i = n; }`).

use syn::visit::Visit;
use syn::{BinOp, Expr, Lit, Stmt};

use super::loop_writes::{body_may_write, peel_parens};
use crate::naming;

/// The `for` form of a counted `while` loop (a block expression), or `None` when `w` is not
/// one. `depth` (the number of loops around `w`) names the bound's binding.
pub(super) fn desugar(w: &syn::ExprWhile, depth: usize) -> Option<Expr> {
    let Expr::Binary(cond) = peel_parens(&w.cond) else {
        return None;
    };
    if !matches!(cond.op, BinOp::Lt(_)) {
        return None;
    }
    let index = plain_ident(&cond.left)?;
    let name = naming::unraw(&index);
    let mut bound_vars = Vec::new();
    if !fixed_bound(&cond.right, &mut bound_vars) || bound_vars.contains(&name) {
        return None;
    }
    let (last, rest) = w.body.stmts.split_last()?;
    if !increments(last, &name) {
        return None;
    }
    let rest = syn::Block {
        brace_token: w.body.brace_token,
        stmts: rest.to_vec(),
    };
    if body_may_write(&rest, &name)
        || bound_vars.iter().any(|v| body_may_write(&w.body, v))
        || binds(&rest, &name)
        || leaves_early(&rest)
    {
        return None;
    }
    let end = quote::format_ident!("__autodiff_while_end{depth}", span = w.while_token.span);
    let (label, bound, body) = (&w.label, &cond.right, &rest.stmts);
    Some(syn::parse_quote! {{
        let #end = #bound;
        #label for #index in #index..#end { #(#body)* }
        if #index < #end {
            #index = #end;
        }
    }})
}

/// `e` as a lone variable name (`i`, not `self.i` or `a::i`).
fn plain_ident(e: &Expr) -> Option<syn::Ident> {
    match peel_parens(e) {
        Expr::Path(p) if p.qself.is_none() => p.path.get_ident().cloned(),
        _ => None,
    }
}

/// Whether `e` is made of literals, variables and `v.len()` with `+ - * /` (the variables it
/// names go into `vars`).
fn fixed_bound(e: &Expr, vars: &mut Vec<String>) -> bool {
    match peel_parens(e) {
        Expr::Lit(l) => matches!(l.lit, Lit::Int(_)),
        Expr::Path(_) => plain_ident(e).is_some_and(|i| {
            vars.push(naming::unraw(&i));
            true
        }),
        Expr::MethodCall(m) if m.method == "len" && m.args.is_empty() && m.turbofish.is_none() => {
            plain_ident(&m.receiver).is_some_and(|i| {
                vars.push(naming::unraw(&i));
                true
            })
        }
        Expr::Binary(b)
            if matches!(
                b.op,
                BinOp::Add(_) | BinOp::Sub(_) | BinOp::Mul(_) | BinOp::Div(_)
            ) =>
        {
            fixed_bound(&b.left, vars) && fixed_bound(&b.right, vars)
        }
        _ => false,
    }
}

/// Whether `s` is `name += 1;` or `name = name + 1;` (an integer literal one).
fn increments(s: &Stmt, name: &str) -> bool {
    let Stmt::Expr(e, Some(_)) = s else {
        return false;
    };
    let is_name = |x: &Expr| plain_ident(x).is_some_and(|i| naming::unraw(&i) == name);
    let is_one = |x: &Expr| matches!(peel_parens(x), Expr::Lit(l) if matches!(&l.lit, Lit::Int(n) if n.base10_digits() == "1"));
    match e {
        Expr::Binary(b) => {
            matches!(b.op, BinOp::AddAssign(_)) && is_name(&b.left) && is_one(&b.right)
        }
        Expr::Assign(a) => {
            is_name(&a.left)
                && matches!(peel_parens(&a.right), Expr::Binary(b)
                    if matches!(b.op, BinOp::Add(_)) && is_name(&b.left) && is_one(&b.right))
        }
        _ => false,
    }
}

/// Whether a pattern in `body` binds `name` (a `let`, a closure's or a nested loop's pattern).
fn binds(body: &syn::Block, name: &str) -> bool {
    struct B<'a> {
        name: &'a str,
        found: bool,
    }
    impl<'ast> Visit<'ast> for B<'_> {
        fn visit_pat_ident(&mut self, p: &'ast syn::PatIdent) {
            self.found |= naming::unraw(&p.ident) == self.name;
            syn::visit::visit_pat_ident(self, p);
        }
    }
    let mut b = B { name, found: false };
    b.visit_block(body);
    b.found
}

/// Whether `body` may leave the loop it is the body of other than at its end: a `break` or
/// `continue` outside the loops nested in it, or any labelled one.
fn leaves_early(body: &syn::Block) -> bool {
    struct L {
        depth: usize,
        found: bool,
    }
    impl L {
        fn nested(&mut self, f: impl FnOnce(&mut Self)) {
            self.depth += 1;
            f(self);
            self.depth -= 1;
        }
    }
    impl<'ast> Visit<'ast> for L {
        fn visit_expr_break(&mut self, b: &'ast syn::ExprBreak) {
            self.found |= self.depth == 0 || b.label.is_some();
            syn::visit::visit_expr_break(self, b);
        }
        fn visit_expr_continue(&mut self, c: &'ast syn::ExprContinue) {
            self.found |= self.depth == 0 || c.label.is_some();
        }
        fn visit_expr_for_loop(&mut self, f: &'ast syn::ExprForLoop) {
            self.visit_expr(&f.expr);
            self.nested(|s| s.visit_block(&f.body));
        }
        fn visit_expr_while(&mut self, w: &'ast syn::ExprWhile) {
            self.nested(|s| syn::visit::visit_expr_while(s, w));
        }
        fn visit_expr_loop(&mut self, l: &'ast syn::ExprLoop) {
            self.nested(|s| syn::visit::visit_expr_loop(s, l));
        }
        // A closure's body cannot leave the loop.
        fn visit_expr_closure(&mut self, _: &'ast syn::ExprClosure) {}
    }
    let mut l = L {
        depth: 0,
        found: false,
    };
    l.visit_block(body);
    l.found
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rewritten(w: proc_macro2::TokenStream) -> Option<String> {
        let w: syn::ExprWhile = syn::parse2(w).expect("a while loop");
        desugar(&w, 0).map(|e| quote::ToTokens::to_token_stream(&e).to_string())
    }

    #[test]
    fn counted_loops_become_ranges() {
        let cases = [
            quote::quote! { while i < n { s += x[i]; i += 1; } },
            quote::quote! { while i < x.len() - 1 { s += x[i + 1]; i = i + 1; } },
            quote::quote! { 'a: while r < side * side / 2 { s += g[r]; r += 1usize; } },
            quote::quote! { while (i < n) { for j in 0..i { if j > 2 { break; } s += x[j]; } i += 1; } },
        ];
        for w in cases {
            let shown = w.to_string();
            let out = rewritten(w).unwrap_or_else(|| panic!("not rewritten: {shown}"));
            assert!(out.contains("for "), "{out}");
            assert!(out.contains("__autodiff_while_end0"), "{out}");
        }
        let out = rewritten(quote::quote! { while i < n { s += x[i]; i += 1; } }).unwrap();
        assert!(
            out.contains("for i in i .. __autodiff_while_end0 { s += x [i] ; }"),
            "{out}"
        );
        assert!(
            out.contains("if i < __autodiff_while_end0 { i = __autodiff_while_end0 ; }"),
            "{out}"
        );
    }

    #[test]
    fn other_loops_are_left_alone() {
        let cases = [
            // not `<`, or not a lone variable against a fixed bound
            quote::quote! { while i <= n { i += 1; } },
            quote::quote! { while n > i { i += 1; } },
            quote::quote! { while self.i < n { self.i += 1; } },
            quote::quote! { while i < f(n) { i += 1; } },
            quote::quote! { while i < i + 3 { i += 1; } },
            quote::quote! { while t < 1.0 { t += 1.0; } },
            // the increment: missing, not last, not by one
            quote::quote! { while i < n { s += 1.0; } },
            quote::quote! { while i < n { i += 1; s += x[i - 1]; } },
            quote::quote! { while i < n { s += x[i]; i += 2; } },
            quote::quote! { while i < n { s += x[i]; i = 1 + i; } },
            // the body writes, shadows or names the index, or changes the bound
            quote::quote! { while i < n { i *= 1; i += 1; } },
            quote::quote! { while i < n { let i = 3; s += x[i]; i += 1; } },
            quote::quote! { while i < n { bump(&mut i); i += 1; } },
            quote::quote! { while i < n { println!("{}", i); i += 1; } },
            quote::quote! { while i < n { n -= 1; i += 1; } },
            quote::quote! { while i < v.len() { v.push(1.0); i += 1; } },
            // the body leaves early
            quote::quote! { while i < n { if x[i] > 1.0 { break; } i += 1; } },
            quote::quote! { while i < n { if x[i] > 1.0 { continue; } i += 1; } },
            quote::quote! { 'a: while i < n { for j in 0..n { if j == i { continue 'a; } } i += 1; } },
            quote::quote! { 'a: while i < n { loop { break 'a; } i += 1; } },
        ];
        for w in cases {
            let shown = w.to_string();
            assert!(rewritten(w).is_none(), "rewritten: {shown}");
        }
    }

    #[test]
    fn a_break_inside_a_closure_or_a_nested_loop_stays_there() {
        let w = quote::quote! {
            while i < n {
                let f = |a: f64| a * 2.0;
                loop { if s > 1.0 { break; } s += f(x[i]); }
                i += 1;
            }
        };
        assert!(rewritten(w).is_some());
    }
}
