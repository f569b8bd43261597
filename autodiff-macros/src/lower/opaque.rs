//! Code passed through as written: macro calls, statements run for their effect, calls that
//! change a variable in place, names bound by patterns. Each is recorded with the variables it
//! names; [`crate::soundness`] refuses it when one of them carries a derivative, so no fallback
//! evaluates differentiable code silently.

use super::*;

/// Std macros that only read their arguments (formatting, assertions, panics) or name no value:
/// they run in the forward sweep as written.
pub(super) fn is_read_only_macro(name: &str) -> bool {
    matches!(
        name,
        "println"
            | "print"
            | "eprintln"
            | "eprint"
            | "format"
            | "format_args"
            | "write"
            | "writeln"
            | "assert"
            | "assert_eq"
            | "assert_ne"
            | "debug_assert"
            | "debug_assert_eq"
            | "debug_assert_ne"
            | "panic"
            | "unreachable"
            | "todo"
            | "unimplemented"
            | "matches"
            | "cfg"
            | "stringify"
            | "concat"
            | "line"
            | "column"
            | "file"
            | "module_path"
            | "env"
            | "option_env"
            | "include_str"
            | "include_bytes"
    )
}

/// Methods of std and nalgebra containers that change their receiver in place.
pub(crate) fn is_mutating_method(name: &str) -> bool {
    matches!(
        name,
        "push"
            | "pop"
            | "insert"
            | "remove"
            | "swap_remove"
            | "swap"
            | "reverse"
            | "fill"
            | "fill_with"
            | "truncate"
            | "clear"
            | "extend"
            | "extend_from_slice"
            | "append"
            | "drain"
            | "retain"
            | "retain_mut"
            | "dedup"
            | "dedup_by"
            | "dedup_by_key"
            | "resize"
            | "resize_with"
            | "split_off"
            | "sort"
            | "sort_by"
            | "sort_by_key"
            | "sort_unstable"
            | "sort_unstable_by"
            | "sort_unstable_by_key"
            | "rotate_left"
            | "rotate_right"
            | "copy_from_slice"
            | "clone_from_slice"
            | "clone_from"
            | "copy_from"
            | "iter_mut"
            | "get_mut"
            | "first_mut"
            | "last_mut"
            | "as_mut_slice"
            | "swap_rows"
            | "swap_columns"
            | "transpose_mut"
            | "fill_diagonal"
            | "fill_row"
            | "fill_column"
            | "set_diagonal"
            | "set_row"
            | "set_column"
            | "scale_mut"
            | "neg_mut"
            | "normalize_mut"
            | "get_or_insert"
            | "insert_row"
            | "insert_column"
    )
}

/// The last segment of a macro's path (`std::println` is `println`).
pub(super) fn macro_name(mac: &syn::Macro) -> String {
    mac.path
        .segments
        .last()
        .map(|s| s.ident.to_string())
        .unwrap_or_default()
}

const MACRO_HINT: &str = "#[differentiable] cannot see inside a macro call; write the expression \
     out, or move it into a #[differentiable] fn (only `dbg!`, `vec!` and std's formatting, assert \
     and panic macros are followed)";

const MUTATION_HINT: &str = "the in-place operations the macro differentiates, on a local \
     variable, are assignment, `op=`, index writes, `push`, `pop`, `insert`, `remove`, \
     `swap_remove`, `swap`, `reverse`, `fill`, `truncate`, `clear`, `extend_from_slice`, \
     `swap_rows`, `swap_columns`, `transpose_mut`, `clone_from` and `std::mem::swap`; write the \
     operation with those, or keep the value out of the derivative with `stop_gradient(..)`";

pub(super) const EFFECT_HINT: &str = "a call run as written may keep a value it is passed (in a `Cell`, \
     a `Vec`, an `Option`) and give it back later without its derivative; use the in-place \
     operations the macro differentiates (index writes, `push`, `insert`, `fill`, \
     `extend_from_slice`), return the value from a #[differentiable] function, or pass a \
     constant copy: `let c = stop_gradient(x);`";

const ASSIGN_HINT: &str = "the macro differentiates assignments written as statements; make it a \
     statement before the expression (`s = s * s; if s > 1.0 { .. }`), and write a loop that runs \
     its body before testing, `while { body; cond } {}`, as `loop { body; if !cond { break; } }`";

/// Whether a method called in code run as written may change its receiver: any method but the
/// float methods with a derivative rule, the constant queries and a few read-only accessors
/// (an unknown method may take `&mut self`).
pub(crate) fn may_change_receiver(name: &str) -> bool {
    let read_only = matches!(
        name,
        "iter"
            | "get"
            | "first"
            | "last"
            | "copied"
            | "cloned"
            | "clone"
            | "contains"
            | "is_some"
            | "is_none"
            | "is_ok"
            | "is_err"
            | "unwrap"
            | "unwrap_or"
            | "expect"
            | "as_slice"
            | "as_ref"
            | "to_vec"
            | "to_owned"
            | "sum"
            | "product"
            | "dot"
            | "norm"
            | "norm_squared"
    );
    is_mutating_method(name)
        || !(read_only || methods::is_constant_method(name) || methods::rule(name).is_some())
}

/// The expression arguments of a std macro (`assert!(c, "..", a)`, `println!("..", a)`), or its
/// leading expression when the rest is not one (`matches!(e, pattern)`).
fn macro_args(mac: &syn::Macro) -> Vec<Expr> {
    use syn::parse::Parser;
    use syn::punctuated::Punctuated;
    let all = Punctuated::<Expr, syn::Token![,]>::parse_terminated;
    if let Ok(args) = all.parse2(mac.tokens.clone()) {
        return args.into_iter().collect();
    }
    let first = |input: syn::parse::ParseStream| {
        let e: Expr = input.parse()?;
        let _: TokenStream = input.parse()?;
        Ok(e)
    };
    first.parse2(mac.tokens.clone()).into_iter().collect()
}

/// `+=`, `-=`, `*=`, ... (syn keeps compound assignment as a binary operator).
pub(super) fn is_compound_assign(op: &syn::BinOp) -> bool {
    use syn::BinOp::*;
    matches!(
        op,
        AddAssign(_)
            | SubAssign(_)
            | MulAssign(_)
            | DivAssign(_)
            | RemAssign(_)
            | BitXorAssign(_)
            | BitAndAssign(_)
            | BitOrAssign(_)
            | ShlAssign(_)
            | ShrAssign(_)
    )
}

/// Single-segment paths named in `e` (candidates for locals).
pub(super) fn path_idents(e: &Expr) -> Vec<String> {
    struct Names(Vec<String>);
    impl<'ast> syn::visit::Visit<'ast> for Names {
        fn visit_expr_path(&mut self, p: &'ast syn::ExprPath) {
            if let Some(i) = p.path.get_ident() {
                self.0.push(i.to_string());
            }
        }
    }
    let mut n = Names(Vec::new());
    syn::visit::Visit::visit_expr(&mut n, e);
    n.0
}

/// The names a `let` pattern binds (without `r#`).
pub(super) fn pat_idents(p: &syn::Pat) -> Vec<String> {
    struct Names(Vec<String>);
    impl<'ast> syn::visit::Visit<'ast> for Names {
        fn visit_pat_ident(&mut self, p: &'ast syn::PatIdent) {
            let s = p.ident.to_string();
            self.0
                .push(s.strip_prefix("r#").map(str::to_string).unwrap_or(s));
            syn::visit::visit_pat_ident(self, p);
        }
    }
    let mut n = Names(Vec::new());
    syn::visit::Visit::visit_pat(&mut n, p);
    n.0
}

const STATEMENT_HINT: &str = "the macro differentiates `let`, assignments, `op=`, index writes, \
     `push`, calls whose value is used, and control flow; write the computation with those";

const PATTERN_HINT: &str = "names a pattern binds from a value that carries a derivative are \
     differentiated when the pattern is made of lowercase names, tuples, `_`, literals, `None` and \
     `Some(p)` (the `Option` held in a local variable; an uppercase name may be a constant, which \
     the macro cannot tell); bind the value with `let` and match it with such a pattern (test \
     values in a guard `Some(v) if ..`), or match on a value without a derivative";

impl Lowerer {
    /// The scrutinee of `if let`, `while let` or `match`, run as written; the names its patterns
    /// bind (`bound`) are constants, so it is recorded when they come from a variable.
    pub(super) fn record_scrutinee(&mut self, scrut: &Expr, pats: TokenStream, binds: bool) {
        self.record_hidden(scrut);
        if binds {
            let vars = self.vars_in(scrut);
            self.record_opaque(
                vars,
                pats,
                "the names this pattern binds".into(),
                PATTERN_HINT,
            );
        }
    }

    /// Local variables named in a token stream (any identifier resolving to a local in scope).
    pub(super) fn vars_in_tokens(&self, ts: TokenStream) -> Vec<VarId> {
        let mut out = Vec::new();
        let mut stack = vec![ts];
        while let Some(ts) = stack.pop() {
            for tt in ts {
                match tt {
                    proc_macro2::TokenTree::Ident(i) => {
                        if let Some(v) = self.lookup(&i.to_string()) {
                            out.push(v);
                        }
                    }
                    proc_macro2::TokenTree::Group(g) => stack.push(g.stream()),
                    _ => {}
                }
            }
        }
        out
    }

    /// Records code passed through as written with the variables it names.
    pub(super) fn record_opaque(
        &mut self,
        vars: Vec<VarId>,
        tokens: TokenStream,
        what: String,
        hint: &'static str,
    ) {
        if !vars.is_empty() {
            self.opaque_uses.push(OpaqueUse {
                vars,
                tokens,
                what,
                hint,
            });
        }
    }

    /// A macro call run as written: std's read-only macros are free to name any value; any
    /// other macro naming a variable is recorded.
    pub(super) fn record_macro(&mut self, mac: &syn::Macro) {
        let name = macro_name(mac);
        if name == "dbg" {
            return;
        }
        if is_read_only_macro(&name) {
            // Free to read any value, but an assignment in an argument is run unseen.
            let args = macro_args(mac);
            for e in &args {
                self.record_hidden(e);
            }
            // Text that comes back as a value must not hold a varied value exactly.
            self.record_text_macro(mac, &name, &args);
            return;
        }
        let vars = self.vars_in_tokens(mac.tokens.clone());
        // It may change what it names: none of those is recomputed in the reverse sweep.
        vars.iter().for_each(|v| self.mark_assigned(*v));
        self.record_opaque(
            vars,
            mac.to_token_stream(),
            format!("the macro `{name}!`"),
            MACRO_HINT,
        );
    }

    /// Records what inside an expression run as written could change or hide a derivative:
    /// assignments (`=` and `op=`, in a block of a condition or scrutinee), calls of in-place
    /// methods, `&mut` borrows and macro calls.
    pub(super) fn record_hidden(&mut self, e: &Expr) {
        /// The lowerer, the `let`s of the expression with what they are computed from, and every
        /// name a pattern of the expression binds.
        struct Scan<'a>(&'a mut Lowerer, Vec<(String, Vec<VarId>)>, Vec<String>);
        impl Scan<'_> {
            /// The variables `e` names, directly or through a `let` of the expression itself.
            fn sources(&self, e: &Expr) -> Vec<VarId> {
                let mut vars = self.0.vars_in(e);
                for name in path_idents(e) {
                    if let Some((_, from)) = self.1.iter().rev().find(|(n, _)| *n == name) {
                        vars.extend(from.iter().copied());
                    }
                }
                vars
            }
            /// `left = right` or `left op= right` run as written: refused when either side
            /// carries a derivative (the lowering never sees the assignment).
            fn assignment(&mut self, left: &Expr, right: &Expr, whole: TokenStream) {
                self.changes(left);
                let mut vars = self.sources(left);
                vars.extend(self.sources(right));
                self.0.record_opaque(
                    vars,
                    whole,
                    "an assignment inside an expression run as written (a condition, comparison, integer cast, range bound, `match` scrutinee or macro argument)".into(),
                    ASSIGN_HINT,
                );
            }
            /// The variables `e` names may change here, unseen by the lowering: none of them is
            /// taken as unchanged (recomputed from its definition) in the reverse sweep, so an
            /// integer counter bumped in a condition or through `&mut` is recorded where read.
            fn changes(&mut self, e: &Expr) {
                // Only the variable the place names (`c`, `v[i]`'s `v`, `p.x`'s `p`): a temporary
                // receiver (`(0..c.len()).rev()`) changes nothing.
                if let Some(v) = order::place_base(e).and_then(|n| self.0.lookup(&n)) {
                    self.0.mark_assigned(v);
                }
            }
        }
        impl<'ast> syn::visit::Visit<'ast> for Scan<'_> {
            fn visit_local(&mut self, l: &'ast syn::Local) {
                if let Some(init) = &l.init {
                    let from = self.sources(&init.expr);
                    for name in pat_idents(&l.pat) {
                        self.1.push((name, from.clone()));
                    }
                }
                syn::visit::visit_local(self, l);
            }
            fn visit_expr_assign(&mut self, a: &'ast syn::ExprAssign) {
                self.assignment(&a.left, &a.right, a.to_token_stream());
                syn::visit::visit_expr_assign(self, a);
            }
            fn visit_expr_binary(&mut self, b: &'ast syn::ExprBinary) {
                if is_compound_assign(&b.op) {
                    self.assignment(&b.left, &b.right, b.to_token_stream());
                }
                syn::visit::visit_expr_binary(self, b);
            }
            fn visit_pat_ident(&mut self, p: &'ast syn::PatIdent) {
                self.2.push(p.ident.to_string());
                syn::visit::visit_pat_ident(self, p);
            }
            fn visit_expr_method_call(&mut self, m: &'ast syn::ExprMethodCall) {
                let name = m.method.to_string();
                if may_change_receiver(&name) {
                    self.changes(&m.receiver);
                    let inner = self.2.clone();
                    if !is_mutating_method(&name) {
                        self.0.shared_receiver(m, &inner);
                    }
                    // The receiver may keep an argument that carries a derivative.
                    self.0.kept_arguments(m, &inner);
                }
                if super::encodings::is_exact_encoding_method(&name) && m.args.is_empty() {
                    self.0.record_exact_encoding(&m.receiver, &m.method);
                }
                if is_mutating_method(&name) {
                    let vars = self.0.vars_in(&m.receiver);
                    self.0.record_opaque(
                        vars,
                        m.to_token_stream(),
                        format!("`.{name}(..)` here"),
                        MUTATION_HINT,
                    );
                }
                syn::visit::visit_expr_method_call(self, m);
            }
            fn visit_expr_reference(&mut self, r: &'ast syn::ExprReference) {
                if r.mutability.is_some() {
                    self.changes(&r.expr);
                    let vars = self.0.vars_in(&r.expr);
                    self.0.record_opaque(
                        vars,
                        r.to_token_stream(),
                        "this `&mut` borrow".into(),
                        MUTATION_HINT,
                    );
                }
                syn::visit::visit_expr_reference(self, r);
            }
            fn visit_macro(&mut self, m: &'ast syn::Macro) {
                self.0.record_macro(m);
            }
            fn visit_stmt(&mut self, st: &'ast syn::Stmt) {
                // A statement inside a block of code run as written (`if { c.set(x); true }`).
                match st {
                    syn::Stmt::Expr(e, Some(_)) => self.0.record_effect_call(e),
                    syn::Stmt::Local(l) if matches!(l.pat, Pat::Wild(_)) => {
                        if let Some(init) = &l.init {
                            self.0.record_effect_call(&init.expr);
                        }
                    }
                    _ => {}
                }
                syn::visit::visit_stmt(self, st);
            }
            fn visit_expr_call(&mut self, c: &'ast syn::ExprCall) {
                // `f64::to_bits(x)`, `ToString::to_string(&x)`.
                if let (Expr::Path(p), [arg]) = (&*c.func, &c.args.iter().collect::<Vec<_>>()[..]) {
                    if let Some(last) = p.path.segments.last() {
                        if super::encodings::is_exact_encoding_method(&last.ident.to_string()) {
                            self.0.record_exact_encoding(arg, &last.ident);
                        }
                    }
                }
                syn::visit::visit_expr_call(self, c);
            }
        }
        syn::visit::Visit::visit_expr(&mut Scan(self, Vec::new(), Vec::new()), e);
    }

    /// An expression statement the lowering does not differentiate, run for its effect. A call
    /// by value or through `&` cannot change a variable; a method call may (through auto-ref), so
    /// its receiver is recorded unless the method is a known query.
    pub(super) fn record_statement(&mut self, e: &Expr) {
        // The statement's own call first: its error names it as run for its effect.
        self.record_effect_call(e);
        self.record_hidden(e);
        if let Expr::MethodCall(m) = peel(e) {
            if !methods::is_constant_method(&m.method.to_string()) {
                let vars = self.vars_in(&m.receiver);
                self.record_opaque(
                    vars,
                    e.to_token_stream(),
                    "this statement".into(),
                    STATEMENT_HINT,
                );
            }
        }
    }
}

impl Lowerer {
    /// A call run for its effect (a statement, `let _ = ..`): an argument that carries a
    /// derivative may be kept by the callee (`c.set(x)` on a `Cell`, `v.resize(n, x)`,
    /// `stash(&c, x)`, `o.insert(x)`) and handed back later as a constant, so it is refused.
    /// The methods the macro reads as queries (`len`, `partial_cmp`, ..) and float rules are
    /// exempt: they keep nothing.
    pub(super) fn record_effect_call(&mut self, e: &Expr) {
        let (what, args): (String, Vec<&Expr>) = match peel(e) {
            Expr::MethodCall(m) => {
                let name = m.method.to_string();
                if methods::is_constant_method(&name) || methods::rule(&name).is_some() {
                    return;
                }
                (
                    format!("`.{name}(..)` run for its effect"),
                    m.args.iter().collect(),
                )
            }
            Expr::Call(c) => (
                format!("`{}(..)` run for its effect", c.func.to_token_stream()),
                c.args.iter().collect(),
            ),
            _ => return,
        };
        let vars: Vec<VarId> = args.iter().flat_map(|a| self.vars_in(a)).collect();
        self.record_opaque(vars, e.to_token_stream(), what, EFFECT_HINT);
    }

    /// The local variables of a condition made only of names of locals, literals, operators,
    /// parentheses and calls of numeric methods without effects (`i > 0`, `i + 1 < n`,
    /// `v > 0.0 && w <= v`, `r.abs() <= delta`, `(x - c).powi(2) < t`; see
    /// [`pure_cond_method`]): evaluating it has no effect and its value depends on those
    /// variables only. `None` for anything else (a call, another method, a field, a path, an
    /// assignment).
    pub(super) fn pure_cond_vars(&self, ts: TokenStream) -> Option<Vec<VarId>> {
        use proc_macro2::{Delimiter, TokenTree};
        let mut out = Vec::new();
        let mut stack = vec![ts];
        while let Some(ts) = stack.pop() {
            // The previous token, when it was a joint `=`, `<`, `>` or `!` (so `=` ends `==`, `<=`,
            // `>=` or `!=`).
            let mut comparison_head = false;
            let mut tokens = ts.into_iter().peekable();
            while let Some(tt) = tokens.next() {
                let mut head = false;
                match tt {
                    // `.name(args)`: the method's name, then its arguments like any operand
                    TokenTree::Punct(p) if p.as_char() == '.' => {
                        let Some(TokenTree::Ident(m)) = tokens.next() else {
                            return None;
                        };
                        if !pure_cond_method(&m.to_string()) {
                            return None;
                        }
                        match tokens.peek() {
                            Some(TokenTree::Group(g))
                                if g.delimiter() == Delimiter::Parenthesis => {}
                            _ => return None,
                        }
                    }
                    TokenTree::Ident(i) if i == "true" || i == "false" => {}
                    TokenTree::Ident(i) => {
                        let v = self.lookup(&i.to_string())?;
                        if !out.contains(&v) {
                            out.push(v);
                        }
                    }
                    TokenTree::Literal(_) => {}
                    TokenTree::Group(g) => {
                        if g.delimiter() != Delimiter::Parenthesis {
                            return None;
                        }
                        stack.push(g.stream());
                    }
                    TokenTree::Punct(p) => match p.as_char() {
                        '=' if comparison_head => {}
                        '=' if p.spacing() == proc_macro2::Spacing::Joint => head = true,
                        '=' | '.' | ':' | ';' | ',' | '#' | '$' | '?' | '@' | '\'' | '~' => {
                            return None;
                        }
                        c => {
                            head = matches!(c, '=' | '<' | '>' | '!')
                                && p.spacing() == proc_macro2::Spacing::Joint;
                        }
                    },
                }
                comparison_head = head;
            }
        }
        Some(out)
    }
}

/// A method a condition may call and still be evaluated again in the reverse sweep: the
/// numeric methods with a derivative rule (`abs`, `sqrt`, `powi`, `max`, ..), the piecewise
/// constant ones (`floor`, `signum`, ..) and the float predicates (`is_nan`, ..), none of which
/// has an effect or reads anything but its receiver and arguments.
fn pure_cond_method(name: &str) -> bool {
    methods::rule(name).is_some()
        || methods::is_piecewise_float_method(name)
        || matches!(
            name,
            "is_nan" | "is_finite" | "is_infinite" | "is_sign_positive" | "is_sign_negative"
        )
}
