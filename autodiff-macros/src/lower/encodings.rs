//! Exact encodings of a value: `x.to_bits()`, `x.to_string()` and full-precision formatting
//! (`format!("{x}")`, `write!(s, "{:?}", x)`). Their results carry no derivative, yet give the
//! value back exactly (`f64::from_bits`, `.parse()`), so a float rebuilt from them would have a
//! derivative of zero where the function has one. They are refused when the encoded value carries
//! a derivative (decided by the activity analysis, through [`Lowerer::record_opaque`]). Formatting
//! with a precision (`{x:.3}`) rounds, a piecewise-constant reading, and stays allowed, as do
//! `println!`, `assert!` and `panic!`, whose text does not come back as a value. A precision of 10
//! digits or more (`{:.17e}`), or one chosen at run time (`{:.*}`), writes the value as good as
//! exactly and is refused too.

use super::*;

const ENCODE_HINT: &str = "its result holds the value exactly, and a float rebuilt from it \
     (`f64::from_bits`, `.parse()`) would have no derivative; for the sign use \
     `x.is_sign_negative()`, or encode a constant copy: `let c = stop_gradient(x);` then \
     `c.to_bits()` or `c.to_string()`";

const TEXT_HINT: &str = "the text holds the value exactly, and `.parse()` would give it back \
     without its derivative; give the placeholder a precision (`{x:.3}`), print it with \
     `println!`, or format a constant copy: `let c = stop_gradient(x);` then `format!(\"{c}\")`";

/// Methods whose result encodes their receiver exactly.
pub(super) fn is_exact_encoding_method(name: &str) -> bool {
    matches!(name, "to_bits" | "to_string")
}

/// Macros whose text comes back as a value (a `String`, or written into one).
fn is_text_value_macro(name: &str) -> bool {
    matches!(name, "format" | "format_args" | "write" | "writeln")
}

impl Lowerer {
    /// `recv.to_bits()` / `recv.to_string()` (also written `f64::to_bits(recv)`): refused when
    /// `recv` carries a derivative. The error spans the receiver and the method's name, the
    /// user's tokens in either spelling.
    pub(super) fn record_exact_encoding(&mut self, recv: &Expr, method: &syn::Ident) {
        let vars = self.vars_in(recv);
        let recv = peel(recv);
        self.record_opaque(
            vars,
            quote! { #recv . #method },
            format!("`.{method}()`"),
            ENCODE_HINT,
        );
    }

    /// A formatting macro whose text comes back as a value: each argument written at full
    /// precision (a placeholder without `.precision`) is refused when it carries a derivative.
    pub(super) fn record_text_macro(&mut self, mac: &syn::Macro, name: &str, args: &[Expr]) {
        if !is_text_value_macro(name) {
            return;
        }
        // `write!(dest, "..", ..)`: the format string follows the destination.
        let skip = usize::from(matches!(name, "write" | "writeln"));
        let Some(Expr::Lit(syn::ExprLit {
            lit: syn::Lit::Str(fmt),
            ..
        })) = args.get(skip)
        else {
            return;
        };
        let rest = &args[skip + 1..];
        let positional: Vec<&Expr> = rest
            .iter()
            .filter(|e| !matches!(e, Expr::Assign(_)))
            .collect();
        let named = |n: &str| {
            rest.iter().find_map(|e| match e {
                Expr::Assign(a) if matches!(&*a.left, Expr::Path(p) if p.path.is_ident(n)) => {
                    Some((*a.right).clone())
                }
                _ => None,
            })
        };
        for p in full_precision_placeholders(&fmt.value()) {
            let arg = match p {
                Arg::Index(i) => positional.get(i).map(|e| (*e).clone()),
                Arg::Name(n) => named(&n).or_else(|| syn::parse_str::<Expr>(&n).ok()),
            };
            let Some(arg) = arg else { continue };
            let vars = self.vars_in(&arg);
            self.record_opaque(
                vars,
                mac.to_token_stream(),
                format!(
                    "`{name}!` writing `{}` at full precision",
                    arg.to_token_stream()
                ),
                TEXT_HINT,
            );
        }
    }
}

/// The argument a placeholder formats.
#[derive(Debug, PartialEq)]
enum Arg {
    Index(usize),
    Name(String),
}

/// Each placeholder of `fmt` (`{}`, `{x}`, `{0:?}`, `{:.*}`): the argument it formats and its
/// format spec. `{{` and `}}` are literal braces.
fn placeholders(fmt: &str) -> Vec<(Arg, String)> {
    let mut out = Vec::new();
    let mut next = 0;
    let mut chars = fmt.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '{' if chars.peek() == Some(&'{') => {
                chars.next();
            }
            '{' => {
                let inner: String = chars.by_ref().take_while(|&c| c != '}').collect();
                let (arg, spec) = inner.split_once(':').unwrap_or((&inner, ""));
                let arg = arg.trim();
                // `.*` takes the next positional argument as the precision, before the value.
                if spec.contains(".*") {
                    next += 1;
                }
                let which = if arg.is_empty() {
                    next += 1;
                    Arg::Index(next - 1)
                } else if let Ok(i) = arg.parse() {
                    Arg::Index(i)
                } else {
                    Arg::Name(arg.strip_prefix("r#").unwrap_or(arg).to_string())
                };
                out.push((which, spec.to_string()));
            }
            _ => {}
        }
    }
    out
}

/// The arguments of `fmt`'s placeholders written at full precision (`{}`, `{x}`, `{0:?}`,
/// `{:>8e}`, `{:.17e}`, `{:.*}`; not `{:.3}`, see [`has_precision`]).
fn full_precision_placeholders(fmt: &str) -> Vec<Arg> {
    placeholders(fmt)
        .into_iter()
        .filter(|(_, spec)| !has_precision(spec))
        .map(|(arg, _)| arg)
        .collect()
}

/// The names a format string literal (`"{t:?}"`, `r"{t}"`, as tokens) captures from the
/// variables in scope: a formatting macro reads them although no token names them.
pub(crate) fn format_captures(lit: &proc_macro2::Literal) -> Vec<String> {
    let Ok(fmt) = syn::parse_str::<syn::LitStr>(&lit.to_string()) else {
        return Vec::new();
    };
    placeholders(&fmt.value())
        .into_iter()
        .filter_map(|(arg, _)| match arg {
            Arg::Name(n) => Some(n),
            Arg::Index(_) => None,
        })
        .collect()
}

/// `[[fill]align][sign][#][0][width][.precision][type]`: whether a `.precision` below
/// [`ROUNDED_DIGITS`] is there (a fill character `.` before an alignment is not a precision). A
/// precision chosen at run time (`.*`, `.p$`, `.1$`) or of [`ROUNDED_DIGITS`] digits and more
/// writes the value as good as exactly (`{:.17e}`), so it counts as none.
fn has_precision(spec: &str) -> bool {
    let mut s = spec.chars();
    let rest: String = match (s.next(), s.next()) {
        (Some(_), Some('<' | '^' | '>')) => spec.chars().skip(2).collect(),
        (Some('<' | '^' | '>'), _) => spec.chars().skip(1).collect(),
        _ => spec.to_string(),
    };
    let Some((_, precision)) = rest.split_once('.') else {
        return false;
    };
    let digits: String = precision.chars().take_while(char::is_ascii_digit).collect();
    let runtime = precision[digits.len()..].starts_with('$')
        || !precision.starts_with(|c: char| c.is_ascii_digit());
    !runtime && digits.parse::<usize>().is_ok_and(|p| p < ROUNDED_DIGITS)
}

/// The precision from which formatted text is taken for an exact encoding: `f64` needs 17
/// significant digits to round-trip, and 10 already resolve steps far below any step of a
/// central difference.
const ROUNDED_DIGITS: usize = 10;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn format_string_captures() {
        let lit = |s: &str| syn::parse_str::<proc_macro2::Literal>(s).expect("a literal");
        assert_eq!(
            format_captures(&lit(r#""{t:?} {0} {} {{x}} {r#y:.3}""#)),
            vec!["t".to_string(), "y".to_string()]
        );
        assert_eq!(
            format_captures(&lit(r##"r#"{c:.3?}"#"##)),
            vec!["c".to_string()]
        );
        assert!(format_captures(&lit("2.5")).is_empty());
    }

    #[test]
    fn placeholders_without_precision() {
        let idx = |v: &[usize]| v.iter().map(|&i| Arg::Index(i)).collect::<Vec<_>>();
        assert_eq!(full_precision_placeholders("{} {:?} {:e}"), idx(&[0, 1, 2]));
        assert_eq!(full_precision_placeholders("{:.3} {}"), idx(&[1]));
        assert_eq!(full_precision_placeholders("{{}} {1} {0:.2}"), idx(&[1]));
        // `{:.*}` reads its precision (argument 0), then its value (argument 1).
        assert_eq!(full_precision_placeholders("{:.*} {}"), idx(&[1, 2]));
        assert_eq!(
            full_precision_placeholders("{:.17e} {:.9} {:.p$}"),
            idx(&[0, 2])
        );
        assert_eq!(full_precision_placeholders("{:.>8} {:>8.1}"), idx(&[0]));
        assert_eq!(
            full_precision_placeholders("{x} {y:.1} {z:?}"),
            vec![Arg::Name("x".into()), Arg::Name("z".into())]
        );
    }
}
