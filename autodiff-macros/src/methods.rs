//! The float methods the macro differentiates, and which values each rule reads.
//!
//! A rule reads values by role: `X` is the receiver, `A(k)` the k-th argument, `Y` the result.
//! Rule functions live in `autodiff_runtime::rules::scalar` as `METHOD_dK`.

/// A value a rule needs.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Role {
    X,
    A(usize),
    Y,
}

/// A known method: its number of arguments (besides the receiver) and, per operand, the values
/// its partial reads (`None` for an operand with no derivative, like `powi`'s exponent).
pub struct MethodRule {
    pub args: usize,
    pub partials: &'static [Option<&'static [Role]>],
}

use Role::*;

macro_rules! rule {
    ($args:expr, [$($p:expr),*]) => {
        Some(MethodRule { args: $args, partials: &[$($p),*] })
    };
}

/// The rule for a differentiable method, if the name is one.
pub fn rule(name: &str) -> Option<MethodRule> {
    match name {
        "sin" | "cos" | "asin" | "acos" | "atan" | "sinh" | "cosh" | "ln" | "log2" | "log10"
        | "ln_1p" | "abs" | "asinh" | "acosh" | "atanh" => {
            rule!(0, [Some(&[X])])
        }
        "tan" | "tanh" | "exp" | "exp2" | "exp_m1" | "sqrt" | "cbrt" | "recip" => {
            rule!(0, [Some(&[Y])])
        }
        "atan2" | "max" | "min" | "log" => rule!(1, [Some(&[X, A(0)]), Some(&[X, A(0)])]),
        "hypot" => rule!(1, [Some(&[X, Y]), Some(&[A(0), Y])]),
        "powi" => rule!(1, [Some(&[X, A(0)]), None]),
        "powf" => rule!(1, [Some(&[X, A(0)]), Some(&[X, Y])]),
        "to_degrees" | "to_radians" => rule!(0, [Some(&[])]),
        "mul_add" => rule!(2, [Some(&[A(0)]), Some(&[X]), Some(&[])]),
        "clamp" => rule!(
            2,
            [Some(&[X, A(0), A(1)]), Some(&[X, A(0)]), Some(&[X, A(1)])]
        ),
        _ => None,
    }
}

/// Methods whose result never carries a derivative (piecewise constant, predicates, shapes).
pub fn is_constant_method(name: &str) -> bool {
    is_integer_method(name)
        || is_piecewise_float_method(name)
        || matches!(
            name,
            "is_nan"
                | "is_finite"
                | "is_infinite"
                | "is_sign_positive"
                | "is_sign_negative"
                | "is_normal"
                | "len"
                | "nrows"
                | "ncols"
                | "shape"
                | "is_square"
                | "iamax"
                | "iamin"
                | "imax"
                | "imin"
                | "is_empty"
                | "partial_cmp"
                | "total_cmp"
                | "to_bits"
                | "to_string"
                | "eq"
                | "ne"
                | "lt"
                | "le"
                | "gt"
                | "ge"
                | "is_some"
                | "is_none"
        )
}

/// The constant methods that only integers have among the types the macro knows (`pow`,
/// `checked_add`, ..): taken for constants only on an integer receiver.
pub fn is_integer_method(name: &str) -> bool {
    matches!(
        name,
        "count_ones"
            | "pow"
            | "div_euclid"
            | "checked_sub"
            | "checked_add"
            | "saturating_sub"
            | "saturating_add"
            | "wrapping_add"
            | "wrapping_sub"
            | "abs_diff"
    )
}

/// The piecewise-constant float methods (derivative zero almost everywhere): their result is a
/// float, or an integer for `signum` on one.
pub fn is_piecewise_float_method(name: &str) -> bool {
    matches!(name, "floor" | "ceil" | "round" | "trunc" | "signum")
}

/// Whether operand `k` (0 = receiver) of method `name` carries a derivative.
pub fn operand_is_differentiable(name: &str, k: usize) -> bool {
    match rule(name) {
        Some(r) => r.partials.get(k).is_some_and(|p| p.is_some()),
        None => true,
    }
}

/// Methods that return a mutable view into their receiver (`v.as_mut_slice()`,
/// `v.split_at_mut(k)`, `m.column_mut(j)`): the lowering cannot route writes through the view back
/// to the container, so taking one as a value is refused.
pub fn is_mutable_view(name: &str) -> bool {
    (name.ends_with("_mut")
        && !matches!(
            name,
            "transpose_mut" | "scale_mut" | "neg_mut" | "normalize_mut"
        ))
        || matches!(name, "as_mut_slice" | "as_mut")
}
