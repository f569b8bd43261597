//! Expressions: right-hand sides, atoms and the operators the macro differentiates.

use super::*;

impl Lowerer {
    /// Lowers `e` to an atom, binding a temporary when needed.
    pub(super) fn lower_atom_expr(&mut self, e: &Expr, out: &mut Vec<Stmt>) -> R<Atom> {
        let rhs = self.lower_rhs(e, out)?;
        Ok(self.atom_of(rhs, out))
    }

    pub(super) fn atom_of(&mut self, rhs: Rhs, out: &mut Vec<Stmt>) -> Atom {
        match rhs {
            Rhs::Copy(a) => a,
            other => {
                let t = self.let_temp(other, out);
                Atom::Var(t)
            }
        }
    }

    /// Lowers an expression to a right-hand side, emitting the statements it needs into `out`.
    pub(super) fn lower_rhs(&mut self, e: &Expr, out: &mut Vec<Stmt>) -> R<Rhs> {
        match e {
            Expr::Lit(_) => Ok(Rhs::Copy(Atom::Const(e.to_token_stream()))),
            Expr::Path(_) => {
                // Not a local: a const, a static, a unit value, or a name rustc will report.
                match self.var_of(e) {
                    Some(v) => Ok(Rhs::Copy(Atom::Var(v))),
                    None => Ok(Rhs::Copy(Atom::Const(e.to_token_stream()))),
                }
            }
            Expr::Paren(p) => self.lower_rhs(&p.expr, out),
            Expr::Group(g) => self.lower_rhs(&g.expr, out),
            Expr::Reference(r) => {
                if let Some(m) = &r.mutability {
                    return refuse_at(
                        &m,
                        "`&mut` is not supported in a #[differentiable] function; pass values or shared references",
                    );
                }
                self.lower_place(&r.expr, true, out)
            }
            Expr::Unary(u) => match u.op {
                UnOp::Neg(_) => {
                    let a = self.lower_atom_expr(&u.expr, out)?;
                    self.check_fieldwise(None, u.op.span(), &[&a], out);
                    Ok(Rhs::Neg(a))
                }
                // `*r` reads the value behind a reference: a copy with the same adjoint.
                UnOp::Deref(d) => {
                    let x = self.lower_atom_expr(&u.expr, out)?;
                    Ok(Rhs::Clone {
                        x,
                        method: proc_macro2::Ident::new("clone", d.span),
                    })
                }
                // `!c`: in second-order code, the calls in `c` run first (see `hoist_calls`).
                _ if crate::naming::order2() => {
                    let hoisted = self.hoist_calls(e, out)?;
                    self.opaque(&hoisted)
                }
                _ => self.opaque(e),
            },
            Expr::Binary(b) => {
                if let Some(op) = arith_op(&b.op) {
                    let l = self.lower_atom_expr(&b.left, out)?;
                    // `a[i] * a[i]`: one read of the element serves both operands, so the
                    // reverse sweep keeps one value instead of two equal ones.
                    let r = if is_element_read(&b.left)
                        && b.left.to_token_stream().to_string()
                            == b.right.to_token_stream().to_string()
                    {
                        l.clone()
                    } else {
                        self.lower_atom_expr(&b.right, out)?
                    };
                    self.check_operand_shapes(op, &l, &r, b, out);
                    self.check_fieldwise(Some(op), b.op.span(), &[&l, &r], out);
                    Ok(Rhs::Bin(op, l, r))
                } else if compound_op(&b.op).is_some() {
                    self.lower_expr_stmt(e, out)?;
                    Ok(Rhs::Opaque(quote! { () }))
                } else if crate::naming::order2() {
                    // Comparisons, boolean logic and bit operations carry no derivative; in
                    // second-order code the calls they make always run first, through the
                    // callee's companion (`let b = dot(p, p) > 0.5;`, see `hoist_calls`).
                    let hoisted = self.hoist_calls(e, out)?;
                    self.opaque(&hoisted)
                } else {
                    // Comparisons, boolean logic and bit operations carry no derivative.
                    self.opaque(e)
                }
            }
            Expr::Cast(c) => {
                if is_float_type(&c.ty) {
                    let x = self.lower_atom_expr(&c.expr, out)?;
                    Ok(Rhs::Cast {
                        x,
                        ty: (*c.ty).clone(),
                        via: CastVia::As,
                    })
                } else {
                    // In second-order code, the calls in the cast value run first (see
                    // `hoist_calls`): `dot(p, p) as usize`.
                    let hoisted = if crate::naming::order2() {
                        self.hoist_calls(e, out)?
                    } else {
                        e.clone()
                    };
                    let Expr::Cast(c) = &hoisted else {
                        unreachable!("hoisting keeps the cast")
                    };
                    // A cast to another type drops the derivative, which is right for integer
                    // types; a float cast to any other spelling must not be to a float type
                    // under another name (`type Fl = f64;`): the compiler checks it.
                    if !is_int_type(&c.ty) {
                        let (ty, x) = (&c.ty, &c.expr);
                        out.push(never_run(quote::quote_spanned! {ty.span()=>
                            ::autodiff::__private::not_float::<#ty, _>(|| #x);
                        }));
                    }
                    self.opaque(&hoisted)
                }
            }
            Expr::MethodCall(mc) => self.lower_method(mc, out),
            Expr::Call(c) => {
                let Expr::Path(fp) = peel(&c.func) else {
                    return refuse_at(
                        &c.func,
                        "only calls of named functions are supported in a #[differentiable] function",
                    );
                };
                // `<f64 as Real>::from_f64(x)`, `<T as Real>::sqrt(x)`: the type's own path.
                let unqualified = unqualify(fp);
                let fp = match &unqualified {
                    Some(p) => p,
                    None if fp.qself.is_some() => {
                        return refuse_at(
                            &c.func,
                            "qualified paths `<T as Trait>::f(..)` are supported for float conversions and methods (`<f64 as Real>::from_f64(x)`, `<T as Real>::sqrt(x)`); call a #[differentiable] function by its plain path, or the method on the value (`x.f()`)",
                        );
                    }
                    None => fp,
                };
                let last = fp
                    .path
                    .segments
                    .last()
                    .map(|s| s.ident.to_string())
                    .unwrap_or_default();
                if last == "stop_gradient" {
                    let args: Vec<&Expr> = c.args.iter().collect();
                    out.push(same_function(
                        &fp.path,
                        quote! { ::autodiff::stop_gradient },
                        &args,
                    ));
                    if crate::naming::order2() {
                        // The dual pass of second order would carry the value's derivative
                        // through the identity: the stopped value must be a constant to both
                        // sweeps, as to both of TensorFlow's nested tapes.
                        let (f, a) = (&c.func, &c.args);
                        let stopped: Expr = syn::parse_quote_spanned! {f.span()=>
                            ::autodiff::__private::stop_tangent(#a)
                        };
                        return self.opaque(&stopped);
                    }
                    return self.opaque(e);
                }
                if options::is_some_path(&fp.path) && c.args.len() == 1 {
                    out.push(same_function(
                        &fp.path,
                        quote! { ::core::option::Option::Some },
                        &[&c.args[0]],
                    ));
                    return self.lower_some(c, out);
                }
                // `T::from_f64(x)`, `T::from_usize(n)`: a conversion, differentiated as `x as T`.
                if let Some((ty, name)) = conversion_call(fp, c.args.len()) {
                    let x = self.lower_atom_expr(&c.args[0], out)?;
                    return Ok(Rhs::Cast {
                        x,
                        ty,
                        via: CastVia::Assoc(name),
                    });
                }
                // `f64::sqrt(x)`, `T::max(a, b)`, `Vec::from(v)`: the method form.
                if let Some(mc) = method_form(fp, &c.args) {
                    let ty = &fp.path.segments[0].ident;
                    if ty == "f32" || ty == "f64" || ty == "Real" || ty == "Vec" {
                        return self.lower_method(&mc, out);
                    }
                    // `T::exp(x)` is `x.exp()` only if `T` is the float type: the compiler checks
                    // that the result is a `T` (a user type `P` with its own `P::exp` is not).
                    let rhs = self.lower_method(&mc, out)?;
                    let t = self.let_temp(rhs, out);
                    let ti = self.vars[t].ident.clone();
                    out.push(never_run(quote::quote_spanned! {fp.span()=>
                        ::autodiff::__private::of_type::<#ty, _>(&#ti);
                    }));
                    return Ok(Rhs::Copy(Atom::Var(t)));
                }
                if self.var_of(&c.func).is_some() {
                    return refuse_at(
                        &c.func,
                        "calling a local variable is not supported in a #[differentiable] function (closures cannot be differentiated); call a named #[differentiable] function",
                    );
                }
                // A function a local `fn` or `use` names has no companion here: the call runs
                // as written, and a derivative through it is refused.
                if let Some(i) = fp.path.get_ident() {
                    let name = i.to_string();
                    if self
                        .local_fns
                        .contains(name.strip_prefix("r#").unwrap_or(&name))
                    {
                        check_supported(e)?;
                        let vars = self.vars_in(e);
                        self.record_opaque(
                            vars,
                            e.to_token_stream(),
                            format!("the call of `{i}`, a function a `fn` or `use` item inside this function names"),
                            LOCAL_FN_HINT,
                        );
                        return Ok(Rhs::Opaque(e.to_token_stream()));
                    }
                }
                let (args, refs) = self.lower_args(c.args.iter(), out)?;
                let spans = c.args.iter().map(|a| a.span()).collect();
                Ok(Rhs::Call {
                    callee: Callee::Path(fp.path.clone()),
                    args,
                    refs,
                    spans,
                    span: c.span(),
                })
            }
            Expr::Index(_) | Expr::Field(_) => self.lower_place(e, false, out),
            Expr::Tuple(t) => {
                if t.elems.is_empty() {
                    return self.opaque(e);
                }
                let mut xs = Vec::new();
                for x in &t.elems {
                    xs.push(self.lower_atom_expr(x, out)?);
                }
                Ok(Rhs::Tuple(xs))
            }
            Expr::Array(a) => {
                let mut xs = Vec::new();
                for x in &a.elems {
                    xs.push(self.lower_atom_expr(x, out)?);
                }
                Ok(Rhs::Array(xs))
            }
            Expr::Repeat(r) => {
                let elem = self.lower_atom_expr(&r.expr, out)?;
                let len = r.len.to_token_stream();
                Ok(Rhs::Repeat {
                    elem,
                    len,
                    vec: false,
                })
            }
            Expr::Macro(m) => self.lower_macro(&m.mac, out),
            Expr::If(_) | Expr::Match(_) | Expr::Block(_) | Expr::Loop(_) => {
                let r = self.temp();
                out.push(Stmt::Let {
                    var: r,
                    mutable: false,
                    ty: None,
                    init: None,
                });
                let at = out.len() - 1;
                match self.lower_control(e, Some(r), out) {
                    Ok(()) => Ok(Rhs::Copy(Atom::Var(r))),
                    // Every arm leaves (`return`, `break`): the result is never assigned, and an
                    // untyped `let` of it would not compile.
                    Err(Stop::Diverged) => {
                        out.remove(at);
                        Err(Stop::Diverged)
                    }
                    Err(err) => Err(err),
                }
            }
            Expr::While(_) | Expr::ForLoop(_) => {
                self.lower_control(e, None, out)?;
                Ok(Rhs::Opaque(quote! { () }))
            }
            Expr::Return(r) => {
                if let Some(v) = &r.expr {
                    let ret = self.ret;
                    self.lower_into(v, ret, out)?;
                }
                out.push(Stmt::Return);
                Err(Stop::Diverged)
            }
            Expr::Break(b) => {
                let ctx = self.loop_target(b.label.as_ref(), b.span())?;
                if let Some(v) = &b.expr {
                    let Some(r) = ctx.1 else {
                        return refuse_at(
                            &v,
                            "#[differentiable] supports `break` with a value only out of a `loop` whose value is used",
                        );
                    };
                    self.lower_into(v, r, out)?;
                }
                out.push(Stmt::Break { target: ctx.0 });
                Err(Stop::Diverged)
            }
            Expr::Continue(c) => {
                let ctx = self.loop_target(c.label.as_ref(), c.span())?;
                self.loops[ctx.0].has_continue = true;
                out.push(Stmt::Continue { target: ctx.0 });
                Err(Stop::Diverged)
            }
            Expr::Range(_) => self.opaque(e),
            Expr::Closure(c) => refuse_at(
                &c,
                "closures are not supported in a #[differentiable] function; move the code into a named #[differentiable] fn and call it",
            ),
            Expr::Unsafe(u) => refuse_at(
                &u.unsafe_token,
                "`unsafe` blocks are not supported in a #[differentiable] function; move the unsafe code into a helper and wrap its call in `stop_gradient(..)` if it needs no derivative",
            ),
            Expr::Async(a) => refuse_at(
                &a.async_token,
                "`async` blocks are not supported in a #[differentiable] function",
            ),
            Expr::Await(a) => refuse_at(
                &a.await_token,
                "`.await` is not supported in a #[differentiable] function",
            ),
            Expr::Try(t) => refuse_at(
                &t.question_token,
                "the `?` operator is not supported in a #[differentiable] function; handle the error before the call, or `match` on it",
            ),
            Expr::TryBlock(t) => refuse_at(
                &t,
                "`try` blocks are not supported in a #[differentiable] function",
            ),
            Expr::Struct(s) => self.lower_struct(s, out),
            Expr::Let(l) => refuse_at(
                &l,
                "#[differentiable] supports `let` expressions only as `if let` / `while let` conditions",
            ),
            Expr::Assign(_) => {
                self.lower_expr_stmt(e, out)?;
                Ok(Rhs::Opaque(quote! { () }))
            }
            Expr::Yield(y) => refuse_at(
                &y,
                "`yield` is not supported in a #[differentiable] function",
            ),
            _ => refuse_at(
                &e,
                "this expression is not supported in a #[differentiable] function",
            ),
        }
    }

    /// How an atom is spelled in generated code.
    pub(super) fn atom_tokens(&self, a: &Atom) -> TokenStream {
        match a {
            Atom::Var(v) => self.vars[*v].ident.to_token_stream(),
            Atom::Const(c) => c.clone(),
        }
    }

    pub(super) fn opaque(&mut self, e: &Expr) -> R<Rhs> {
        check_supported(e)?;
        self.record_hidden(e);
        let tokens = self.fenced(e.to_token_stream(), fences::may_jump(e))?;
        Ok(Rhs::Opaque(tokens))
    }
}

const LOCAL_FN_HINT: &str = "a function declared inside a #[differentiable] function has no \
     derivative there; declare it outside the function with #[differentiable], and call a \
     #[differentiable] function by its own name (not through a local `use .. as`)";

/// `i8` … `u128`, `isize`, `usize`, `bool`, `char`: cast targets that carry no derivative.
fn is_int_type(ty: &syn::Type) -> bool {
    crate::naming::primitive_name(ty).is_some_and(|n| {
        crate::naming::INTEGERS.contains(&n.as_str()) || n == "bool" || n == "char"
    })
}

/// Whether an expression is made only of constructs the macro can pass through as written.
pub(super) fn check_supported(e: &Expr) -> R<()> {
    struct Check(Option<syn::Error>);
    impl<'ast> syn::visit::Visit<'ast> for Check {
        fn visit_expr(&mut self, e: &'ast Expr) {
            if self.0.is_some() {
                return;
            }
            let msg = match e {
                Expr::Closure(_) => Some(
                    "closures are not supported in a #[differentiable] function; move the code into a named fn",
                ),
                Expr::Unsafe(_) => {
                    Some("`unsafe` blocks are not supported in a #[differentiable] function")
                }
                Expr::Async(_) => Some(
                    "`async` blocks are not supported in a #[differentiable] function; compute the awaited value before the call and pass it in",
                ),
                Expr::Await(_) => Some("`.await` is not supported in a #[differentiable] function"),
                Expr::Try(_) => Some(
                    "the `?` operator is not supported in a #[differentiable] function; handle the error before the call, or `match` on it",
                ),
                Expr::Return(_) | Expr::Break(_) | Expr::Continue(_) => Some(
                    "control flow inside a condition or other non-differentiable expression is not supported; move it into a statement",
                ),
                _ => None,
            };
            if let Some(m) = msg {
                self.0 = Some(syn::Error::new_spanned(e, m));
                return;
            }
            syn::visit::visit_expr(self, e);
        }
    }
    let mut c = Check(None);
    syn::visit::Visit::visit_expr(&mut c, e);
    match c.0 {
        Some(err) => Err(Stop::Err(err)),
        None => Ok(()),
    }
}

impl Lowerer {
    /// Before `a + b`, `a - b` or `a * b` of two variables (or `a += b`, `a -= b`, `a *= b`), a forward-sweep check that panics
    /// with both shapes at the user's operator when they are mismatched matrices (and compiles
    /// to nothing for scalars): nalgebra's own panic would name neither shape nor the user's line.
    pub(super) fn check_operand_shapes(
        &self,
        op: BinOp,
        l: &Atom,
        r: &Atom,
        b: &syn::ExprBinary,
        out: &mut Vec<Stmt>,
    ) {
        let (Atom::Var(l), Atom::Var(r)) = (l, r) else {
            return;
        };
        // The panic's location is the method name's span: the user's operator.
        let span = b.op.span();
        let check = match op {
            BinOp::Add | BinOp::Sub => quote::format_ident!("check_same", span = span),
            BinOp::Mul => quote::format_ident!("check_mul", span = span),
            BinOp::Div | BinOp::Rem => return,
        };
        let (l, r) = (&self.vars[*l].ident, &self.vars[*r].ident);
        let text = normalize_spaces(&quote! { #b }.to_string());
        out.push(Stmt::Effect(quote::quote_spanned! {span=>
            {
                #[allow(unused_imports)]
                use ::autodiff::__private::{AnyOperands as _, MatrixOperands as _};
                (&::autodiff::__private::Operands(&#l, &#r)).#check(#text);
            }
        }));
    }
}

/// Whether `t` is a check [`Lowerer::check_operand_shapes`] emits: it borrows its two operands
/// and changes nothing.
pub(crate) fn is_operand_check(t: &TokenStream) -> bool {
    let text = t.to_string();
    let head = "{ # [allow (unused_imports)] use :: autodiff :: __private :: { AnyOperands as _ , \
                MatrixOperands as _ } ; (& :: autodiff :: __private :: Operands (& ";
    text.starts_with(head)
        && text.ends_with("; }")
        && text.matches(';').count() == 2
        && (text.contains(". check_same (") || text.contains(". check_mul ("))
}

impl Lowerer {
    /// Before `a + b`, `a - b`, `-a`, `a += b` or `a -= b`: a check, never run, that each
    /// variable operand is not a `#[derive(Differentiable)]` struct with an operator of its own.
    /// The reverse sweep takes these operators as linear (`y = a + b => da += dy, db += dy`),
    /// which a struct's own `impl Add` need not be; `#[derive(FieldwiseOps)]` makes them
    /// field-wise and passes the check. The error lands at `span`, the user's operator.
    /// `op`: the binary operator, `None` for unary `-`; `*`, `/` and `%` are not checked (their
    /// rules are typed per operand kind).
    pub(super) fn check_fieldwise(
        &self,
        op: Option<BinOp>,
        span: Span,
        operands: &[&Atom],
        out: &mut Vec<Stmt>,
    ) {
        if !matches!(op, None | Some(BinOp::Add | BinOp::Sub)) {
            return;
        }
        let probes: Vec<TokenStream> = operands
            .iter()
            .filter_map(|a| match a {
                Atom::Var(v) => Some(&self.vars[*v].ident),
                Atom::Const(_) => None,
            })
            .map(|x| {
                quote::quote_spanned! {span=>
                    ::autodiff::__private::fieldwise_operator(
                        (&::autodiff::__private::OperatorProbe(&#x)).operand_kind(),
                    );
                }
            })
            .collect();
        if probes.is_empty() {
            return;
        }
        out.push(never_run(quote::quote_spanned! {span=>
            #[allow(unused_imports)]
            use ::autodiff::__private::{OperandOnDerived as _, OperandOnOther as _};
            #(#probes)*
        }));
    }
}

/// Token text as a person writes it: `a * b . t ()` becomes `a * b.t()`.
fn normalize_spaces(t: &str) -> String {
    let mut s = t.to_string();
    for (from, to) in [
        (" . ", "."),
        (" (", "("),
        ("( ", "("),
        (" )", ")"),
        (" [", "["),
        ("[ ", "["),
        (" ]", "]"),
        (" ,", ","),
        ("& ", "&"),
        (":: ", "::"),
        (" ::", "::"),
    ] {
        s = s.replace(from, to);
    }
    s
}

pub(super) fn arith_op(op: &SynBinOp) -> Option<BinOp> {
    Some(match op {
        SynBinOp::Add(_) => BinOp::Add,
        SynBinOp::Sub(_) => BinOp::Sub,
        SynBinOp::Mul(_) => BinOp::Mul,
        SynBinOp::Div(_) => BinOp::Div,
        SynBinOp::Rem(_) => BinOp::Rem,
        _ => return None,
    })
}

pub(super) fn compound_op(op: &SynBinOp) -> Option<BinOp> {
    Some(match op {
        SynBinOp::AddAssign(_) => BinOp::Add,
        SynBinOp::SubAssign(_) => BinOp::Sub,
        SynBinOp::MulAssign(_) => BinOp::Mul,
        SynBinOp::DivAssign(_) => BinOp::Div,
        SynBinOp::RemAssign(_) => BinOp::Rem,
        _ => return None,
    })
}

/// Float target types of `as` casts carry derivatives; integer, `bool` and `char` ones do not.
pub(super) fn is_float_type(t: &syn::Type) -> bool {
    match t {
        syn::Type::Path(p) => p.path.get_ident().is_some_and(|i| i == "f32" || i == "f64"),
        syn::Type::Paren(p) => is_float_type(&p.elem),
        syn::Type::Group(g) => is_float_type(&g.elem),
        _ => false,
    }
}

/// `<X as Trait>::f` as `X::f` when `X` is a one-identifier type (`f64`, `T`); `None` for any
/// other path.
fn unqualify(fp: &syn::ExprPath) -> Option<syn::ExprPath> {
    let q = fp.qself.as_ref()?;
    let syn::Type::Path(tp) = &*q.ty else {
        return None;
    };
    let ty = tp.path.get_ident()?;
    let f = fp.path.segments.last()?;
    if q.position + 1 != fp.path.segments.len() || !matches!(f.arguments, syn::PathArguments::None)
    {
        return None;
    }
    let f = &f.ident;
    Some(syn::parse_quote_spanned!(fp.span()=> #ty::#f))
}

/// `X::from_f64` / `X::from_usize` / `X::from_f32` with one argument, `X` one identifier (a float
/// type or a generic parameter): the target type and the function's name.
fn conversion_call(fp: &syn::ExprPath, nargs: usize) -> Option<(syn::Type, proc_macro2::Ident)> {
    let segs = &fp.path.segments;
    if nargs != 1 || segs.len() != 2 || fp.qself.is_some() {
        return None;
    }
    let (ty, f) = (&segs[0], &segs[1]);
    if !matches!(ty.arguments, syn::PathArguments::None)
        || !matches!(
            f.ident.to_string().as_str(),
            "from_f64" | "from_usize" | "from_f32"
        )
    {
        return None;
    }
    let t = &ty.ident;
    Some((syn::parse_quote!(#t), f.ident.clone()))
}

/// The method-call form of a path call: `f64::sqrt(x)` / `T::sqrt(x)` / `f32::max(a, b)` (a
/// float method the macro knows, through a float type or a generic parameter) is `x.sqrt()` /
/// `a.max(b)`; `Vec::from(v)` is `v.to_vec()`.
fn method_form(
    fp: &syn::ExprPath,
    args: &syn::punctuated::Punctuated<Expr, syn::Token![,]>,
) -> Option<syn::ExprMethodCall> {
    let segs: Vec<&syn::PathSegment> = fp.path.segments.iter().collect();
    if fp.qself.is_some() || segs.len() != 2 || args.is_empty() {
        return None;
    }
    let (ty, method) = (segs[0].ident.to_string(), &segs[1].ident);
    let name = method.to_string();
    let float_like = ty == "f32"
        || ty == "f64"
        || ty == "Real"
        || (ty.len() <= 2 && ty.chars().next().is_some_and(|c| c.is_ascii_uppercase()));
    let method = if ty == "Vec" && name == "from" && args.len() == 1 {
        proc_macro2::Ident::new("to_vec", method.span())
    } else if float_like
        && (methods::rule(&name).is_some_and(|r| r.args + 1 == args.len())
            || (methods::is_constant_method(&name) && args.len() == 1)
            || matches!(name.as_str(), "sin_cos" | "clone") && args.len() == 1)
    {
        method.clone()
    } else {
        return None;
    };
    let receiver = args[0].clone();
    let rest: syn::punctuated::Punctuated<Expr, syn::Token![,]> =
        args.iter().skip(1).cloned().collect();
    Some(syn::ExprMethodCall {
        attrs: Vec::new(),
        receiver: Box::new(syn::parse_quote! { (#receiver) }),
        dot_token: Default::default(),
        method,
        turbofish: None,
        paren_token: Default::default(),
        args: rest,
    })
}

/// An element read `a[i]` (`a.f[i + 1]`, `m[(i, j)]`) whose base and index are names, literals,
/// fields and arithmetic on them: reading it twice in a row gives the same value.
fn is_element_read(e: &Expr) -> bool {
    fn pure(e: &Expr) -> bool {
        match e {
            Expr::Path(_) | Expr::Lit(_) => true,
            Expr::Paren(p) => pure(&p.expr),
            Expr::Group(g) => pure(&g.expr),
            Expr::Field(f) => pure(&f.base),
            Expr::Index(i) => pure(&i.expr) && pure(&i.index),
            Expr::Tuple(t) => t.elems.iter().all(pure),
            Expr::Binary(b) => arith_op(&b.op).is_some() && pure(&b.left) && pure(&b.right),
            Expr::Unary(u) => matches!(u.op, UnOp::Neg(_)) && pure(&u.expr),
            _ => false,
        }
    }
    match e {
        Expr::Paren(p) => is_element_read(&p.expr),
        Expr::Group(g) => is_element_read(&g.expr),
        Expr::Index(_) => pure(e),
        _ => false,
    }
}
