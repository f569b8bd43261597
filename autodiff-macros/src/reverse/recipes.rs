//! Values of scalar recurrences recomputed instead of saved.
//!
//! A `let` of known float type, defined by `+`, `-`, `*`, negation, `abs`, `min`
//! or `max` of operands the reverse sweep already holds at that point (float literals,
//! parameters that are never written, values saved for this trip and still current, `let`s
//! saved once at their definition that a rule already reads, other such `let`s), is rebuilt
//! from them where a rule reads it instead of being recorded: Newton's `f = x³ + p x - c` and
//! `f' = 3x² + p` come back from the saved `x` alone (one value per step instead of five).
//! The operands are read through the locals their saves load at the start of the block's
//! reverse sweep, which hold the values they had at the definition, whatever happens later.
//! Outside loops too: there a record is a slot of the pullback's closure, which a caller calling
//! the function once per trip keeps per call (a Huber helper's `r.abs() - 0.5 * delta`).

use super::*;

/// The most operations a recomputed value may take (`x * x * x + p * x - c` takes 5).
const RECIPE_BUDGET: usize = 8;

impl RevGen<'_> {
    /// After `let var = rhs;`: remembers how to rebuild `var` when every operand is
    /// held without a new record and the cost is within budget.
    pub(super) fn capture_recipe(&mut self, var: VarId, rhs: &Rhs) {
        if self.f.vars[var].reassigned || !self.floats.contains(&var) {
            return;
        }
        let built = match rhs {
            Rhs::Bin(op @ (BinOp::Add | BinOp::Sub | BinOp::Mul), x, y) => {
                match (self.held(x), self.held(y)) {
                    (Some((ex, cx)), Some((ey, cy))) => {
                        let e = match op {
                            BinOp::Add => quote! { #ex + #ey },
                            BinOp::Sub => quote! { #ex - #ey },
                            _ => quote! { #ex * #ey },
                        };
                        Some((e, 1 + cx + cy))
                    }
                    _ => None,
                }
            }
            Rhs::Neg(x) => self.held(x).map(|(e, c)| (quote! { -#e }, c + 1)),
            // A constant converted to the float type (`T::from_f64(2.0)`, `1 as f64`): the same
            // conversion again, as written.
            Rhs::Cast {
                x: Atom::Const(_), ..
            } => Some((self.primal(rhs), 1)),
            // `|x|`, `min`, `max`: exact, one instruction each (`r.abs() - 0.5 * delta` in a
            // Huber arm comes back from the saved `r`)
            Rhs::Method { name, args } => match (name.to_string().as_str(), args.as_slice()) {
                ("abs", [x]) => self.held(x).map(|(e, c)| (quote! { #e.abs() }, c + 1)),
                (m @ ("min" | "max"), [x, y]) => match (self.held(x), self.held(y)) {
                    (Some((ex, cx)), Some((ey, cy))) => {
                        let m = quote::format_ident!("{}", m);
                        Some((quote! { #ex.#m(#ey) }, 1 + cx + cy))
                    }
                    _ => None,
                },
                _ => None,
            },
            _ => None,
        };
        if let Some((e, cost)) = built {
            if cost <= RECIPE_BUDGET {
                self.recipes.insert(var, (quote! { (#e) }, cost));
            }
        }
    }

    /// A float operand the reverse sweep holds right now without a new record: (value
    /// expression, operations to compute it).
    fn held(&self, a: &Atom) -> Option<(TokenStream, usize)> {
        match a {
            Atom::Const(c) => plain::is_float_literal(a).then(|| (quote! { (#c) }, 0)),
            Atom::Var(v) if !self.floats.contains(v) => None,
            Atom::Var(v) => {
                if let Some(r) = self.recipes.get(v) {
                    return Some(r.clone());
                }
                if let Some(p) = self.params.get(v) {
                    if !self.f.vars[*v].reassigned {
                        let r = &p.read;
                        return Some((quote! { (*#r) }, 0));
                    }
                }
                if let Some(l) = self.version_read(*v) {
                    return Some((quote! { (*#l) }, 0));
                }
                // A `let` of this or an enclosing block saved once at its definition, when a rule
                // already reads it (so the recipe adds no record).
                self.block_saved
                    .get(v)
                    .filter(|(_, used)| *used)
                    .map(|(l, _)| (quote! { (*#l) }, 0))
            }
        }
    }

    /// The rebuilt value of `v`, when it has a recipe: a read of type `&T`.
    pub(super) fn recipe_read(&self, v: VarId) -> Option<TokenStream> {
        self.recipes.get(&v).map(|(e, _)| quote! { &#e })
    }
}
