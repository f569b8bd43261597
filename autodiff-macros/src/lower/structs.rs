//! Struct literals `Path { field: e, .., ..base }`: each field value lowered to an atom. The
//! struct's derived `Differentiable` carries the derivative (its adjoint and tangent are the
//! struct itself); a field that cannot take one is a compile error at the field (see the
//! runtime's `GradField`).

use super::*;

impl Lowerer {
    pub(super) fn lower_struct(&mut self, s: &syn::ExprStruct, out: &mut Vec<Stmt>) -> R<Rhs> {
        if s.qself.is_some() {
            return refuse_at(
                &s.path,
                "#[differentiable] supports struct literals written with a plain path (`State { .. }`)",
            );
        }
        let mut fields = Vec::new();
        for fv in &s.fields {
            let syn::Member::Named(name) = &fv.member else {
                return refuse_at(
                    &fv.member,
                    "#[differentiable] supports struct literals with named fields; write a tuple `(a, b)` for a tuple struct's values",
                );
            };
            let a = self.lower_atom_expr(&fv.expr, out)?;
            fields.push((name.clone(), a, fv.span()));
        }
        let rest = match &s.rest {
            Some(r) => Some(self.lower_atom_expr(r, out)?),
            None => None,
        };
        Ok(Rhs::Struct {
            path: s.path.clone(),
            fields,
            rest,
        })
    }
}
