//! Items declared inside the function body (`const`, `static`, `fn`, `use`).
//!
//! Generated functions are new functions: the body's items are emitted once at their top, so
//! an item keeps its meaning only if its name means the same thing everywhere in the body.
//! That holds for an item at the top level of the body (Rust makes it visible in the whole
//! block), not for one inside an inner block or a loop body that shares its name with something
//! used outside that block. And a call must not reach another function's hidden companion
//! through a name that a local `fn` (other than a `#[differentiable]` one, which brings its own)
//! or `use` gives to a different function. Names with the prefix the in-place rewrites bind
//! (`__ip_`) are reserved.

use std::collections::{HashMap, HashSet};

use proc_macro2::{TokenStream, TokenTree};
use quote::ToTokens;
use syn::{Block, Item, Stmt as SynStmt, UseTree};

/// The names an item declares, and whether they are all known (a glob `use` is not).
fn item_names(item: &Item) -> (Vec<syn::Ident>, bool) {
    fn use_names(t: &UseTree, out: &mut Vec<syn::Ident>) -> bool {
        match t {
            UseTree::Path(p) => use_names(&p.tree, out),
            UseTree::Name(n) => {
                out.push(n.ident.clone());
                true
            }
            UseTree::Rename(r) => {
                out.push(r.rename.clone());
                true
            }
            UseTree::Glob(_) => false,
            UseTree::Group(g) => g.items.iter().all(|t| use_names(t, out)),
        }
    }
    let mut out = Vec::new();
    let known = match item {
        Item::Const(c) => {
            out.push(c.ident.clone());
            true
        }
        Item::Static(s) => {
            out.push(s.ident.clone());
            true
        }
        Item::Fn(f) => {
            out.push(f.sig.ident.clone());
            true
        }
        Item::Use(u) => use_names(&u.tree, &mut out),
        _ => true,
    };
    (out, known)
}

/// The first identifier in `ts` with the prefix the in-place rewrites bind (`__ip_`).
fn reserved(ts: TokenStream) -> Option<proc_macro2::Ident> {
    ts.into_iter().find_map(|tt| match tt {
        TokenTree::Ident(i) if i.to_string().trim_start_matches("r#").starts_with("__ip_") => {
            Some(i)
        }
        TokenTree::Group(g) => reserved(g.stream()),
        _ => None,
    })
}

/// How many times each identifier occurs in `ts`.
fn count_idents(ts: TokenStream, counts: &mut HashMap<String, usize>) {
    for tt in ts {
        match tt {
            TokenTree::Ident(i) => {
                let s = i.to_string();
                let s = s.strip_prefix("r#").map(str::to_string).unwrap_or(s);
                *counts.entry(s).or_default() += 1;
            }
            TokenTree::Group(g) => count_idents(g.stream(), counts),
            _ => {}
        }
    }
}

/// Checks the items of `body` (see the module docs) and returns the names local `fn` and `use`
/// items give to functions: a call through one of them is a call of a function without a
/// companion here.
pub(super) fn check(body: &Block, params: &[String]) -> Result<HashSet<String>, syn::Error> {
    if let Some(i) = reserved(body.to_token_stream()) {
        return Err(syn::Error::new_spanned(
            &i,
            format!(
                "`{i}`: names starting with `__ip_` are reserved in a #[differentiable] function \
                 (its rewrites of in-place methods such as `v.remove(i)` and `v.swap(i, j)` bind \
                 them); rename it"
            ),
        ));
    }
    let mut total = HashMap::new();
    count_idents(body.to_token_stream(), &mut total);
    let mut local_fns = HashSet::new();
    walk(body, 0, &total, params, &mut local_fns)?;
    Ok(local_fns)
}

fn walk(
    b: &Block,
    depth: usize,
    total: &HashMap<String, usize>,
    params: &[String],
    local_fns: &mut HashSet<String>,
) -> Result<(), syn::Error> {
    let mut within = HashMap::new();
    if depth > 0 {
        count_idents(b.to_token_stream(), &mut within);
    }
    for st in &b.stmts {
        let SynStmt::Item(item) = st else {
            continue;
        };
        let (names, known) = item_names(item);
        // A local `#[differentiable] fn` brings its own companion along (declared beside it at
        // the top of each generated function), so calls of it are differentiated.
        let differentiable = matches!(item, Item::Fn(f) if f.attrs.iter().any(|a| {
            a.path().segments.last().is_some_and(|s| s.ident == "differentiable")
        }));
        if matches!(item, Item::Fn(_) | Item::Use(_)) && !differentiable {
            local_fns.extend(names.iter().map(|n| n.to_string()));
        }
        if depth == 0 {
            continue;
        }
        let clash = names.iter().find(|n| {
            let s = n.to_string();
            params.contains(&s) || total.get(&s) > within.get(&s)
        });
        if !known || clash.is_some() {
            let what = match clash {
                Some(n) => format!("`{n}` is also used outside this block"),
                None => "a glob `use` may name anything".to_string(),
            };
            return Err(syn::Error::new_spanned(
                item,
                format!(
                    "this item inside an inner block or loop body would change meaning in a \
                     #[differentiable] function ({what}): generated code declares the body's \
                     items once for the whole function; rename it, or declare it at the top of \
                     the function body or outside the function"
                ),
            ));
        }
    }
    // Every nested block: blocks of statements and of expressions alike.
    struct Blocks<'a>(Vec<&'a Block>);
    impl<'ast> syn::visit::Visit<'ast> for Blocks<'ast> {
        fn visit_block(&mut self, b: &'ast Block) {
            self.0.push(b);
        }
        fn visit_item(&mut self, _: &'ast Item) {}
    }
    let mut inner = Blocks(Vec::new());
    for st in &b.stmts {
        syn::visit::Visit::visit_stmt(&mut inner, st);
    }
    for nb in inner.0 {
        walk(nb, depth + 1, total, params, local_fns)?;
    }
    Ok(())
}
