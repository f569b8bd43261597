//! Lowering: the function body (syn AST) into the AD IR of [`crate::ir`].
//!
//! Differentiable expressions become one operation per statement on atoms; everything that cannot
//! carry a derivative (comparisons, integer casts, `len()`, `stop_gradient(..)`, macros) stays as
//! written. Constructs the macro cannot differentiate are refused here with a spanned error.

mod adapters;
mod bindings;
mod branches;
mod calls;
mod counted_while;
mod encodings;
mod expr;
mod fences;
mod hoist;
mod inplace;
mod items;
mod loop_writes;
mod loops;
pub use loops::{has_plain_len, is_keyed_type};
mod opaque;
pub(crate) use encodings::format_captures;
pub(crate) use expr::is_operand_check;
pub(crate) use opaque::{is_mutating_method, may_change_receiver};
pub(crate) use push_index::trip;
mod options;
mod order;
mod places;
mod push_index;
mod range_vars;
pub(crate) use range_vars::RangeKind;
mod ranges;
mod receivers;
mod refs;
mod reuse;
mod structs;
mod views;

use proc_macro2::{Span, TokenStream};
use quote::{ToTokens, quote};
use syn::spanned::Spanned;
use syn::{BinOp as SynBinOp, Expr, Pat, Stmt as SynStmt, UnOp};

use crate::ir::*;
use crate::methods;
use crate::naming;

use expr::{check_supported, compound_op};
use refs::mark_refs;

/// The expressions of a macro whose input is expressions (`vec![a, b]`, `vec![e; n]`,
/// `assert!(x > 0.0)`, `println!("{}", y)`), each passed to `visit` and written back; the
/// tokens of other macros are left alone.
pub(crate) fn visit_macro_exprs(mac: &mut syn::Macro, mut visit: impl FnMut(&mut Expr)) {
    use syn::parse::Parser;
    if mac.path.is_ident("vec") {
        let repeat = |input: syn::parse::ParseStream| -> syn::Result<(Expr, Expr)> {
            let e: Expr = input.parse()?;
            input.parse::<syn::Token![;]>()?;
            let n: Expr = input.parse()?;
            Ok((e, n))
        };
        if let Ok((mut e, mut n)) = repeat.parse2(mac.tokens.clone()) {
            visit(&mut e);
            visit(&mut n);
            mac.tokens = quote! { #e; #n };
            return;
        }
    }
    let list = syn::punctuated::Punctuated::<Expr, syn::Token![,]>::parse_terminated;
    if let Ok(mut items) = list.parse2(mac.tokens.clone()) {
        items.iter_mut().for_each(&mut visit);
        mac.tokens = items.to_token_stream();
    }
}

/// Why lowering of an expression stopped.
pub enum Stop {
    Err(syn::Error),
    /// Control left the expression (`return`, `break`, `continue`): the rest is unreachable.
    Diverged,
}

impl From<syn::Error> for Stop {
    fn from(e: syn::Error) -> Self {
        Stop::Err(e)
    }
}

type R<T> = Result<T, Stop>;

fn refuse<T>(span: Span, msg: impl std::fmt::Display) -> R<T> {
    Err(Stop::Err(syn::Error::new(span, msg)))
}

/// An error covering every token of `node` (on stable, a single span covers only one token).
fn refuse_at<T>(node: &impl ToTokens, msg: impl std::fmt::Display) -> R<T> {
    Err(Stop::Err(syn::Error::new_spanned(node, msg)))
}

/// A parameter of the function being lowered.
pub struct ParamIn {
    pub ident: proc_macro2::Ident,
    /// The parameter's type is a reference.
    pub is_ref: bool,
    /// Bound without `mut`: its value is the same for the whole call.
    pub fixed: bool,
    /// Bound without `mut` and a slice, `Vec` or array (or a shared reference to one): its length
    /// is the same for the whole call.
    pub fixed_len: bool,
    /// The parameter's type is a range (`Range<usize>`, `RangeInclusive<usize>`, ...): indexing
    /// by it is written out with its bounds (see `range_vars`).
    pub range: Option<RangeKind>,
    /// The parameter's type is a map or set (`HashMap`, `BTreeMap`, `HashSet`, `BTreeSet`, or a
    /// reference to one): a loop over it is not read by index.
    pub keyed: bool,
}

struct LoopCtx {
    id: LoopId,
    result: Option<VarId>,
}

/// The lowering state.
pub struct Lowerer {
    vars: Vec<Var>,
    loops: Vec<LoopInfo>,
    scopes: Vec<Vec<(String, VarId)>>,
    loop_stack: Vec<LoopCtx>,
    ntemps: usize,
    iter_uses: Vec<(Vec<VarId>, TokenStream)>,
    opaque_uses: Vec<OpaqueUse>,
    ret: VarId,
    /// Variables known while lowering to hold references (`&T` parameters, hoisted borrows).
    ref_vars: std::collections::HashSet<VarId>,
    /// Items (`const`, `fn`, `use`) declared in the body, hoisted to the top of generated functions.
    pub items: Vec<TokenStream>,
    /// Names bound once per call without `mut` (parameters, `let`s outside every loop): their
    /// values do not change during the call.
    fixed: std::collections::HashSet<VarId>,
    /// Parameters whose length does not change during the call ([`ParamIn::fixed_len`]).
    fixed_len: std::collections::HashSet<VarId>,
    /// A statement macro that may bind names the lowering does not see (`m!(k)` expanding to
    /// `let k = ..;`).
    binding_macro: bool,
    /// Names that `fn` and `use` items of the body give to functions (see `items`).
    local_fns: std::collections::HashSet<String>,
    /// Checks of code run as written inside the statement being lowered, placed before it
    /// (see `receivers`).
    probes: Vec<Stmt>,
    /// The temporaries the lowering made (see `hoist`).
    temps: std::collections::HashSet<VarId>,
    /// The parameters are variables `0..n_params`.
    n_params: VarId,
    /// See [`Func::row_indices`].
    row_indices: std::collections::HashMap<VarId, (Atom, Atom)>,
    /// The user's `w[i][j]` of each `At2(i, j)` temporary, for errors.
    row_spans: std::collections::HashMap<VarId, TokenStream>,
    /// Parameters that are maps or sets ([`ParamIn::keyed`]).
    keyed: std::collections::HashSet<VarId>,
    /// What `push`, `insert`, `fill` and `extend_from_slice` store into a `Vec`, the method and
    /// the user's tokens (see `refs::pushed_refs`).
    pushed: Vec<(refs::Stored, &'static str, TokenStream)>,
}

/// Lowers a function body; returns the IR and the param var ids (in order).
pub fn lower_fn(
    params: &[ParamIn],
    body: &syn::Block,
) -> Result<(Func, Vec<VarId>, Vec<TokenStream>), syn::Error> {
    let mut lw = Lowerer {
        vars: Vec::new(),
        loops: Vec::new(),
        scopes: vec![Vec::new()],
        loop_stack: Vec::new(),
        ntemps: 0,
        iter_uses: Vec::new(),
        opaque_uses: Vec::new(),
        ret: 0,
        items: Vec::new(),
        ref_vars: std::collections::HashSet::new(),
        fixed: std::collections::HashSet::new(),
        fixed_len: std::collections::HashSet::new(),
        binding_macro: false,
        probes: Vec::new(),
        temps: std::collections::HashSet::new(),
        n_params: params.len(),
        row_indices: std::collections::HashMap::new(),
        row_spans: std::collections::HashMap::new(),
        pushed: Vec::new(),
        keyed: std::collections::HashSet::new(),
        local_fns: items::check(
            body,
            &params
                .iter()
                .map(|p| p.ident.to_string())
                .collect::<Vec<_>>(),
        )?,
    };
    let mut ids = Vec::new();
    for p in params {
        let v = lw.new_var(p.ident.clone());
        lw.bind(&p.ident.to_string(), v);
        if p.is_ref {
            lw.ref_vars.insert(v);
        }
        if p.fixed {
            lw.fixed.insert(v);
        }
        if p.fixed_len {
            lw.fixed_len.insert(v);
        }
        if p.keyed {
            lw.keyed.insert(v);
        }
        ids.push(v);
    }
    lw.ret = lw.new_var(naming::fixed("__ret"));
    let ret = lw.ret;
    let mut body = body.clone();
    order::snapshot_operands(&mut body);
    hoist::rebind_params_given_ranges(&mut body, params);
    range_vars::write_out_range_indices(&mut body, params);
    let (block, _) = lw.lower_block(&body.stmts, Some(ret))?;
    if lw.binding_macro {
        // A name in a range bound may be one the macro bound: no count is known to repeat.
        lw.loops.iter_mut().for_each(|l| {
            l.const_trips = false;
            l.fixed_end = None;
        });
    }
    let mut func = Func {
        vars: lw.vars,
        loops: lw.loops,
        body: block,
        ret,
        iter_uses: lw.iter_uses,
        opaque_uses: lw.opaque_uses,
        row_indices: lw.row_indices,
        rerun_ok: false,
    };
    hoist::hoist_borrowed_temps(&mut func, &lw.temps);
    reuse::reuse_reads(&mut func);
    push_index::pushes_at_index(&mut func);
    mark_refs(&mut func, &ids, params);
    refs::refuse_rows_of_refs(&func, &lw.row_spans)?;
    refs::pushed_refs(&mut func, lw.pushed);
    Ok((func, ids, lw.items))
}

impl Lowerer {
    fn new_var(&mut self, ident: proc_macro2::Ident) -> VarId {
        self.vars.push(Var {
            ident,
            reassigned: false,
            is_ref: false,
            borrows_param: false,
        });
        self.vars.len() - 1
    }

    fn temp(&mut self) -> VarId {
        self.ntemps += 1;
        let t = self.new_var(naming::temp(self.ntemps));
        self.temps.insert(t);
        t
    }

    /// `let t = rhs;` for a new temporary `t`.
    fn let_temp(&mut self, rhs: Rhs, out: &mut Vec<Stmt>) -> VarId {
        let t = self.temp();
        out.push(Stmt::Let {
            var: t,
            mutable: false,
            ty: None,
            init: Some(rhs),
        });
        t
    }

    /// [`let_temp`](Self::let_temp) at position `at` of `out` (before statements already
    /// lowered after it).
    fn let_temp_before(&mut self, rhs: Rhs, out: &mut Vec<Stmt>, at: usize) -> VarId {
        let t = self.temp();
        out.insert(
            at,
            Stmt::Let {
                var: t,
                mutable: false,
                ty: None,
                init: Some(rhs),
            },
        );
        t
    }

    /// Binds `name` (`r#a` and `a` are one name, as to rustc).
    fn bind(&mut self, name: &str, v: VarId) {
        let name = name.strip_prefix("r#").unwrap_or(name);
        self.scopes
            .last_mut()
            .expect("a scope")
            .push((name.to_string(), v));
    }

    /// The variable `name` refers to (`r#a` and `a` are one name, as to rustc).
    fn lookup(&self, name: &str) -> Option<VarId> {
        let name = name.strip_prefix("r#").unwrap_or(name);
        self.scopes
            .iter()
            .rev()
            .flat_map(|s| s.iter().rev())
            .find(|(n, _)| n == name)
            .map(|(_, v)| *v)
    }

    fn mark_assigned(&mut self, v: VarId) {
        self.vars[v].reassigned = true;
    }

    /// Lowers a statement list in a new scope. `result`: where the tail expression goes.
    /// Returns the block and whether it always diverges.
    fn lower_block(
        &mut self,
        stmts: &[SynStmt],
        result: Option<VarId>,
    ) -> Result<(Block, bool), syn::Error> {
        self.scopes.push(Vec::new());
        let mut out = Vec::new();
        let mut diverged = false;
        for (i, st) in stmts.iter().enumerate() {
            let is_tail = i + 1 == stmts.len();
            let outer_probes = std::mem::take(&mut self.probes);
            let at = out.len();
            let r = match st {
                SynStmt::Expr(e, None) if is_tail && result.is_some() => {
                    self.lower_into(e, result.expect("checked"), &mut out)
                }
                _ => self.lower_stmt(st, &mut out),
            };
            let probes = std::mem::replace(&mut self.probes, outer_probes);
            out.splice(at..at, probes);
            match r {
                Ok(()) => {}
                Err(Stop::Diverged) => {
                    diverged = true;
                    break;
                }
                Err(Stop::Err(e)) => {
                    self.scopes.pop();
                    return Err(e);
                }
            }
        }
        self.scopes.pop();
        Ok((Block { stmts: out }, diverged))
    }

    /// Lowers `e` and assigns its value to `target`.
    fn lower_into(&mut self, e: &Expr, target: VarId, out: &mut Vec<Stmt>) -> R<()> {
        let rhs = self.lower_rhs(e, out)?;
        self.mark_assigned(target);
        out.push(Stmt::Assign { var: target, rhs });
        Ok(())
    }

    fn lower_stmt(&mut self, st: &SynStmt, out: &mut Vec<Stmt>) -> R<()> {
        match st {
            SynStmt::Local(local) => self.lower_local(local, out),
            SynStmt::Item(item) => {
                match item {
                    syn::Item::Const(_)
                    | syn::Item::Fn(_)
                    | syn::Item::Use(_)
                    | syn::Item::Static(_) => self.items.push(item.to_token_stream()),
                    other => {
                        return refuse_at(
                            &other,
                            "this item is not supported inside a #[differentiable] function; move it outside the function",
                        );
                    }
                }
                Ok(())
            }
            SynStmt::Macro(m) => {
                self.binding_macro |= !loops::binds_nothing(&m.mac);
                self.record_macro(&m.mac);
                let stmt = m.to_token_stream();
                out.extend(self.fence_probe(&stmt)?);
                out.push(Stmt::Effect(stmt));
                Ok(())
            }
            SynStmt::Expr(e, _) => self.lower_expr_stmt(e, out),
        }
    }
}

fn stop_err(s: Stop) -> syn::Error {
    match s {
        Stop::Err(e) => e,
        Stop::Diverged => syn::Error::new(
            Span::call_site(),
            "#[differentiable]: unexpected divergence",
        ),
    }
}

/// A check that only the compiler runs: `body` placed after a `break`, where rustc type-checks
/// it (and borrow-checks the closures in it) but nothing runs and nothing counts as moved, so a
/// check may name any expression of the user's (`integer_receiver(&make(v))`) without taking it.
pub(super) fn never_run(body: TokenStream) -> Stmt {
    Stmt::Effect(quote! {
        #[allow(unreachable_code, unused_labels, clippy::never_loop)]
        loop {
            break;
            #body
        }
    })
}

/// Whether tokens after a name are `.len()` or `.is_empty()`: a count, which keeps no borrow and
/// changes nothing.
pub(crate) fn counted(after: &[proc_macro2::TokenTree]) -> bool {
    use proc_macro2::TokenTree as T;
    match after {
        [T::Punct(dot), T::Ident(m), T::Group(args), ..] => {
            dot.as_char() == '.'
                && (m == "len" || m == "is_empty")
                && args.delimiter() == proc_macro2::Delimiter::Parenthesis
                && args.stream().is_empty()
        }
        _ => false,
    }
}

/// Whether an effect is a [`never_run`] check: it type-checks the user's expressions but runs
/// nothing, so it neither reads nor changes any variable at run time.
pub(crate) fn is_never_run(t: &TokenStream) -> bool {
    use proc_macro2::{Delimiter, TokenTree};
    let tts: Vec<TokenTree> = t.clone().into_iter().collect();
    match tts.as_slice() {
        [
            TokenTree::Punct(hash),
            TokenTree::Group(attr),
            TokenTree::Ident(kw),
            TokenTree::Group(body),
        ] => {
            let head: Vec<String> = body
                .stream()
                .into_iter()
                .take(2)
                .map(|t| t.to_string())
                .collect();
            hash.as_char() == '#'
                && attr.delimiter() == Delimiter::Bracket
                && kw == "loop"
                && body.delimiter() == Delimiter::Brace
                && head == ["break", ";"]
        }
        _ => false,
    }
}

/// A check that the function `path` names is `library` (`stop_gradient` is
/// `::autodiff::stop_gradient`, `mem::swap` is `::core::mem::swap`, `Some` is
/// `Option::Some`): the macro reads these by their names, so a function of the user's with such a
/// name (`fn stop_gradient`, `mod mem { fn swap }`, `fn Some`) would be read as the library's.
/// Two different functions are two different types, so the assignment does not compile then
/// ("expected fn item, found a different fn item").
pub(super) fn same_function(path: &syn::Path, library: TokenStream, args: &[&Expr]) -> Stmt {
    let f = proc_macro2::Ident::new("function_read_as_the_library_one", path.span());
    // The error lands on the library function's tokens: give them the user's path's place.
    let library: TokenStream = library
        .into_iter()
        .map(|mut t| {
            t.set_span(path.span());
            t
        })
        .collect();
    let args = args.iter();
    never_run(quote::quote_spanned! {path.span()=>
        let mut #f = #path;
        #f = #library;
        let _ = #f(#(::autodiff::__private::unreachable_value(&(#args))),*);
    })
}

/// Strips parentheses, groups and `&`.
pub fn peel(e: &Expr) -> &Expr {
    match e {
        Expr::Paren(p) => peel(&p.expr),
        Expr::Group(g) => peel(&g.expr),
        Expr::Reference(r) if r.mutability.is_none() => peel(&r.expr),
        _ => e,
    }
}
