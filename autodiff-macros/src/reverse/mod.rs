//! Reverse mode: the forward sweep (the primal, plus what the reverse sweep needs) and the
//! reverse sweep that replays it backwards.
//!
//! Records follow one rule: a construct's control record is pushed when control *leaves* it
//! (normally or by a jump), so the reverse sweep pops them in exactly the opposite order.
//! - a statement list with a statement that can jump out of it: the index of the statement that
//!   was left (`n` when it completed);
//! - a branch: the arm taken (not pushed on normal completion when only one arm can complete);
//! - a loop: its trip count (once, when it is left).
//!
//! Values a rule reads are saved at the point of use: in a deferred local when that point runs
//! exactly once, in an `Option` when at most once, in a `Vec` inside loops. Parameters that are
//! never reassigned and constants are read directly instead.

mod accumulate;
mod block;
mod const_elems;
mod def;
mod dense;
mod exprs;
mod facts;
mod flat;
mod frozen;
mod fused;
mod fused_scan;
mod lent_cells;
mod pairs;
mod passthrough;
mod plain;
mod preacc;
mod prefill;
mod products;
mod range_slots;
mod recipes;
mod recompute;
mod rows;
mod slots;
mod spans;
mod spare;
mod stmt;
mod trip_versions;
mod versions;
mod window;

use std::collections::{HashMap, HashSet};

use proc_macro2::{Ident, TokenStream};
use quote::{quote, quote_spanned};

use crate::activity::Activity;
use crate::ir::*;
use crate::methods::{self, Role};
use crate::naming;

use block::KMode;
use def::is_literal;
pub use exprs::{companion_call, primal};
use facts::{collect_defs, collect_field_bases, collect_index_bases};
pub use plain::{elem_of, is_float_type};
use products::Products;
pub use products::{admit_cotangent, rules_arg, spoiled_flag};

/// How the reverse sweep reads a parameter's value.
#[derive(Clone)]
pub struct ParamRead {
    /// An expression of type `&T` valid after the forward sweep.
    pub read: TokenStream,
    /// The type of its adjoint slot (`Option<<T as Differentiable>::Adjoint>`), when differentiable.
    pub adj_ty: Option<TokenStream>,
    /// The adjoint type itself (`<T as Differentiable>::Adjoint`), when differentiable.
    pub adj: Option<TokenStream>,
    /// Taken by value and declared `f64` or `f32`: its adjoint slot can be plain (see `plain`).
    pub float: bool,
    /// Declared as a container of `f64` or `f32` (`&[f64]`, `Vec<f32>`, `[f64; N]`): its
    /// elements are known floats.
    pub float_elems: bool,
    /// When `float` or `float_elems` comes from a type parameter bounded by `Real` (`x: T`,
    /// `xs: &[T]`): that parameter, which a plain slot's empty value is spelled in.
    pub real_ty: Option<Ident>,
    /// In a fused companion: the caller's slot argument (`impl SlotArg<A>`) the adjoint starts
    /// from (see `expand/companion.rs`).
    pub slot_in: Option<Ident>,
}

/// The generated pieces of a reverse-mode function.
pub struct RevCode {
    /// Declarations before the forward sweep (slots, the control tape).
    pub decls: TokenStream,
    /// The forward sweep (statements, run inside the `'__body` block).
    pub forward: TokenStream,
    /// Start of the reverse sweep: cursors and adjoint accumulators.
    pub reverse_head: TokenStream,
    /// The reverse sweep proper.
    pub reverse: TokenStream,
    /// Whether any loop has a reverse sweep of its own (a fused loop's is one addition).
    pub loops_reversed: bool,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum SlotKind {
    /// Runs exactly once before the forward sweep can end: `let s; .. s = v;`
    Once,
    /// Runs at most once: `let mut s = None; .. s = Some(v);`
    Maybe,
    /// Inside a loop: `let mut s = Vec::new(); .. s.push(v);`
    Many,
    /// A count outside every loop (the arm a branch took, the statements a block ran, the
    /// trips a loop made; each runs at most once per call): `let mut s = usize::MAX; .. s = k;`
    Arm,
}

#[derive(Clone, Copy)]
struct Place {
    in_loop: bool,
    conditional: bool,
}

enum Frame {
    /// `slot`: the saved-value slot holding how many statements ran, for a block outside
    /// every loop that a jump can leave.
    Block {
        needs_k: bool,
        index: usize,
        slot: Option<usize>,
    },
    /// `slot`: the saved-value slot holding the arm taken, for a branch outside every loop
    /// (it runs at most once, so its record needs no control tape).
    Branch {
        needs_rec: bool,
        arm: usize,
        slot: Option<usize>,
    },
    /// `slot`: the saved-value slot holding the trip count, for a loop outside every loop.
    Loop {
        id: LoopId,
        needs_rec: bool,
        slot: Option<usize>,
    },
}

/// Generates reverse-mode code for `f` given its activity.
pub struct RevGen<'a> {
    f: &'a Func,
    act: &'a Activity,
    params: &'a HashMap<VarId, ParamRead>,
    /// Path prefix of generated runtime calls (`::autodiff::__private`).
    rt: &'a TokenStream,
    /// How to call another differentiable function's companion.
    slots: Vec<SlotKind>,
    frames: Vec<Frame>,
    uses_ctl: bool,
    nk: usize,
    body_label: syn::Lifetime,
    /// The definition of every `let` variable that is never reassigned.
    defs: HashMap<VarId, Rhs>,
    /// Local variables read by field (`p.x`, `t.0`): their adjoint's type is fixed by a
    /// zero-sized witness recorded in the forward sweep (a field access needs a known type, and
    /// a tuple read on some fields only leaves the others' adjoint types open).
    field_bases: std::collections::HashSet<VarId>,
    /// `let` variables of the blocks being emitted whose value is saved once, at the definition,
    /// and loaded once where the block's reverse sweep starts: (local holding `&T`, used).
    block_saved: HashMap<VarId, (Ident, bool)>,
    /// Active `let` variables whose adjoint slot is declared where their block's reverse sweep
    /// starts (fresh per execution of the block, e.g. per loop trip) instead of once for the
    /// whole sweep: every read and write of the slot lies inside that block, so the compiler sees
    /// it start empty and folds the `Option` checks of single-use temporaries away.
    block_adjoints: HashSet<VarId>,
    /// Loops left only by their exit test (see `is_top_exit`) being emitted.
    top_exit: HashSet<LoopId>,
    /// Top-exit loops whose every execution makes the same number of trips (`LoopInfo::
    /// const_trips`) being emitted, with the save and read of the one slot that keeps the count
    /// once their exit test is emitted.
    counted: HashMap<LoopId, Option<(TokenStream, TokenStream)>>,
    /// Top-exit loops over `a..b` with `b` fixed for the call being emitted: the reverse sweep
    /// counts their trips from the saved start and end, so their exit records nothing.
    computed: HashSet<LoopId>,
    /// Computed loops whose bounds are evaluated again (`LoopInfo::bounds_again`): the
    /// bindings of their variables, the start and the end.
    bounds_again: HashMap<LoopId, (TokenStream, TokenStream, TokenStream)>,
    /// Affine loop variables of the top-exit loops being emitted: (loop, whether the reverse
    /// sweep reads the variable).
    affine: HashMap<VarId, (LoopId, bool)>,
    /// Parameters read by index and never written: their element adjoints go to a gradient
    /// buffer made once before the reverse sweep (`#rt::GradBuf`, dense for slices, arrays,
    /// `Vec`s and matrices) and added into their adjoint slot after it.
    grad_bufs: Vec<VarId>,
    /// Values saved once for all the rules that read them (see `versions`).
    versions: versions::Versions,
    /// Which products of known floats the reverse sweep takes (see [`Products`]).
    products: Products,
    /// Local `Vec`s whose adjoint is a dense buffer (see `dense`).
    dense: HashSet<VarId>,
    /// Updates in place `x[i] ± t` of dense locals, whose element adjoint passes through (see
    /// `passthrough`).
    passthrough: passthrough::PassThrough,
    /// State `Vec`s replaced each trip whose reads before the replacement are read again from
    /// one copy per trip (see `trip_versions`).
    trip_versions: trip_versions::TripVersions,
    /// Dense locals whose adjoint buffer is fitted to their length before the reverse sweep of
    /// the loops being emitted (see `dense::fit_enter`).
    fitted: Vec<VarId>,
    /// Dense locals saved per trip as elements on a tape, and the scratch `Vec`s their reads
    /// copy into (see `flat`).
    flat_vals: Vec<VarId>,
    flat_scratch: usize,
    /// Fitted locals of the loops being emitted whose element adjoints go into registers (see
    /// `window`).
    windows: Vec<window::Window>,
    /// The spans the innermost loop being emitted may index through (`spans`).
    spans: Option<spans::SpanLoop>,
    /// Rows of parameters' gradient buffers held by the loops being emitted (see `rows`).
    held: Vec<rows::HeldRow>,
    /// Locals no later statement changes, read again from one copy (see `frozen`).
    frozen: frozen::Frozen,
    /// Active variables of known float type with a plain zero-initialised adjoint slot
    /// (`#rt::plain::Plain`, see `plain`), and the names of those slots.
    plain: HashSet<VarId>,
    plain_adj: HashSet<String>,
    /// Every variable of known float type, active or not (see `plain`).
    floats: HashSet<VarId>,
    /// The type parameter (bounded by `Real`) of each plain slot's scalar that has one, by the
    /// slot's name: its empty value is spelled `Plain::<T>::empty()`, not `Plain(-0.0)`.
    plain_generic: HashMap<String, Ident>,
    /// `let` values rebuilt in the reverse sweep instead of saved (see `recipes`): the
    /// expression and its cost in operations.
    recipes: HashMap<VarId, (TokenStream, usize)>,
    /// How many times each variable is an operand of a definition (`activity::operand_counts`).
    operand_counts: HashMap<VarId, usize>,
    /// Scratch buffers of range arguments made so far (see `range_slots`).
    range_scratch: usize,
    /// Range reads copied although their base is a parameter (see `range_slots`).
    forced_copies: HashSet<VarId>,
    /// Fresh buffers of the loops being emitted and the assignment `u = w` whose dropped buffer
    /// each keeps (`let next = vec![..]; .. u = next;`, see `spare`), and those whose `vec!`
    /// was made in the spare slot.
    spares: HashMap<VarId, (VarId, VarId)>,
    spares_made: Vec<VarId>,
    /// Pushes at the loop index written into a buffer sized before their loop (see `prefill`).
    prefill: prefill::Prefill,
    /// Containers of known float elements (see `plain`).
    float_elems: HashSet<VarId>,
    /// Gradient buffers of calls whose gradient the forward sweep takes, and the variables
    /// known to be scalars, found when first asked (see `preacc`).
    acc_bufs: usize,
    scalars: Option<HashSet<VarId>>,
    /// Call sites whose gradient may be listed as pairs (see `pairs`).
    pair_sites: Vec<pairs::PairSite>,
    /// Set while a fused loop is emitted (see `fused`).
    fused: Option<fused::Fused>,
    /// The reverse sweep runs once per call and no later code reads what the forward sweep
    /// saved (`NAME_grad`'s last sweep): a fused loop's adjoint may then become the gradient
    /// itself instead of being copied into it (see `fused`).
    consumes: bool,
    /// Whether a loop was emitted with a reverse sweep of its own (not fused).
    loops_reversed: bool,
}

/// The most loads and operations an expression over parameter elements may take to be
/// recomputed in the reverse sweep instead of recorded (`x[i + 1] - x[i] * x[i]` takes 6).
const ELEMENT_BUDGET: usize = 8;

fn lifetime(name: &str) -> syn::Lifetime {
    syn::Lifetime {
        apostrophe: proc_macro2::Span::mixed_site(),
        ident: Ident::new(name, proc_macro2::Span::mixed_site()),
    }
}

/// The names of an affine loop variable's start, of the loop's recorded trip count and of its
/// reverse trip counter.
fn affine_names(id: LoopId) -> (Ident, Ident, Ident) {
    (
        naming::fixed(&format!("__a{id}")),
        naming::fixed(&format!("__n{id}")),
        naming::fixed(&format!("__it{id}")),
    )
}

/// The label of the `'__body` block that `return` leaves.
pub fn body_label() -> syn::Lifetime {
    lifetime("__body")
}

/// The label of loop `id`.
pub fn loop_label(id: LoopId) -> syn::Lifetime {
    lifetime(&format!("__loop{id}"))
}

impl<'a> RevGen<'a> {
    pub fn new(
        f: &'a Func,
        act: &'a Activity,
        params: &'a HashMap<VarId, ParamRead>,
        rt: &'a TokenStream,
    ) -> Self {
        let (known, float_elems) = plain::known_floats(f, params);
        let mut g = RevGen {
            f,
            act,
            params,
            rt,
            slots: Vec::new(),
            frames: Vec::new(),
            uses_ctl: false,
            nk: 0,
            body_label: body_label(),
            defs: {
                let mut d = HashMap::new();
                collect_defs(&f.body, f, &mut d);
                d
            },
            block_saved: HashMap::new(),
            block_adjoints: HashSet::new(),
            top_exit: HashSet::new(),
            counted: HashMap::new(),
            computed: HashSet::new(),
            bounds_again: HashMap::new(),
            affine: HashMap::new(),
            versions: versions::Versions::default(),
            dense: dense::dense_locals(f, act, params, &float_elems),
            fitted: Vec::new(),
            flat_vals: Vec::new(),
            flat_scratch: 0,
            windows: Vec::new(),
            spans: None,
            held: Vec::new(),
            frozen: frozen::Frozen::new(f),
            grad_bufs: {
                let mut bases = Vec::new();
                collect_index_bases(&f.body, &mut bases);
                bases.retain(|v| {
                    act.active(*v)
                        && !f.vars[*v].reassigned
                        && params.get(v).is_some_and(|p| p.adj_ty.is_some())
                });
                bases
            },
            field_bases: {
                let mut fb = std::collections::HashSet::new();
                collect_field_bases(&f.body, &mut fb);
                fb.retain(|v| !params.contains_key(v) && act.active(*v));
                fb
            },
            plain: HashSet::new(),
            plain_adj: HashSet::new(),
            floats: HashSet::new(),
            plain_generic: HashMap::new(),
            recipes: HashMap::new(),
            operand_counts: crate::activity::operand_counts(f),
            range_scratch: 0,
            forced_copies: range_slots::forced_copies(f),
            products: Products::Zero,
            spares: HashMap::new(),
            spares_made: Vec::new(),
            prefill: prefill::Prefill::default(),
            float_elems: HashSet::new(),
            acc_bufs: 0,
            pair_sites: Vec::new(),
            scalars: None,
            fused: None,
            consumes: false,
            loops_reversed: false,
            passthrough: Default::default(),
            trip_versions: Default::default(),
        };
        g.passthrough = passthrough::find(f, &g.dense);
        g.floats = known.keys().copied().collect();
        g.float_elems = float_elems;
        let dense_floats: HashSet<VarId> = g.dense.intersection(&g.float_elems).copied().collect();
        g.trip_versions = trip_versions::find(f, &dense_floats);
        g.prefill = prefill::prefilled(f, &g.dense, &g.float_elems);
        g.plain = plain::plain_vars(f, act, params, &g.field_bases, &g.floats);
        g.plain_adj = g.plain.iter().map(|v| g.adj(*v).to_string()).collect();
        g.plain_generic = g
            .plain
            .iter()
            .filter_map(|v| Some((g.adj(*v).to_string(), known[v].clone()?)))
            .collect();
        g
    }

    /// The same generator with plain IEEE products of known floats in the reverse sweep (its
    /// forward sweep is unchanged); see `rules::ieee` for when its gradient may be kept.
    pub fn ieee(mut self) -> Self {
        self.products = Products::Ieee;
        self
    }

    /// The same generator for a fused companion, whose products are those its caller passes in
    /// [`rules_arg`]: the zero rule, or IEEE from an optimistic sweep.
    pub fn products_from_caller(mut self) -> Self {
        self.products = Products::Caller;
        self
    }

    /// The same generator for a reverse sweep that runs once per call and is the last reader
    /// of the forward sweep's records (`NAME_grad`'s careful sweep, not a pullback closure that
    /// may be called again).
    pub fn consuming(mut self) -> Self {
        self.consumes = true;
        self
    }

    /// Runs the generator.
    pub fn generate(mut self) -> RevCode {
        let place = Place {
            in_loop: false,
            conditional: false,
        };
        let (forward, mut reverse) = self.block(&self.f.body, place, KMode::Pop);
        let rt = self.rt;
        let mut decls = TokenStream::new();
        let mut head = TokenStream::new();
        if self.uses_ctl {
            let (ctl, cc) = (naming::fixed("__ctl"), naming::fixed("__cc"));
            sized_tape(rt, &ctl, "CTL", quote!(usize), &mut decls, &mut head);
            head.extend(quote! { let mut #cc = #ctl.len(); });
        }
        for (k, kind) in self.slots.iter().enumerate() {
            let s = naming::slot(k);
            match kind {
                SlotKind::Once => decls.extend(quote! { let #s; }),
                SlotKind::Maybe => {
                    decls.extend(quote! { let mut #s = ::core::option::Option::None; })
                }
                SlotKind::Arm => decls.extend(quote! { let mut #s: usize = usize::MAX; }),
                SlotKind::Many => {
                    let c = naming::cursor(k);
                    sized_tape(rt, &s, &k.to_string(), quote!(_), &mut decls, &mut head);
                    head.extend(quote! { let mut #c = #s.len(); });
                }
            }
        }
        self.flat_decls(&mut decls, &mut head);
        self.acc_decls(&mut decls, &mut head);
        self.pairs_decls(&mut decls, &mut head);
        for v in 0..self.f.vars.len() {
            if self.act.active(v) && !self.block_adjoints.contains(&v) {
                let d = self.adj(v);
                if self.dense.contains(&v) {
                    let w = naming::fixed(&format!("__wd{v}"));
                    decls.extend(quote! { let mut #w = ::core::option::Option::None; });
                    head.extend(quote! { let mut #d = #rt::dense_adj(&#w); });
                    continue;
                }
                if self.field_bases.contains(&v) {
                    let w = naming::fixed(&format!("__w{v}"));
                    decls.extend(quote! { let mut #w = ::core::option::Option::None; });
                    head.extend(quote! { let mut #d = #rt::none_adjoint(&#w); });
                    continue;
                }
                match self.params.get(&v).and_then(|p| p.adj_ty.as_ref()) {
                    Some(t) if self.plain.contains(&v) => {
                        // Plain during the sweep; the general slot again after it.
                        let a = &self.params[&v].adj;
                        head.extend(
                            quote! { let mut #d: #rt::plain::Plain<#a> = #rt::plain::Plain::empty(); },
                        );
                        if self.live_plain_param(v) {
                            let (live, s) = (self.live(v), &self.params[&v].slot_in);
                            head.extend(quote! { let #live = #rt::SlotArg::live(&#s); });
                        }
                        reverse.extend(
                            quote! { let mut #d: #t = #rt::plain::Plain::into_option(#d); },
                        );
                    }
                    Some(t) => match &self.params[&v].slot_in {
                        // y = f(x) re-run by a caller: dx starts as the caller's adjoint
                        Some(s) => head.extend(quote! {
                            let mut #d: #t = #rt::SlotArg::take_slot(&mut #s);
                        }),
                        None => {
                            head.extend(quote! { let mut #d: #t = ::core::option::Option::None; })
                        }
                    },
                    None => head.extend(quote! { let mut #d = ::core::option::Option::None; }),
                }
            }
        }
        for k in 0..self.range_scratch {
            let s = range_slots::scratch_name(k);
            head.extend(quote! { let mut #s: ::std::vec::Vec<_> = ::std::vec::Vec::new(); });
        }
        for &v in &self.grad_bufs {
            let (b, d, read) = (self.grad_buf(v), self.adj(v), &self.params[&v].read);
            // no element read left to the sweep (each in a fused loop, see `fused`)
            if !naming::mentions(&reverse, &b) {
                continue;
            }
            // in a fused companion the buffer is the caller's adjoint lent as a window (a range
            // argument, `RangeSlot`) or starts as the caller's adjoint when it can (no buffer
            // when the caller passed `NoSlot`: its element adjoints are skipped)
            let make = match &self.params[&v].slot_in {
                Some(s) => {
                    let live = self.live(v);
                    head.extend(quote! { let #live = #rt::SlotArg::live(&#s); });
                    quote! {
                        let __p = &#rt::Probe(#read);
                        __p.grad_buf_lent(&mut #s, &mut #d, #live)
                    }
                }
                None => quote! { (&#rt::Probe(#read)).grad_buf() },
            };
            head.extend(quote! {
                let mut #b = {
                    #[allow(unused_imports)]
                    use #rt::{DenseProbe as _, ShapeProbe as _};
                    #make
                };
            });
            reverse.extend(quote! { #rt::Flush::flush(#b, &mut #d); });
        }
        RevCode {
            decls,
            forward,
            reverse_head: head,
            reverse,
            loops_reversed: self.loops_reversed,
        }
    }

    /// The gradient buffer of a parameter in `grad_bufs`.
    fn grad_buf(&self, v: VarId) -> Ident {
        if let Some(b) = self.fused.as_ref().and_then(|f| f.bufs.get(&v)) {
            return b.clone();
        }
        naming::fixed(&format!("__gb{v}"))
    }

    /// Whether the caller keeps parameter `v`'s adjoint (a fused companion's parameter with a
    /// gradient buffer, see `SlotArg::live`).
    fn live(&self, v: VarId) -> Ident {
        naming::fixed(&format!("__live{v}"))
    }

    /// `add` (an addition into parameter `v`'s gradient buffer), skipped in a fused companion
    /// when the caller passed no slot for `v`: a constant test after inlining.
    fn buf_add(&self, v: VarId, add: TokenStream) -> TokenStream {
        if self.params.get(&v).is_some_and(|p| p.slot_in.is_some()) {
            let live = self.live(v);
            quote! { if #live { #add } }
        } else {
            add
        }
    }

    /// `add` (an addition into the adjoint of `v`), skipped in a fused companion when `v` is a
    /// float parameter, never assigned, whose caller passed no slot (`NoSlot`: the caller keeps
    /// no adjoint of the argument, `x` in `poly(w, xs[i])`). Its adjoint is then only ever added
    /// to and given back: no other adjoint is computed from it. The test is a constant after
    /// inlining, so the products feeding the addition go too.
    fn param_add(&self, v: VarId, add: TokenStream) -> TokenStream {
        if self.live_plain_param(v) {
            let live = self.live(v);
            quote! { if #live { #add } }
        } else {
            add
        }
    }

    /// Whether `v` is a plain float parameter of a fused companion, never assigned (see
    /// [`param_add`](Self::param_add)). A parameter gets a slot only when it is not declared
    /// `mut` (`expand.rs`), so it cannot be assigned today; the test keeps the skip sound if
    /// `mut` parameters ever get slots.
    fn live_plain_param(&self, v: VarId) -> bool {
        self.plain.contains(&v)
            && !self.f.vars[v].reassigned
            && self.params.get(&v).is_some_and(|p| p.slot_in.is_some())
    }

    fn adj(&self, v: VarId) -> Ident {
        if let Some(d) = self.fused.as_ref().and_then(|f| f.remap.get(&v)) {
            return d.clone();
        }
        naming::adjoint(&self.f.vars[v].ident, v)
    }

    /// Whether `a` is a primitive float (a known float variable or a float literal).
    fn is_float(&self, a: &Atom) -> bool {
        match a {
            Atom::Var(v) => self.floats.contains(v),
            Atom::Const(_) => plain::is_float_literal(a),
        }
    }

    /// The empty plain slot `d` (see `plain`): `Plain(-0.0)`, or `Plain::<T>::empty()` for a
    /// scalar of a type parameter `T`.
    fn plain_empty(&self, d: &Ident) -> TokenStream {
        let rt = self.rt;
        match self.plain_generic.get(&d.to_string()) {
            Some(t) => quote! { #rt::plain::Plain::<#t>::empty() },
            None => quote! { #rt::plain::Plain(-0.0) },
        }
    }

    /// The runtime function `name` (`acc`, `acc_opt`, `acc_slot`) for the adjoint slot `d`: the
    /// plain slot's own when `d` is plain.
    fn slot_fn(&self, d: &Ident, name: &str) -> TokenStream {
        let (rt, f) = (self.rt, naming::fixed(name));
        if self.plain_adj.contains(&d.to_string()) {
            quote! { #rt::plain::#f }
        } else {
            quote! { #rt::#f }
        }
    }

    fn ident(&self, v: VarId) -> &Ident {
        &self.f.vars[v].ident
    }

    // ----- analysis helpers -------------------------------------------------------------

    /// Whether the statement has reverse work (defines an active variable somewhere inside).
    fn work(&self, s: &Stmt) -> bool {
        match s {
            Stmt::Let {
                var, init: Some(_), ..
            }
            | Stmt::Assign { var, .. } => self.act.active(*var),
            Stmt::IndexWrite { base, .. } | Stmt::Push { base, .. } => self.act.active(*base),
            Stmt::Scope(b) => self.block_work(b),
            Stmt::Branch { arms, .. } => arms.iter().any(|b| self.block_work(b)),
            Stmt::Loop { body, .. } => self.block_work(body),
            _ => false,
        }
    }

    fn block_work(&self, b: &Block) -> bool {
        b.stmts.iter().any(|s| self.work(s))
    }

    /// Whether control can leave `s` by a jump (to a loop outside `s`, or out of the function).
    /// The exit test of a top-exit loop (see `top_exit`) is not a jump for its body's records.
    fn may_exit(&self, s: &Stmt) -> bool {
        fn go(s: &Stmt, inner: &mut Vec<LoopId>, quiet: &HashSet<LoopId>) -> bool {
            match s {
                Stmt::Return => true,
                Stmt::Break { target } => !inner.contains(target) && !quiet.contains(target),
                Stmt::Continue { target } => !inner.contains(target),
                Stmt::Scope(b) => b.stmts.iter().any(|s| go(s, inner, quiet)),
                Stmt::Branch { arms, .. } => arms
                    .iter()
                    .any(|b| b.stmts.iter().any(|s| go(s, inner, quiet))),
                Stmt::Loop { id, body } => {
                    inner.push(*id);
                    let r = body.stmts.iter().any(|s| go(s, inner, quiet));
                    inner.pop();
                    r
                }
                _ => false,
            }
        }
        go(s, &mut Vec::new(), &self.top_exit)
    }

    /// Whether loop `id` with body `body` is left only by its exit test: the body's first
    /// statement is a branch with one arm that is exactly `break` of this loop, nothing else in
    /// the body can jump out, and no `continue` targets it (`for` over a range or a container,
    /// `while c`, `while let`). Every trip but the last then runs the whole body and the last
    /// runs only the test, so the loop records its trip count and nothing else.
    fn is_top_exit(&self, id: LoopId, body: &Block) -> bool {
        if self.f.loops[id].has_continue {
            return false;
        }
        let Some(Stmt::Branch { arms, .. }) = body.stmts.first() else {
            return false;
        };
        let is_exit =
            |b: &Block| matches!(b.stmts.as_slice(), [Stmt::Break { target }] if *target == id);
        if arms.iter().filter(|a| is_exit(a)).count() != 1 {
            return false;
        }
        let others_stay = arms
            .iter()
            .filter(|a| !is_exit(a))
            .all(|a| !a.stmts.iter().any(|s| self.may_exit(s)));
        others_stay && !body.stmts[1..].iter().any(|s| self.may_exit(s))
    }

    /// The forward expression of an atom.
    pub fn atom_fwd(&self, a: &Atom) -> TokenStream {
        match a {
            Atom::Var(v) => {
                let i = self.ident(*v);
                quote! { #i }
            }
            Atom::Const(c) => quote! { (#c) },
        }
    }

    /// How the reverse sweep reads `a`: (forward save code, read expression of type `&T`).
    /// Reads are bound to locals at the start of the operation's reverse code, unconditionally,
    /// so loop cursors stay in step.
    fn read(&mut self, a: &Atom, place: Place) -> (TokenStream, TokenStream) {
        self.read_depth(a, place, 0)
    }

    fn read_depth(&mut self, a: &Atom, place: Place, depth: usize) -> (TokenStream, TokenStream) {
        match a {
            Atom::Const(c) => (TokenStream::new(), quote! { &(#c) }),
            Atom::Var(v) if self.fused.is_some() => {
                // a fused loop's rules run in the forward sweep, on its locals in place
                let i = self.ident(*v);
                (TokenStream::new(), quote! { &#i })
            }
            Atom::Var(v) => {
                if let Some((id, used)) = self.affine.get_mut(v) {
                    // `start + k` on forward trip `k`, which is reverse trip `n - 1 - it`.
                    *used = true;
                    let (a, n, it) = affine_names(*id);
                    let rt = self.rt;
                    return (
                        TokenStream::new(),
                        quote! { &#rt::affine_index(#a, #n - 1 - #it) },
                    );
                }
                if let Some(p) = self.params.get(v) {
                    if !self.f.vars[*v].reassigned {
                        return (TokenStream::new(), p.read.clone());
                    }
                }
                if let Some(r) = self.recipe_read(*v) {
                    return (TokenStream::new(), r);
                }
                if let Some(r) = self.recompute(*v, place, depth) {
                    return r;
                }
                if let Some((local, used)) = self.block_saved.get_mut(v) {
                    *used = true;
                    return (TokenStream::new(), quote! { #local });
                }
                if let Some(r) = self.version_read(*v) {
                    return (TokenStream::new(), r);
                }
                let (i, rt) = (self.ident(*v).clone(), self.rt);
                if self.f.vars[*v].is_ref {
                    // Save the value behind the reference, owned (a `&[f64]` keeps a `Vec`): the
                    // reference may borrow a local of the forward sweep.
                    self.save_version(*v, quote! { #rt::own_referent(#i) }, place)
                } else if place.in_loop && self.dense.contains(v) {
                    // a dense local per trip: its elements on a tape, no clone (`flat`)
                    self.flat_read(*v, place)
                } else {
                    self.save_version(*v, quote! { ::core::clone::Clone::clone(&#i) }, place)
                }
            }
        }
    }

    /// Records the adjoint type of a variable read by named field (see `field_bases`).
    fn witness(&self, v: VarId) -> TokenStream {
        if self.dense.contains(&v) {
            let (w, i, rt) = (naming::fixed(&format!("__wd{v}")), self.ident(v), self.rt);
            return quote! { #w = ::core::option::Option::Some(#rt::dense_witness(&#i)); };
        }
        if !self.field_bases.contains(&v) {
            return TokenStream::new();
        }
        let (w, i, rt) = (naming::fixed(&format!("__w{v}")), self.ident(v), self.rt);
        quote! { #w = ::core::option::Option::Some(#rt::witness(&#i)); }
    }

    /// The index shape of `base` (which fixes its adjoint's type): computed from a parameter in
    /// the reverse sweep, or saved where a local is indexed. Returns (forward save, read of type `&Shape`).
    fn shape(&mut self, base: VarId, place: Place) -> (TokenStream, TokenStream) {
        let rt = self.rt.clone();
        if let Some(p) = self.params.get(&base) {
            if !self.f.vars[base].reassigned {
                let r = &p.read;
                return (
                    TokenStream::new(),
                    quote! { &#rt::IndexShape::index_shape(#r) },
                );
            }
        }
        if self.param_row(base) {
            // a row of a parameter, read again in the parameter (see `recompute`)
            let (save, row) = self.read(&Atom::Var(base), place);
            return (save, quote! { &#rt::IndexShape::index_shape(#row) });
        }
        let b = self.ident(base).clone();
        self.save(quote! { #rt::IndexShape::index_shape(&#b) }, place)
    }

    /// [`Self::shape`] of `base`, its save added to `pre` and its value bound as `__shape` in
    /// `reads`: the name a rule's add reads it by.
    fn bind_shape(
        &mut self,
        base: VarId,
        place: Place,
        pre: &mut TokenStream,
        reads: &mut TokenStream,
    ) -> Ident {
        let (save, shape) = self.shape(base, place);
        pre.extend(save);
        let sh = naming::fixed("__shape");
        reads.extend(quote! { let #sh = *#shape; });
        sh
    }

    // ----- blocks and statements ----------------------------------------------------------
}

/// Declares the record tape `tape` (records of type `ty`), made with room for the length the
/// same tape had at the end of the last call's forward sweep (`records.rs`: one allocation, no
/// regrowth), and at the head of the reverse sweep notes its length for the next call and reads
/// it back as a slice (its pointer and length loaded once, not the tape's inline-or-heap test on
/// every read of a loop's reverse sweep).
fn sized_tape(
    rt: &TokenStream,
    tape: &Ident,
    which: &str,
    ty: TokenStream,
    decls: &mut TokenStream,
    head: &mut TokenStream,
) {
    let len = naming::tape_len(which);
    decls.extend(quote! {
        static #len: ::core::sync::atomic::AtomicUsize = ::core::sync::atomic::AtomicUsize::new(0);
        let mut #tape: #rt::Tape<#ty> = #rt::tape_sized(&#len);
    });
    head.extend(quote! {
        #rt::learn_tape_len(&#len, #tape.len());
        let #tape: &[#ty] = &#tape;
    });
}

/// The value a loop's trip count `tr` is recorded as: through a barrier when it goes into a
/// slot. A count popped from the control tape is opaque to LLVM; one it can follow from the
/// forward loop to the reverse loop (`0..x.len() - 1` both ways) lets it pair adjacent element
/// adjoint adds into one 16-byte read-modify-write that partly overlaps the next trip's, a
/// store-forwarding stall (Rosenbrock 0.24 → 0.97 µs). At the store the barrier costs less
/// than at the read (Huber fit through a helper 10.7 → 9.1 µs).
fn trip_count(slot: Option<usize>, tr: &Ident) -> TokenStream {
    match slot {
        Some(_) => quote! { ::core::hint::black_box(#tr) },
        None => quote! { #tr },
    }
}
