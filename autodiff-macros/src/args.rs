//! Options of `#[differentiable(..)]` and `#[custom_derivative(..)]`.

use syn::parse::{Parse, ParseStream};
use syn::punctuated::Punctuated;
use syn::{Ident, Token};

/// `#[differentiable(wrt(a, b), boxed, order = 2)]`
#[derive(Default, Clone)]
pub struct Args {
    /// The parameters to differentiate (default: every differentiable one).
    pub wrt: Option<Vec<Ident>>,
    /// Box the companion pullback (for mutual recursion).
    pub boxed: bool,
    /// `order = 2`: also emit `NAME_hvp` and `NAME_hessian`.
    pub order2: bool,
}

impl Parse for Args {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let mut args = Args::default();
        while !input.is_empty() {
            let key: Ident = input.parse()?;
            if key == "wrt" {
                let content;
                syn::parenthesized!(content in input);
                // `Ident::parse_any` accepts `self` too (`wrt(self, x)`).
                let names: Punctuated<Ident, Token![,]> =
                    Punctuated::parse_terminated_with(&content, syn::ext::IdentExt::parse_any)?;
                if args.wrt.is_some() {
                    return Err(syn::Error::new(
                        key.span(),
                        "`wrt` is given twice; list every parameter in one `wrt(a, b)`",
                    ));
                }
                args.wrt = Some(names.into_iter().collect());
            } else if key == "boxed" {
                args.boxed = true;
            } else if key == "order" {
                input.parse::<Token![=]>()?;
                let lit: syn::LitInt = input.parse().map_err(|e| {
                    syn::Error::new(e.span(), "`order` takes `1` or `2`: `order = 2`")
                })?;
                match lit.base10_parse::<u8>() {
                    Ok(1) => args.order2 = false,
                    Ok(2) => args.order2 = true,
                    _ => {
                        return Err(syn::Error::new(
                            lit.span(),
                            format!(
                                "unsupported `order = {lit}`: #[differentiable] derives first order (`order = 1`, the default) or second order (`order = 2`)"
                            ),
                        ));
                    }
                }
            } else {
                return Err(syn::Error::new(
                    key.span(),
                    format!(
                        "unknown option `{key}`: #[differentiable] takes `wrt(param, ..)`, `boxed` and `order = 2`"
                    ),
                ));
            }
            if !input.is_empty() {
                input.parse::<Token![,]>()?;
            }
        }
        Ok(args)
    }
}

/// `#[custom_derivative(vjp = path, jvp = path, hvp = path)]` (`hvp` optional)
pub struct CustomArgs {
    pub vjp: syn::Path,
    pub jvp: syn::Path,
    /// The second-order rule, with `NAME_hvp`'s signature.
    pub hvp: Option<syn::Path>,
}

impl Parse for CustomArgs {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let span = input.span();
        let mut vjp = None;
        let mut jvp = None;
        let mut hvp = None;
        while !input.is_empty() {
            let key: Ident = input.parse()?;
            input.parse::<Token![=]>()?;
            let path: syn::Path = input.parse()?;
            match key.to_string().as_str() {
                "vjp" => vjp = Some(path),
                "jvp" => jvp = Some(path),
                "hvp" => hvp = Some(path),
                _ => {
                    return Err(syn::Error::new(
                        key.span(),
                        format!(
                            "unknown option `{key}`: #[custom_derivative] takes `vjp = path`, `jvp = path` and optionally `hvp = path`"
                        ),
                    ));
                }
            }
            if !input.is_empty() {
                input.parse::<Token![,]>()?;
            }
        }
        match (vjp, jvp) {
            (Some(vjp), Some(jvp)) => Ok(CustomArgs { vjp, jvp, hvp }),
            _ => Err(syn::Error::new(
                span,
                "#[custom_derivative] needs both rules: #[custom_derivative(vjp = my_vjp, jvp = my_jvp)]",
            )),
        }
    }
}
