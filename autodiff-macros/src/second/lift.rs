//! Constants and data in a concrete `order = 2` function's arithmetic, lifted to the scalar.
//!
//! After [`rewrite`](super::rewrite) the function is generic over its scalar `S`, but a value
//! whose type the macro cannot rewrite keeps `f64`: a `const`/`static` (of the module, the body
//! or imported, `PI`), and a field or element of a parameter that is not differentiated
//! (`cfg.scale`, `cfg.w[i]` with `cfg: &Cfg`). Where such a value meets the scalar (an operand
//! of arithmetic or an ordering comparison whose other operand is not one, a float method's
//! receiver or argument, a `let` initializer, the value of an assignment, of an array element
//! beside other values, or of an `if`/`match` branch), it is spelled `(&ScalarLift::<S, F, _>::of(e)).lift_value()`:
//! a value of the function's float type `F` becomes `S::from_f64(e)` (a constant: derivative
//! zero), anything else stays itself (an integer constant, `cfg.n`).
//!
//! Only values with no derivative are lifted: upper-case paths that no pattern of the function
//! binds (constants by Rust's naming convention), and fields and elements of parameters outside
//! the differentiated set that the body cannot write (not `mut`, not `&mut`) and whose names no
//! pattern of the body binds again. A function call's arguments are left alone (the callee's
//! parameter type decides), and so are the operands of `==` and `!=`, which compare by
//! reference (lifting would move a field that is not `Copy` out of its parameter).

use std::collections::HashSet;

use proc_macro2::TokenStream;
use quote::ToTokens;
use syn::spanned::Spanned;
use syn::visit::{self, Visit};
use syn::visit_mut::{self, VisitMut};
use syn::{Expr, Ident};

/// Lifts the constants and data values of `item`'s body (already generalised over `s`, whose
/// float type was `float`); `inactive` names the parameters outside the differentiated set.
pub fn lift_constants(item: &mut syn::ItemFn, s: &Ident, float: &str, inactive: &[Ident]) {
    let mut names = Bound::default();
    names.visit_block(&item.block);
    // A parameter the body can write (`mut y: Vec<f64>`, `y: &mut [f64]`) may hold values with
    // derivatives after all: not data.
    let writable: Vec<String> = item
        .sig
        .inputs
        .iter()
        .filter_map(|p| match p {
            syn::FnArg::Typed(t) => {
                let by_mut = matches!(&*t.pat, syn::Pat::Ident(i) if i.mutability.is_some());
                let mut_ref = matches!(&*t.ty, syn::Type::Reference(r) if r.mutability.is_some());
                match &*t.pat {
                    syn::Pat::Ident(i) if by_mut || mut_ref => Some(i.ident.to_string()),
                    _ => None,
                }
            }
            syn::FnArg::Receiver(_) => None,
        })
        .collect();
    let data: Vec<Ident> = inactive
        .iter()
        .filter(|p| {
            let n = p.to_string();
            *p != "self" && !names.0.contains(&n) && !writable.contains(&n)
        })
        .cloned()
        .collect();
    for p in item.sig.inputs.iter() {
        if let syn::FnArg::Typed(t) = p {
            names.visit_pat(&t.pat);
        }
    }
    let float = Ident::new(float, s.span());
    let mut l = Lift {
        bound: names.0,
        data,
        s: s.clone(),
        float,
        lifted: false,
    };
    l.visit_block_mut(&mut item.block);
    if l.lifted {
        // Both methods in scope for the whole body (the preferred one wins by autoref).
        item.block.stmts.insert(
            0,
            syn::parse_quote! {
                #[allow(unused_imports)]
                use ::autodiff::__private::{LiftValueOther as _, LiftValueReal as _};
            },
        );
    }
}

/// Every name a pattern binds (`let`, `for`, `match`, closure and parameter patterns).
#[derive(Default)]
struct Bound(HashSet<String>);

impl Visit<'_> for Bound {
    fn visit_pat_ident(&mut self, i: &syn::PatIdent) {
        self.0.insert(i.ident.to_string());
        visit::visit_pat_ident(self, i);
    }
    fn visit_item(&mut self, _: &syn::Item) {}
}

struct Lift {
    bound: HashSet<String>,
    /// Parameters outside the differentiated set, not bound again in the body.
    data: Vec<Ident>,
    s: Ident,
    float: Ident,
    lifted: bool,
}

/// Whether `name` reads as a constant's (`PI`, `K`, `MAX_STEP`): an upper-case letter and no
/// lower-case one.
fn constant_name(name: &str) -> bool {
    name.chars().any(|c| c.is_ascii_uppercase()) && !name.chars().any(|c| c.is_lowercase())
}

impl Lift {
    /// Whether `e` is a value this pass lifts: a constant's path, a field or element of a data
    /// parameter, or arithmetic, a negation, parentheses or a float method on such values
    /// alone (`2.0 * K` is not one: the literal is the scalar already).
    fn liftable(&self, e: &Expr) -> bool {
        use syn::BinOp::*;
        match e {
            Expr::Path(p) => {
                p.qself.is_none()
                    && p.path.segments.iter().all(|s| s.arguments.is_none())
                    && p.path.segments.last().is_some_and(|s| {
                        constant_name(&s.ident.to_string())
                            && (p.path.segments.len() > 1
                                || !self.bound.contains(&s.ident.to_string()))
                    })
                    && !p
                        .path
                        .segments
                        .iter()
                        .any(|s| s.ident == "f64" || s.ident == "f32")
            }
            Expr::Field(_) | Expr::Index(_) => self.of_data(e),
            Expr::Paren(p) => self.liftable(&p.expr),
            Expr::Unary(u) if matches!(u.op, syn::UnOp::Neg(_)) => self.liftable(&u.expr),
            Expr::Binary(b) => {
                matches!(b.op, Add(_) | Sub(_) | Mul(_) | Div(_) | Rem(_))
                    && self.liftable(&b.left)
                    && self.liftable(&b.right)
            }
            Expr::MethodCall(m) => {
                float_method(&m.method)
                    && self.liftable(&m.receiver)
                    && m.args.iter().all(|a| self.liftable(a) || int_literal(a))
            }
            _ => false,
        }
    }

    /// A field or element reached from a data parameter (`cfg.scale`, `cfg.w[i]`, `(*cfg).a`).
    fn of_data(&self, e: &Expr) -> bool {
        match e {
            Expr::Field(f) => self.of_data(&f.base) || self.is_data(&f.base),
            Expr::Index(i) => self.of_data(&i.expr) || self.is_data(&i.expr),
            Expr::Paren(p) => self.of_data(&p.expr),
            Expr::Unary(u) if matches!(u.op, syn::UnOp::Deref(_)) => {
                self.of_data(&u.expr) || self.is_data(&u.expr)
            }
            _ => false,
        }
    }

    fn is_data(&self, e: &Expr) -> bool {
        match e {
            Expr::Path(p) => p.path.get_ident().is_some_and(|i| self.data.contains(i)),
            Expr::Paren(p) => self.is_data(&p.expr),
            Expr::Unary(u) if matches!(u.op, syn::UnOp::Deref(_)) => self.is_data(&u.expr),
            _ => false,
        }
    }

    fn wrap(&mut self, e: &mut Expr) {
        let (s, f, span) = (&self.s, &self.float, e.span());
        let inner: TokenStream = e.to_token_stream();
        *e = syn::parse_quote_spanned! {span=>
            (&::autodiff::__private::ScalarLift::<#s, #f, _>::of(#inner)).lift_value()
        };
        self.lifted = true;
    }

    fn wrap_if(&mut self, e: &mut Expr) {
        if self.liftable(e) {
            self.wrap(e);
        }
    }
}

/// The value of `b` (its tail expression), lifted when it is a constant or data value.
fn lift_tail(l: &mut Lift, b: &mut syn::Block) {
    if let Some(syn::Stmt::Expr(e, None)) = b.stmts.last_mut() {
        l.wrap_if(e);
    }
}

fn float_method(m: &Ident) -> bool {
    let n = m.to_string();
    crate::methods::rule(&n).is_some() || crate::methods::is_piecewise_float_method(&n)
}

fn int_literal(e: &Expr) -> bool {
    matches!(
        e,
        Expr::Lit(syn::ExprLit {
            lit: syn::Lit::Int(_),
            ..
        })
    )
}

impl VisitMut for Lift {
    fn visit_expr_mut(&mut self, e: &mut Expr) {
        use syn::BinOp::*;
        match e {
            Expr::Binary(b) => {
                let arith_or_cmp = matches!(
                    b.op,
                    Add(_) | Sub(_) | Mul(_) | Div(_) | Rem(_) | Lt(_) | Le(_) | Gt(_) | Ge(_)
                );
                let compound = matches!(
                    b.op,
                    AddAssign(_) | SubAssign(_) | MulAssign(_) | DivAssign(_) | RemAssign(_)
                );
                if arith_or_cmp {
                    // A whole expression of constants stays as the function computes it; only
                    // where it meets another value is it lifted.
                    let (l, r) = (self.liftable(&b.left), self.liftable(&b.right));
                    if l && !r {
                        self.wrap(&mut b.left);
                    } else if r && !l {
                        self.wrap(&mut b.right);
                    }
                } else if compound {
                    self.wrap_if(&mut b.right);
                }
                visit_mut::visit_expr_binary_mut(self, b);
            }
            Expr::MethodCall(m) if float_method(&m.method) => {
                let recv = self.liftable(&m.receiver);
                let args: Vec<bool> = m.args.iter().map(|a| self.liftable(a)).collect();
                // `K.sqrt()` alone is a constant expression; `K.max(x)` and `x.max(K)` meet
                // another value.
                let all = recv && args.iter().all(|a| *a);
                if !all {
                    if recv {
                        self.wrap(&mut m.receiver);
                    }
                    for (a, lift) in m.args.iter_mut().zip(args) {
                        if lift {
                            self.wrap(a);
                        }
                    }
                }
                visit_mut::visit_expr_method_call_mut(self, m);
            }
            // `v[0] = K;`: the value written meets the place's type.
            Expr::Assign(a) => {
                self.wrap_if(&mut a.right);
                visit_mut::visit_expr_assign_mut(self, a);
            }
            // `[K, x[0]]`: an element beside values that are not constants.
            Expr::Array(a) if !a.elems.iter().all(|e| self.liftable(e)) => {
                for el in a.elems.iter_mut() {
                    self.wrap_if(el);
                }
                visit_mut::visit_expr_array_mut(self, a);
            }
            // `if c { x } else { K }`, `match m { 0 => cfg.scale, .. }`: a branch's value.
            Expr::If(i) => {
                lift_tail(self, &mut i.then_branch);
                if let Some((_, e)) = &mut i.else_branch {
                    if let Expr::Block(b) = &mut **e {
                        lift_tail(self, &mut b.block);
                    } else if !matches!(**e, Expr::If(_)) {
                        self.wrap_if(e);
                    }
                }
                visit_mut::visit_expr_if_mut(self, i);
            }
            Expr::Match(m) => {
                for arm in m.arms.iter_mut() {
                    if let Expr::Block(b) = &mut *arm.body {
                        lift_tail(self, &mut b.block);
                    } else {
                        self.wrap_if(&mut arm.body);
                    }
                }
                visit_mut::visit_expr_match_mut(self, m);
            }
            // Constants: no method call may run there.
            Expr::Repeat(r) => self.visit_expr_mut(&mut r.expr),
            Expr::Const(_) => {}
            _ => visit_mut::visit_expr_mut(self, e),
        }
    }

    fn visit_local_mut(&mut self, l: &mut syn::Local) {
        if let Some(init) = &mut l.init {
            self.wrap_if(&mut init.expr);
        }
        visit_mut::visit_local_mut(self, l);
    }

    // Wrapped expressions are not visited again: `wrap` leaves a method call `lift_value`,
    // which is not a float method, around a call whose argument holds the original; that
    // argument is visited, and its sub-expressions are not liftable positions by themselves.
    fn visit_item_mut(&mut self, _: &mut syn::Item) {}
    fn visit_type_mut(&mut self, _: &mut syn::Type) {}
    fn visit_generic_argument_mut(&mut self, _: &mut syn::GenericArgument) {}
    fn visit_macro_mut(&mut self, _: &mut syn::Macro) {}
}
