//! The slice-program generator: from a seed, `count` random `#[differentiable]` functions
//! `s0 .. s{count-1}`, each `fn sK<T: Real>(p: &[T], q: &[T], s: T, n: usize) -> T` (sometimes with
//! `q` marked `#[no_grad]`), over inputs with `p.len() >= 5` and `q.len() >= 4`, and helpers
//! `hK` they call. The grammar leans on what the loop optimisations of the macro target: sums over
//! trips that branch into one float (`+=` in each arm, a chosen value, `max`/`min` scans),
//! strided, reversed and offset indices (`p[m - 1 - i]`, `q[i % mq]`, `step_by`, `rev()`),
//! window reads `u[i - 1]` / `u[i + 1]` under index tests, local `Vec`s (`to_vec()`,
//! `vec![T::zero(); m]`, `push` read back, moves `u = next`, three-level rotations,
//! `std::mem::swap`), grids `g[i][j]`, `while` loops with data-dependent exits and `break`, and
//! calls of helpers with whole slices, ranges `&p[a..b]`, locals and elements, inside loops too,
//! and of earlier generated functions; loops over `iter()`, `zip`, `windows`, `chunks`; `break`,
//! `continue` and `return` in loops; an integer counter read in indices and conditions. One in
//! five functions is `fn sK<T: Real>(x: T, y: T, n: usize) -> T` instead, building `p` and `q`
//! as local `Vec`s from `x` and `y` (its gradient is taken by tangent sweeps). Values are kept
//! bounded (`tanh`, `sin`, `atan`, small factors). The same seed always gives the same program.

#[path = "slice_snippets.rs"]
mod snippets;

use super::generator::Rng;

/// The seed CI runs.
pub const DEFAULT_SEED: u64 = 20261206;
/// How many functions CI runs.
pub const DEFAULT_COUNT: usize = 90;

/// A copy of `p` or of a local (`to_vec()`; `clone()` copies are written elsewhere).
fn copy_of(src: &str) -> String {
    format!("{src}.to_vec()")
}

/// An enclosing index loop over `0..m`: its variable and whether `i - 1` / `i + 1` are in range.
#[derive(Clone)]
struct Idx {
    i: String,
    has_prev: bool,
    has_next: bool,
}

struct Gen {
    rng: Rng,
    /// Float variables in scope, innermost scope last (all assignable).
    scopes: Vec<Vec<String>>,
    /// Local `Vec<T>`s of length `m` in scope, innermost scope last.
    vec_scopes: Vec<Vec<String>>,
    /// Enclosing index loops.
    idx: Vec<Idx>,
    fresh: usize,
    out: String,
    indent: usize,
    /// Helpers written so far: (name, takes a slice).
    helpers: Vec<(String, bool)>,
    /// Main functions written so far.
    mains: usize,
    /// The main functions a caller may call: `q` differentiated (a caller may pass an active `q`)
    /// and no calls of their own.
    callable: Vec<usize>,
    calls_left: usize,
    /// Whether the function being written is over two floats, with `p` and `q` local `Vec`s.
    scalar: bool,
}

impl Gen {
    fn line(&mut self, s: &str) {
        for _ in 0..self.indent {
            self.out.push_str("    ");
        }
        self.out.push_str(s);
        self.out.push('\n');
    }

    fn name(&mut self, prefix: &str) -> String {
        self.fresh += 1;
        format!("{prefix}{}", self.fresh)
    }

    fn var(&mut self) -> String {
        let vs: Vec<String> = self.scopes.iter().flatten().cloned().collect();
        vs[self.rng.below(vs.len())].clone()
    }

    fn vecs(&self) -> Vec<String> {
        self.vec_scopes.iter().flatten().cloned().collect()
    }

    fn declare(&mut self, v: &str) {
        self.scopes.last_mut().expect("scope").push(v.to_string());
    }

    fn declare_vec(&mut self, v: &str) {
        self.vec_scopes
            .last_mut()
            .expect("scope")
            .push(v.to_string());
    }

    fn push_scope(&mut self) {
        self.scopes.push(Vec::new());
        self.vec_scopes.push(Vec::new());
    }

    fn pop_scope(&mut self) {
        self.scopes.pop();
        self.vec_scopes.pop();
    }

    /// A slice of length `m`: `p` or a local.
    fn m_slice(&mut self) -> String {
        let mut vs = self.vecs();
        vs.push("p".into());
        vs[self.rng.below(vs.len())].clone()
    }

    /// An element read at the innermost index loop's variable.
    fn elem(&mut self) -> String {
        let Some(ix) = self.idx.last().cloned() else {
            let v = self.m_slice();
            let k = self.rng.below(4);
            return format!("{v}[{k}]");
        };
        let i = &ix.i;
        let v = self.m_slice();
        match self.rng.below(9) {
            0 | 1 => format!("{v}[{i}]"),
            2 => format!("q[{i} % mq]"),
            3 => format!("{v}[m - 1 - {i}]"),
            4 => format!("q[{i} / 2]"),
            5 if ix.has_prev => format!("{v}[{i} - 1]"),
            6 if ix.has_next => format!("{v}[{i} + 1]"),
            5 => format!("(if {i} > 0 {{ {v}[{i} - 1] }} else {{ c0 }})"),
            6 => format!("(if {i} + 1 < m {{ {v}[{i} + 1] }} else {{ s * c2 }})"),
            7 if self.rng.chance(50) => format!("{v}[ct % m]"),
            7 => format!("{v}[({i} * 3 + 1) % m]"),
            _ => format!("{v}[{i}]"),
        }
    }

    fn leaf(&mut self) -> String {
        match self.rng.below(10) {
            0 => self.rng.pick(&["c0", "c1", "c2", "one"]).to_string(),
            1..=4 => self.elem(),
            5 => "s".to_string(),
            _ => self.var(),
        }
    }

    fn expr(&mut self, depth: usize) -> String {
        if depth == 0 || self.rng.chance(20) {
            return self.leaf();
        }
        let d = depth - 1;
        match self.rng.below(15) {
            0 => format!("({} + {})", self.expr(d), self.expr(d)),
            1 => format!("({} - {})", self.expr(d), self.expr(d)),
            2 | 3 => format!("({} * {})", self.expr(d), self.expr(d)),
            4 => {
                let b = self.expr(d);
                format!("({} / ({b} * {b} + one))", self.expr(d))
            }
            5 => format!("({}).sin()", self.expr(d)),
            6 => format!("({}).tanh()", self.expr(d)),
            7 => format!("({}).atan()", self.expr(d)),
            8 => {
                let b = self.expr(d);
                format!("(({b}) * ({b}) + c2).sqrt()")
            }
            9 => format!("({}).max({})", self.expr(d), self.expr(d)),
            10 => format!("({}).min({})", self.expr(d), self.expr(d)),
            11 => format!("({}).tanh().exp()", self.expr(d)),
            12 => format!("({}).abs()", self.expr(d)),
            13 => format!("({}).powi(2)", self.expr(d)),
            _ => format!("({} * c2 + {})", self.expr(d), self.leaf()),
        }
    }

    fn bounded(&mut self, depth: usize) -> String {
        let e = self.expr(depth);
        match self.rng.below(3) {
            0 => format!("({e}).tanh()"),
            1 => format!("({e}).sin()"),
            _ => format!("({e}).atan()"),
        }
    }

    fn cond(&mut self) -> String {
        if self.rng.chance(8) {
            let e = self.expr(1);
            return format!("ct % 3 == 1 || {e} > c0");
        }
        let op = self.rng.pick(&[">", "<", ">=", "<="]);
        format!("{} {op} {}", self.expr(1), self.expr(1))
    }

    /// A range of indices in `0..m` and the window reads it allows.
    fn range(&mut self) -> (String, bool, bool) {
        match self.rng.below(9) {
            0 | 1 => ("0..m".into(), false, false),
            2 => ("1..m - 1".into(), true, true),
            3 => ("(0..m).rev()".into(), false, false),
            4 => ("(0..m).step_by(2)".into(), false, false),
            5 => ("(1..m).rev().step_by(2)".into(), true, false),
            6 => ("(0..m - 1).rev()".into(), false, true),
            7 => ("0..n % m + 1".into(), false, false),
            _ => ("1..m".into(), true, false),
        }
    }

    /// Opens `for i in RANGE {`, pushing the index loop.
    fn open_for(&mut self) -> String {
        let (r, has_prev, has_next) = self.range();
        let i = self.name("i");
        self.line(&format!("for {i} in {r} {{"));
        self.idx.push(Idx {
            i: i.clone(),
            has_prev,
            has_next,
        });
        self.indent += 1;
        self.push_scope();
        i
    }

    fn close_for(&mut self) {
        self.pop_scope();
        self.indent -= 1;
        self.idx.pop();
        self.line("}");
    }

    /// One update of the float `v` by a bounded value: the forms the fused loops take.
    fn update(&mut self, v: &str) {
        let e = self.bounded(2);
        let s = match self.rng.below(8) {
            0 | 1 => format!("{v} += {e} * c2;"),
            2 => format!("{v} -= {e} * c0;"),
            3 => format!("{v} = {v}.max({e});"),
            4 => format!("{v} = {v}.min({e} * c1);"),
            5 => format!("{v} *= {e} * c2 + one;"),
            6 => format!("{v} = ({v} * c0 + {e}).tanh();"),
            _ => {
                let h = self.name("h");
                let (c, a) = (self.cond(), self.bounded(1));
                self.line(&format!("let {h} = if {c} {{ {e} }} else {{ {a} * c0 }};"));
                format!("{v} += {h} * c2;")
            }
        };
        self.line(&s);
    }

    /// A loop accumulating into a float, branching on the values it reads.
    fn fused_loop(&mut self) {
        self.open_for();
        for _ in 0..1 + self.rng.below(3) {
            self.loop_stmt();
        }
        self.close_for();
    }

    /// One statement of an index loop's body.
    fn loop_stmt(&mut self) {
        let v = self.var();
        let i = self.idx.last().expect("loop").i.clone();
        let c = self.cond();
        let vs = self.vecs();
        match self.rng.below(11) {
            0 if self.idx.len() < 2 && self.rng.chance(30) => {
                // an inner loop over `q`, nested in this one
                self.fused_loop();
            }
            0 | 1 => self.update(&v),
            9 if !self.callable.is_empty() && self.calls_left > 0 && self.rng.chance(40) => {
                // an earlier generated function called per trip, on a local the loop rewrites
                self.calls_left -= 1;
                let c = &self.callable;
                let j = c[c.len() - 1 - self.rng.below(c.len().min(4))];
                let w = self.m_slice();
                let arg = if w == "p" { w.clone() } else { format!("&{w}") };
                let x = self.expr(1);
                self.line(&format!(
                    "{v} = ({v} + s{j}({arg}, q, {x}, n) * c2).tanh();"
                ));
                if w != "p" {
                    self.line(&format!("{w}[{i}] = {w}[{i}] * c0 + {v} * c2;"));
                }
            }
            9 | 10 if !self.helpers.is_empty() => {
                // a helper called per trip, on a range or element of what the loop may write
                let (h, sl) = self.helpers[self.rng.below(self.helpers.len())].clone();
                let ix = self.idx.last().expect("loop").clone();
                let w = self.m_slice();
                let x = self.expr(1);
                let call = if sl {
                    match self.rng.below(4) {
                        0 if ix.has_next => format!("{h}(&{w}[{i}..{i} + 2], {x})"),
                        1 => format!("{h}(&{w}[{i}..], {x})"),
                        2 => format!("{h}(&{w}[..{i}], {x})"),
                        _ => format!("{h}(&{w}, {x})"),
                    }
                } else {
                    format!("{h}({w}[{i}], {x})")
                };
                let call = if self.scalar {
                    call
                } else {
                    call.replace("(&p,", "(p,")
                };
                let t = self.name("t");
                self.line(&format!("let {t} = {call};"));
                self.line(&format!(
                    "if {c} {{ {v} += {t} * c2; }} else {{ {v} -= ({t} * {v}).tanh() * c0; }}"
                ));
                if w != "p" && self.rng.chance(60) {
                    let e = self.bounded(1);
                    self.line(&format!("{w}[{i}] = ({t} + {e}) * c0;"));
                }
            }
            2 | 3 => {
                self.line(&format!("if {c} {{"));
                self.indent += 1;
                self.update(&v);
                self.indent -= 1;
                self.line("} else {");
                self.indent += 1;
                let w = self.var();
                self.update(&w);
                self.indent -= 1;
                self.line("}");
            }
            4 => {
                let t = self.name("t");
                let e = self.expr(2);
                self.line(&format!("let mut {t} = {e};"));
                self.declare(&t);
                self.line(&format!("if {c} {{ {v} += ({t}).tanh() * c2; }} else if {t} > c0 {{ {v} -= {t}.sin() * c2; }} else {{ {v} = {v}.max({t} * c2); }}"));
            }
            5 => {
                let kw = self.rng.pick(&["break", "continue", "return", "count"]);
                if kw == "count" {
                    self.line(&format!("if {c} {{ ct += 1; }}"));
                    return;
                }
                if kw == "return" {
                    let e = self.expr(1);
                    self.line(&format!("if {c} {{ return {v} * c0 + {e}; }}"));
                } else {
                    self.line(&format!("if {c} {{ {kw}; }}"));
                }
            }
            6 | 7 if !vs.is_empty() => {
                // a local written in the loop and read back (a scan, or under a branch)
                let u = vs[self.rng.below(vs.len())].clone();
                let e = self.bounded(1);
                let ix = self.idx.last().expect("loop").clone();
                if ix.has_prev && self.rng.chance(60) {
                    self.line(&format!("{u}[{i}] = ({u}[{i} - 1] * c0 + {e}).tanh();"));
                } else if self.rng.chance(50) {
                    self.line(&format!(
                        "if {c} {{ {u}[{i}] = {e}; }} else {{ {u}[m - 1 - {i}] = {u}[{i}] * c0; }}"
                    ));
                } else {
                    self.line(&format!("{u}[{i}] = {v} * c0 + {e} * c2;"));
                    self.line(&format!("{v} = ({v} + {u}[{i}]).tanh();"));
                }
            }
            _ => {
                let e = self.bounded(1);
                let t = self.name("t");
                self.line(&format!("let mut {t} = {e};"));
                self.line(&format!("if {c} {{ {t} = {t} * {v}; }}"));
                self.line(&format!("{v} += {t} * c2;"));
            }
        }
    }

    /// A fresh local `Vec` of length `m`, maybe written in a loop.
    fn new_vec(&mut self) -> String {
        let u = self.name("u");
        match self.rng.below(6) {
            0 | 1 => {
                let src = self.m_slice();
                let c = copy_of(&src);
                self.line(&format!("let mut {u} = {c};"));
            }
            2 => self.line(&format!("let mut {u} = vec![T::zero(); m];")),
            3 => {
                let e = self.bounded(1);
                self.line(&format!("let mut {u} = vec![{e}; m];"));
            }
            4 => {
                // grown with `push`, reading back what it pushed
                self.line(&format!("let mut {u}: Vec<T> = Vec::new();"));
                let i = self.name("i");
                let e = self.bounded(1);
                let prev = if self.rng.chance(50) {
                    format!("{u}[{i} - 1]")
                } else {
                    format!("{u}[{u}.len() - 1]")
                };
                self.line(&format!("for {i} in 0..m {{"));
                self.line(&format!(
                    "    let b{i} = if {i} > 0 {{ {prev} }} else {{ s }};"
                ));
                self.line(&format!(
                    "    {u}.push((b{i} * c0 + p[{i}] * c1).tanh() + {e} * c2);"
                ));
                self.line("}");
            }
            _ if self.scalar => self.line(&format!("let mut {u} = p.clone();")),
            _ => self.line(&format!("let mut {u} = Vec::from(&p[..]);")),
        }
        self.declare_vec(&u);
        if self.rng.chance(60) {
            self.open_for();
            let i = self.idx.last().expect("loop").i.clone();
            let e = self.bounded(2);
            let s = if self.rng.chance(50) {
                format!("{u}[{i}] = {e};")
            } else {
                format!("{u}[{i}] = {u}[{i}] + {e} * c2;")
            };
            self.line(&s);
            self.close_for();
        }
        u
    }

    fn stmt(&mut self, depth: usize) {
        match self.rng.below(if depth == 0 { 2 } else { 18 }) {
            16 | 17 => self.view_loop(),
            0 => {
                let v = self.name("a");
                let e = self.expr(3);
                self.line(&format!("let mut {v} = {e};"));
                self.declare(&v);
            }
            1 => {
                let v = self.var();
                self.update(&v);
            }
            2..=4 => self.fused_loop(),
            5 => {
                self.new_vec();
            }
            6 => self.stencil(),
            7 => self.grid(),
            8 => self.while_loop(),
            9 => self.nested(),
            10 | 11 => self.call_stmt(),
            12 => {
                let vs = self.vecs();
                if vs.len() >= 2 {
                    let (a, b) = (vs[0].clone(), vs[vs.len() - 1].clone());
                    self.line(&format!("std::mem::swap(&mut {a}, &mut {b});"));
                } else {
                    self.new_vec();
                }
            }
            13 => {
                let c = self.cond();
                self.line(&format!("if {c} {{"));
                self.indent += 1;
                self.push_scope();
                self.stmt(depth - 1);
                self.pop_scope();
                self.indent -= 1;
                self.line("} else {");
                self.indent += 1;
                self.push_scope();
                self.stmt(depth - 1);
                self.pop_scope();
                self.indent -= 1;
                self.line("}");
            }
            14 => {
                // a moved local read after a reassignment
                let vs = self.vecs();
                if let Some(u) = vs.last().cloned() {
                    let w = self.name("w");
                    let e = self.bounded(1);
                    self.line(&format!("let e{w} = {e};"));
                    self.line(&format!("let mut {w} = {u};"));
                    self.line(&format!("{w}[m - 1] = e{w};"));
                    self.line(&format!("{u} = {w};"));
                } else {
                    self.new_vec();
                }
            }
            _ => {
                let vs = self.vecs();
                let v = self.var();
                if let Some(u) = vs.first().cloned() {
                    let k = self.rng.below(5);
                    self.line(&format!("{v} += {u}[{k}] * c2 + {u}[m - 1].sin() * c0;"));
                } else {
                    self.fused_loop();
                }
            }
        }
    }

    /// A main function; `scalar`: over two floats `x`, `y`, from which it builds `p` and `q` as
    /// locals (the gradient of a loop over a few scalar inputs is taken by tangent sweeps).
    fn function(&mut self, k: usize, q_no_grad: bool, scalar: bool) -> String {
        self.out.clear();
        self.scalar = scalar;
        // a function over floats calls no other main function (they take slices)
        self.calls_left = usize::from(!scalar);
        self.scopes = vec![Vec::new()];
        self.vec_scopes = vec![Vec::new()];
        self.idx.clear();
        self.line("#[differentiable]");
        let nq = if q_no_grad { "#[no_grad] " } else { "" };
        if scalar {
            self.line(&format!(
                "pub fn s{k}<T: Real>(x: T, y: T, n: usize) -> T {{"
            ));
        } else {
            self.line(&format!(
                "pub fn s{k}<T: Real>(p: &[T], {nq}q: &[T], s: T, n: usize) -> T {{"
            ));
        }
        self.indent = 1;
        self.line("let c0 = T::from_f64(0.5);");
        self.line("let c1 = T::from_f64(1.5);");
        self.line("let c2 = T::from_f64(0.25);");
        self.line("let one = T::one();");
        if scalar {
            // `p` and `q` are the local `Vec`s themselves: a borrow of a local bound to a name
            // (`let p = &pv[..];`), read in a loop and passed to a call, does not compile in a
            // function over floats only (the expansion's `clone_from` gets a `&Vec` for a `&[T]`)
            self.line(
                "let p = vec![x, y * c0, (x * y).sin(), x - y * c2, (x + y).tanh(), y * y * c0];",
            );
            self.line("let q = vec![y, x * c2, (x - y).cos(), x * y];");
            self.line("let s = x * c0 - y;");
        }
        self.line("let m = p.len();");
        self.line("let mq = q.len();");
        // an integer the loops count with, read in indices and conditions
        self.line("let mut ct = 0usize;");
        self.line("let mut a0 = s * c0 + p[0] * c2;");
        self.line("let mut a1 = q[1] * c1 - s * c2;");
        self.declare("a0");
        self.declare("a1");
        for _ in 0..2 + self.rng.below(5) {
            let d = 2 + self.rng.below(2);
            self.stmt(d);
        }
        let e = self.expr(2);
        let tail = match self.vecs().first() {
            Some(u) => format!(" + {u}[m - 2] * c2"),
            None => String::new(),
        };
        self.line(&format!("a0 * c0 + a1 + {e}{tail}"));
        self.indent = 0;
        self.line("}");
        // callable: `q` differentiated, and no calls of its own (a call per trip of a function
        // that calls per trip would multiply the run time)
        if !q_no_grad && !scalar && self.calls_left == 1 {
            self.callable.push(k);
        }
        self.mains += 1;
        let f = std::mem::take(&mut self.out);
        f
    }
}

/// The whole generated file: helpers, the functions and `slice_cases()`, their table.
///
/// Functions whose index is in `skip` are generated (so the others stay the same) but left out.
pub fn program(seed: u64, count: usize, skip: &[usize]) -> String {
    let mut g = Gen {
        rng: Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1),
        scopes: Vec::new(),
        vec_scopes: Vec::new(),
        idx: Vec::new(),
        fresh: 0,
        out: String::new(),
        indent: 0,
        helpers: Vec::new(),
        mains: 0,
        callable: Vec::new(),
        calls_left: 0,
        scalar: false,
    };
    let mut src =
        format!("// Generated by slice_generator.rs from seed {seed}, {count} functions.\n\n");
    let mut table = String::from(
        "/// Every generated slice function.\npub fn slice_cases() -> Vec<crate::SliceCase> {\n    vec![\n",
    );
    for k in 0..count {
        let mut helpers = String::new();
        if g.helpers.is_empty() || g.rng.chance(35) {
            helpers = g.helper();
            helpers.push('\n');
        }
        let q_no_grad = g.rng.chance(20);
        let scalar = g.rng.chance(20);
        let q_no_grad = q_no_grad && !scalar;
        let f = g.function(k, q_no_grad, scalar);
        if skip.contains(&k) {
            g.callable.retain(|&j| j != k);
            src.push_str(&helpers);
            continue;
        }
        src.push_str(&helpers);
        src.push_str(&f);
        src.push('\n');
        // the pullback of `_vjp` called twice, each result flattened to `p ++ q ++ [s]`
        let (grad, jvp, vjp) = if scalar {
            (
                format!(
                    "|p, q, _s, n| {{ let (v, (gx, gy)) = s{k}_grad(p[0], p[1], n); let mut gp = vec![0.0; p.len()]; \
                     gp[0] = gx; gp[1] = gy; (v, gp, vec![0.0; q.len()], 0.0) }}"
                ),
                format!("|p, _q, _s, n, tp, _tq, _ts| s{k}_jvp(p[0], p[1], n, tp[0], tp[1])"),
                format!(
                    "|p, q, _s, n, c, d| {{ let (v, pb) = s{k}_vjp(p[0], p[1], n); \
                     let f = |(a, b): (f64, f64)| {{ let mut g = vec![0.0; p.len() + q.len() + 1]; g[0] = a; g[1] = b; g }}; \
                     (v, f(pb(c)), f(pb(d))) }}"
                ),
            )
        } else if q_no_grad {
            (
                format!(
                    "|p, q, s, n| {{ let (v, (gp, gs)) = s{k}_grad(p, q, s, n); (v, gp, vec![0.0; q.len()], gs) }}"
                ),
                format!("|p, q, s, n, tp, _tq, ts| s{k}_jvp(p, q, s, n, tp, ts)"),
                format!(
                    "|p, q, s, n, c, d| {{ let (v, pb) = s{k}_vjp(p, q, s, n); let z = vec![0.0; q.len()]; \
                     let f = |(a, b): (Vec<f64>, f64)| [a, z.clone(), vec![b]].concat(); (v, f(pb(c)), f(pb(d))) }}"
                ),
            )
        } else {
            (
                format!(
                    "|p, q, s, n| {{ let (v, (gp, gq, gs)) = s{k}_grad(p, q, s, n); (v, gp, gq, gs) }}"
                ),
                format!("|p, q, s, n, tp, tq, ts| s{k}_jvp(p, q, s, n, tp, tq, ts)"),
                format!(
                    "|p, q, s, n, c, d| {{ let (v, pb) = s{k}_vjp(p, q, s, n); \
                     let f = |(a, b, e): (Vec<f64>, Vec<f64>, f64)| [a, b, vec![e]].concat(); (v, f(pb(c)), f(pb(d))) }}"
                ),
            )
        };
        let (f_call, dual) = if scalar {
            (
                format!("|p, _q, _s, n| s{k}(p[0], p[1], n)"),
                format!(
                    "|p, _q, _s, n, tp, _tq, _ts| {{ let r = s{k}(Dual::new(p[0], tp[0]), Dual::new(p[1], tp[1]), n); (r.re, r.eps) }}"
                ),
            )
        } else {
            (
                format!("|p, q, s, n| s{k}(p, q, s, n)"),
                format!(
                    "|p, q, s, n, tp, tq, ts| {{ let dp: Vec<Dual<f64>> = p.iter().zip(tp).map(|(a, b)| Dual::new(*a, *b)).collect(); \
                     let dq: Vec<Dual<f64>> = q.iter().zip(tq).map(|(a, b)| Dual::new(*a, *b)).collect(); \
                     let r = s{k}(&dp, &dq, Dual::new(s, ts), n); (r.re, r.eps) }}"
                ),
            )
        };
        table.push_str(&format!(
            "        crate::SliceCase {{ name: \"s{k}\", q_no_grad: {q_no_grad}, f: {f_call}, \
             grad: {grad}, jvp: {jvp}, vjp: {vjp}, dual: {dual}, \
             source: r#\"{helpers}{f}\"# }},\n"
        ));
    }
    table.push_str("    ]\n}\n");
    src.push_str(&table);
    src
}
