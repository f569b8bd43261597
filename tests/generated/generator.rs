//! The program generator: from a seed, `count` random, well-formed `#[differentiable]` functions
//! `g0 .. g{count-1}`, each `fn gK<T: Real>(x: T, y: T, n: usize) -> T`, from a small grammar
//! covering the constructs the macro supports: nested `for` loops whose bounds depend on `n` and
//! on the enclosing loop's index, `while` loops with labelled `break` / `continue`, branches and
//! `if` expressions, early `return`, shadowing, compound and aliasing assignment, local `Vec`s and
//! arrays with index writes, in-place operations (`swap`, `reverse`, `fill`, `insert`, `remove`,
//! `push` / `pop`, `truncate`, `std::mem::swap`), pattern bindings (`match` with guards, tuple
//! patterns, `while let Some(p) = v.pop()`), calls of earlier generated functions, and the float
//! methods. Values are kept bounded (updates in loops go through `tanh`, `sin`, small factors) so
//! the oracles compare well-scaled numbers. The same seed always gives the same program.

/// The seed CI runs.
pub const DEFAULT_SEED: u64 = 20261130;
/// How many functions CI runs.
pub const DEFAULT_COUNT: usize = 300;

/// xorshift64*: small, fast, and fixed forever (so a seed names one program). The slice
/// generator draws from it too.
pub(crate) struct Rng(pub(crate) u64);

impl Rng {
    pub(crate) fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    pub(crate) fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    pub(crate) fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
    /// One of `xs`, uniformly.
    pub(crate) fn pick<'a>(&mut self, xs: &[&'a str]) -> &'a str {
        xs[self.below(xs.len())]
    }
}

struct Gen {
    rng: Rng,
    /// Float variables in scope, innermost scope last; `true` when assignable.
    scopes: Vec<Vec<(String, bool)>>,
    fresh: usize,
    /// Index of the function being written (it may call `g0 .. g{k-1}`).
    k: usize,
    calls_left: usize,
    /// Enclosing loops: (label, index variable if a `for`).
    loops: Vec<(String, Option<String>)>,
    out: String,
    indent: usize,
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

    fn vars(&self) -> Vec<(String, bool)> {
        self.scopes.iter().flatten().cloned().collect()
    }

    fn var(&mut self) -> String {
        let vs = self.vars();
        vs[self.rng.below(vs.len())].0.clone()
    }

    fn mutable_var(&mut self) -> String {
        let vs: Vec<String> = self
            .vars()
            .into_iter()
            .filter(|v| v.1)
            .map(|v| v.0)
            .collect();
        vs[self.rng.below(vs.len())].clone()
    }

    fn declare(&mut self, name: &str, mutable: bool) {
        self.scopes
            .last_mut()
            .expect("a scope")
            .push((name.to_string(), mutable));
    }

    fn leaf(&mut self) -> String {
        if self.rng.chance(25) {
            ["c0", "c1", "c2", "one"][self.rng.below(4)].to_string()
        } else {
            self.var()
        }
    }

    fn expr(&mut self, depth: usize) -> String {
        if depth == 0 || self.rng.chance(25) {
            return self.leaf();
        }
        let d = depth - 1;
        match self.rng.below(17) {
            0 => format!("({} + {})", self.expr(d), self.expr(d)),
            1 => format!("({} - {})", self.expr(d), self.expr(d)),
            2 => format!("({} * {})", self.expr(d), self.expr(d)),
            3 => {
                let b = self.expr(d);
                format!("({} / ({b} * {b} + one))", self.expr(d))
            }
            4 => format!("({}).sin()", self.expr(d)),
            5 => format!("({}).cos()", self.expr(d)),
            6 => format!("({}).tanh()", self.expr(d)),
            7 => format!("({}).atan()", self.expr(d)),
            8 => {
                let b = self.expr(d);
                format!("(({b}) * ({b}) + one).sqrt()")
            }
            9 => {
                let b = self.expr(d);
                format!("(({b}) * ({b}) + one).ln()")
            }
            10 => format!("({}).max({})", self.expr(d), self.expr(d)),
            11 => format!("({}).min({})", self.expr(d), self.expr(d)),
            12 => format!("({}).tanh().exp()", self.expr(d)),
            13 => format!("({}).abs()", self.expr(d)),
            14 => format!("({}).powi(2)", self.expr(d)),
            15 if self.k > 0 && self.calls_left > 0 && self.loops.is_empty() => {
                self.calls_left -= 1;
                let j = self.k - 1 - self.rng.below(self.k.min(8));
                format!("g{j}({}, {}, n)", self.expr(d), self.expr(d))
            }
            _ => format!("({} * c2 + {})", self.expr(d), self.leaf()),
        }
    }

    /// A bounded value for updates inside loops.
    fn bounded(&mut self, depth: usize) -> String {
        let e = self.expr(depth);
        match self.rng.below(3) {
            0 => format!("({e}).tanh()"),
            1 => format!("({e}).sin()"),
            _ => format!("({e}).atan()"),
        }
    }

    fn cond(&mut self) -> String {
        let op = [">", "<", ">=", "<="][self.rng.below(4)];
        format!("{} {op} {}", self.expr(2), self.expr(2))
    }

    fn block(&mut self, depth: usize, len: usize) {
        self.scopes.push(Vec::new());
        self.indent += 1;
        for _ in 0..len {
            self.stmt(depth);
        }
        self.indent -= 1;
        self.scopes.pop();
    }

    fn stmt(&mut self, depth: usize) {
        let in_loop = !self.loops.is_empty();
        let choice = if depth == 0 {
            self.rng.below(4)
        } else {
            self.rng.below(24)
        };
        match choice {
            0 => {
                let v = self.name("a");
                let e = self.expr(3);
                self.line(&format!("let mut {v} = {e};"));
                self.declare(&v, true);
            }
            1 => {
                let v = self.mutable_var();
                let e = self.bounded(2);
                let s = match self.rng.below(5) {
                    0 => format!("{v} = {e} + {v} * c0;"),
                    1 => format!("{v} += {e} * c2;"),
                    2 => format!("{v} *= {e} * c2 + one;"),
                    3 => format!("{v} -= {e} * c0;"),
                    _ => {
                        let w = self.var();
                        format!("{v} = ({v} * {w}).tanh() + {v} * c0;")
                    }
                };
                self.line(&s);
            }
            2 => {
                // shadowing
                let v = self.var();
                let e = self.bounded(2);
                self.line(&format!("let mut {v} = {v} * c0 + {e};"));
                self.declare(&v, true);
            }
            3 => {
                let v = self.name("a");
                let (c, a, b) = (self.cond(), self.expr(2), self.expr(2));
                self.line(&format!(
                    "let mut {v} = if {c} {{ {a} }} else {{ {b} * c0 }};"
                ));
                self.declare(&v, true);
            }
            4 | 5 => {
                let c = self.cond();
                self.line(&format!("if {c} {{"));
                let len = 1 + self.rng.below(3);
                self.block(depth - 1, len);
                self.line("} else {");
                let len = 1 + self.rng.below(2);
                self.block(depth - 1, len);
                self.line("}");
            }
            6 | 7 if self.loops.len() < 3 => {
                let i = self.name("i");
                let label = self.name("'l");
                let bound = match self.loops.iter().rev().find_map(|l| l.1.clone()) {
                    Some(outer) if self.rng.chance(50) => format!("{outer} + 1"),
                    _ => format!("n % {} + 1", 2 + self.rng.below(3)),
                };
                let labelled = self.rng.chance(40);
                let head = if labelled {
                    format!("{label}: for {i} in 0..{bound} {{")
                } else {
                    format!("for {i} in 0..{bound} {{")
                };
                self.line(&head);
                self.loops.push((
                    if labelled { label } else { String::new() },
                    Some(i.clone()),
                ));
                self.indent += 1;
                let v = self.mutable_var();
                let e = self.bounded(2);
                self.line(&format!("let w{i} = T::from_f64({i} as f64 * 0.5);"));
                self.line(&format!("{v} += ({e} + w{i}).sin() * c2;"));
                self.indent -= 1;
                let len = 1 + self.rng.below(3);
                self.block(depth - 1, len);
                self.loops.pop();
                self.line("}");
            }
            8 if self.loops.len() < 3 => {
                let k = self.name("k");
                let label = self.name("'w");
                self.line(&format!("let mut {k} = 0usize;"));
                self.line(&format!("{label}: while {k} < n % 3 + 2 {{"));
                self.indent += 1;
                self.line(&format!("{k} += 1;"));
                let c = self.cond();
                self.line(&format!("if {c} {{ continue {label}; }}"));
                self.indent -= 1;
                self.loops.push((label.clone(), None));
                let len = 1 + self.rng.below(2);
                self.block(depth - 1, len);
                self.loops.pop();
                self.indent += 1;
                let c = self.cond();
                self.line(&format!("if {c} {{ break {label}; }}"));
                self.indent -= 1;
                self.line("}");
            }
            9 if in_loop => {
                // break / continue, possibly to an outer labelled loop
                let labels: Vec<String> = self
                    .loops
                    .iter()
                    .map(|l| l.0.clone())
                    .filter(|l| !l.is_empty())
                    .collect();
                let target = if !labels.is_empty() && self.rng.chance(60) {
                    format!(" {}", labels[self.rng.below(labels.len())])
                } else {
                    String::new()
                };
                let kw = if self.rng.chance(50) {
                    "break"
                } else {
                    "continue"
                };
                let c = self.cond();
                self.line(&format!("if {c} {{ {kw}{target}; }}"));
            }
            10 => {
                let (c, e) = (self.cond(), self.expr(2));
                self.line(&format!("if {c} {{ return {e}; }}"));
            }
            11 | 12 => self.vec_snippet(),
            13 => {
                let v = self.mutable_var();
                let (a, b) = (self.expr(2), self.expr(2));
                let (p, q) = (self.name("p"), self.name("q"));
                self.line(&format!("match ({a}, {b}) {{"));
                self.line(&format!(
                    "    ({p}, {q}) if {p} > {q} => {{ {v} += ({p} * {q}).sin() * c2; }}"
                ));
                self.line(&format!(
                    "    ({p}, {q}) => {{ {v} -= ({p} - {q}).tanh() * c0; }}"
                ));
                self.line("}");
            }
            14 => {
                let v = self.mutable_var();
                let a = self.expr(2);
                let z = self.name("z");
                self.line(&format!("{v} = match {a} {{"));
                self.line(&format!("    {z} if {z} > c0 => ({z} * {v}).tanh(),"));
                self.line(&format!("    {z} => {z}.sin() * c0 + {v} * c2,"));
                self.line("};");
            }
            15 => {
                let v = self.mutable_var();
                let st = self.name("st");
                let p = self.name("p");
                let (a, b) = (self.expr(2), self.expr(2));
                self.line(&format!("let mut {st} = vec![{a}, {b}];"));
                self.line(&format!("while let Some({p}) = {st}.pop() {{"));
                self.line(&format!("    {v} = ({v} + {p} * c1).tanh();"));
                self.line("}");
            }
            16 => {
                let vs: Vec<String> = self
                    .vars()
                    .into_iter()
                    .filter(|v| v.1)
                    .map(|v| v.0)
                    .collect();
                if vs.len() >= 2 {
                    let i = self.rng.below(vs.len());
                    let j = (i + 1 + self.rng.below(vs.len() - 1)) % vs.len();
                    if vs[i] != vs[j] {
                        self.line(&format!("std::mem::swap(&mut {}, &mut {});", vs[i], vs[j]));
                    }
                }
            }
            17 => {
                let v = self.mutable_var();
                let ar = self.name("ar");
                let (a, b, c) = (self.expr(2), self.expr(2), self.bounded(1));
                self.line(&format!("let mut {ar} = [{a}, {b}];"));
                self.line(&format!("{ar}[1] = {ar}[0] * {c};"));
                self.line(&format!("{v} += {ar}[1] * c2 + {ar}[0].sin() * c2;"));
            }
            18 => self.tuple_snippet(),
            19 => self.option_snippet(),
            20 => self.adapted_loop_snippet(),
            21 => self.stencil_snippet(),
            22 => self.order_snippet(),
            _ => {
                let v = self.name("a");
                let e = self.expr(4);
                self.line(&format!("let mut {v} = {e};"));
                self.declare(&v, true);
            }
        }
    }

    /// A tuple held in a variable, read by a `let` pattern, a `match` (arms may read only some
    /// fields), or field access; sometimes reassigned first.
    fn tuple_snippet(&mut self) {
        let t = self.name("t");
        let (a, b) = (self.expr(2), self.expr(2));
        let v = self.mutable_var();
        if self.rng.chance(40) {
            self.line(&format!("let mut {t} = ({a}, {b});"));
            let c = self.bounded(1);
            self.line(&format!("{t} = ({t}.1 * c0, ({t}.0 + {c}).tanh());"));
        } else {
            self.line(&format!("let {t} = ({a}, {b});"));
        }
        let (p, q) = (self.name("p"), self.name("q"));
        let s = match self.rng.below(5) {
            0 => format!("let ({p}, {q}) = {t}; {v} += ({p} * {q}).sin() * c2;"),
            1 => format!("let ({p}, _) = {t}; {v} += {p}.tanh() * c2;"),
            2 => format!("let (_, {q}) = {t}; {v} -= {q}.sin() * c0;"),
            3 => format!(
                "match {t} {{ ({p}, {q}) if {p} > {q} => {{ {v} += ({p} * {q}).sin() * c2; }} ({p}, _) => {{ {v} -= {p}.tanh() * c0; }} }}"
            ),
            _ => format!("{v} += {t}.0 * c2 + {t}.1.sin() * c0;"),
        };
        self.line(&s);
    }

    /// Reads that depend on Rust's evaluation order and on changes out of an assignment
    /// statement: a counter bumped in a `while` condition indexing a local array, a tuple `let`
    /// that rebinds names its initialiser reads, an operand read before a later operand's block
    /// assigns it.
    fn order_snippet(&mut self) {
        let v = self.mutable_var();
        match self.rng.below(3) {
            0 => {
                let (ar, c) = (self.name("ar"), self.name("ctr"));
                let (a, b, d) = (self.bounded(1), self.expr(2), self.bounded(1));
                self.line(&format!("let {ar} = [{a}, {b}, {d}];"));
                self.line(&format!("let mut {c} = 0usize;"));
                self.line(&format!(
                    "while {{ {c} += 1; {c} < 3 }} {{ {v} += {ar}[{c}] * {ar}[{c} - 1] * c2; }}"
                ));
            }
            1 => {
                let (p, q) = (self.name("p"), self.name("q"));
                let (a, b) = (self.expr(2), self.bounded(1));
                self.line(&format!("let ({p}, {q}) = ({a}, {b});"));
                self.line(&format!("let ({p}, {q}) = ({q}, {p} * c0);"));
                self.line(&format!("{v} += {p} * c2 + {q}.sin() * c0;"));
            }
            _ => {
                let w = self.mutable_var();
                let e = self.bounded(1);
                self.line(&format!(
                    "{v} = {w} * c2 + {{ {w} = {w} * {e}; {w} }} * c0;"
                ));
            }
        }
    }

    /// An `Option` held in a variable (from a branch, from a `Vec` by `pop` / `last` / `first` /
    /// `get`, or reassigned in a loop), matched with `if let Some(p)` or `match` with a guard.
    fn option_snippet(&mut self) {
        let o = self.name("o");
        let v = self.mutable_var();
        match self.rng.below(4) {
            0 => {
                let (c, e) = (self.cond(), self.expr(2));
                self.line(&format!(
                    "let {o}: Option<T> = if {c} {{ Some({e}) }} else {{ None }};"
                ));
            }
            1 => {
                let w = self.name("w");
                let (a, b) = (self.expr(2), self.expr(2));
                let pick = self.rng.below(4);
                let m = if pick == 0 { "mut " } else { "" };
                self.line(&format!("let {m}{w} = vec![{a}, {b}];"));
                let take = match pick {
                    0 => format!("{w}.pop()"),
                    1 => format!("{w}.last().copied()"),
                    2 => format!("{w}.first().copied()"),
                    _ => format!("{w}.get(n % 3).copied()"),
                };
                self.line(&format!("let {o} = {take};"));
                self.line(&format!("{v} += {w}[0] * c2;"));
            }
            2 => {
                let w = self.name("w");
                self.line(&format!("let mut {w}: Vec<T> = Vec::new();"));
                let (a, c) = (self.expr(2), self.cond());
                self.line(&format!("if {c} {{ {w}.push({a}); }}"));
                self.line(&format!("let {o} = {w}.pop();"));
            }
            _ => {
                let i = self.name("i");
                let e = self.bounded(2);
                self.line(&format!("let mut {o}: Option<T> = None;"));
                self.line(&format!("for {i} in 0..n % 3 {{"));
                self.line(&format!("    let w{i} = T::from_f64({i} as f64 * 0.25);"));
                self.line(&format!(
                    "    {o} = match {o} {{ Some(q) => Some((q * c1 + w{i}).tanh()), None => Some({e} + w{i}) }};"
                ));
                self.line("}");
            }
        }
        let p = self.name("p");
        if self.rng.chance(50) {
            self.line(&format!(
                "if let Some({p}) = {o} {{ {v} += ({p} * {v}).sin() * c2; }} else {{ {v} -= {v}.tanh() * c0; }}"
            ));
        } else {
            self.line(&format!(
                "match {o} {{ Some({p}) if {p} > c0 => {{ {v} += {p}.tanh() * c2; }} Some({p}) => {{ {v} -= ({p} * c0).sin(); }} None => {{ {v} *= c1; }} }}"
            ));
        }
    }

    /// A `for` loop over a local `Vec` through one to three of `skip` / `take` / `rev`, with an
    /// `enumerate` at any position.
    fn adapted_loop_snippet(&mut self) {
        let w = self.name("w");
        let (a, b, c, d) = (self.expr(2), self.expr(1), self.expr(2), self.leaf());
        self.line(&format!("let {w} = vec![{a}, {b}, {c}, {d}];"));
        let mut chain = format!("{w}.iter()");
        let enum_at = self.rng.below(4);
        let count = 1 + self.rng.below(3);
        for k in 0..count {
            if k == enum_at {
                chain.push_str(".enumerate()");
            }
            let step = match self.rng.below(3) {
                0 => format!(".skip(n % 2 + {})", self.rng.below(2)),
                1 => format!(".take(n % 3 + {})", 1 + self.rng.below(3)),
                _ => ".rev()".to_string(),
            };
            chain.push_str(&step);
        }
        let enumerated = enum_at < count;
        if !enumerated && self.rng.chance(50) {
            chain.push_str(".enumerate()");
        }
        let enumerated = enumerated || chain.ends_with(".enumerate()");
        let v = self.mutable_var();
        let e = self.bounded(1);
        let (j, p) = (self.name("j"), self.name("p"));
        if enumerated {
            self.line(&format!("for ({j}, {p}) in {chain} {{"));
            self.line(&format!(
                "    {v} += (*{p} * {e} + T::from_f64({j} as f64 * 0.5)).sin() * c2;"
            ));
        } else {
            self.line(&format!("for {p} in {chain} {{"));
            self.line(&format!("    {v} = ({v} + *{p} * c1).tanh() + {e} * c0;"));
        }
        self.line("}");
    }

    /// A local `Vec` of three elements, a few in-place operations that leave three elements,
    /// then its elements folded into a variable.
    /// A stencil on a local `Vec`: a fresh `Vec` per time step (zeros, a differentiated fill
    /// value, or a clone of the state), or a double buffer swapped after each step, whose
    /// cells read their neighbours under tests on the index (`if i > 0`, `if i + 1 < m`), a branch
    /// on the values read, then a sweep down the cells (`rev()`, `step_by`) branching on each.
    fn stencil_snippet(&mut self) {
        let (u, nx, m, i, j) = (
            self.name("u"),
            self.name("nx"),
            self.name("m"),
            self.name("i"),
            self.name("j"),
        );
        let (l, r, q) = (self.name("l"), self.name("r"), self.name("q"));
        let (a, b, c) = (self.bounded(1), self.bounded(1), self.bounded(1));
        let k = self.var();
        self.line(&format!("let mut {u} = vec![{a}, {b}, {c}, {a} * c0];"));
        self.line(&format!("let {m} = {u}.len();"));
        // 0: a fresh zero `Vec` per step; 1: a fresh `Vec` filled with a differentiated value;
        // 2: a clone of the state per step; 3: a double buffer made by `to_vec()` before the
        // loop and swapped with `std::mem::swap` after each step.
        let form = self.rng.below(4);
        if form == 3 {
            self.line(&format!("let mut {nx} = {u}.to_vec();"));
        }
        self.line("for _ in 0..n % 3 + 1 {");
        match form {
            0 => self.line(&format!("    let mut {nx} = vec![T::zero(); {m}];")),
            1 => self.line(&format!("    let mut {nx} = vec![({k}) * c1; {m}];")),
            2 => self.line(&format!("    let mut {nx} = {u}.clone();")),
            _ => {}
        }
        self.line(&format!("    for {i} in 0..{m} {{"));
        self.line(&format!(
            "        let {l} = if {i} > 0 {{ {u}[{i} - 1] }} else {{ c0 }};"
        ));
        self.line(&format!(
            "        let {r} = if {i} + 1 < {m} {{ {u}[{i} + 1] }} else {{ {u}[0] * c2 }};"
        ));
        if self.rng.chance(50) {
            self.line(&format!(
                "        {nx}[{i}] = {u}[{i}] + ({l} - {u}[{i}] * c1 + {r}) * ({k}).tanh() * c2;"
            ));
        } else {
            self.line(&format!(
                "        if {l} > {r} {{ {nx}[{i}] = ({l} * {r}).sin(); }} else {{ {nx}[{i}] = {u}[{i}] * c0 + {r} * c2; }}"
            ));
        }
        self.line("    }");
        if form == 3 {
            self.line(&format!("    std::mem::swap(&mut {u}, &mut {nx});"));
        } else {
            self.line(&format!("    {u} = {nx};"));
        }
        self.line("}");
        let v = self.mutable_var();
        if form == 3 {
            // The other buffer holds the state before the last step.
            self.line(&format!("{v} += {nx}[1] * c2;"));
        }
        let range = match self.rng.below(4) {
            0 => format!("(0..{m}).rev()"),
            1 => format!("(1..{m}).step_by(2)"),
            2 => format!("(0..{m}).rev().step_by(2)"),
            _ => format!("0..{m}"),
        };
        self.line(&format!("for {j} in {range} {{"));
        self.line(&format!("    let {q} = {u}[{j}];"));
        self.line(&format!(
            "    if {q} > c0 {{ {v} += {q} * {q} * c2; }} else {{ {v} -= {q} * c0; }}"
        ));
        self.line("}");
    }

    fn vec_snippet(&mut self) {
        let w = self.name("w");
        let (a, b, c) = (self.expr(2), self.expr(2), self.expr(2));
        self.line(&format!("let mut {w} = vec![{a}, {b}, {c}];"));
        for _ in 0..1 + self.rng.below(3) {
            let s = match self.rng.below(9) {
                0 => format!("{w}.swap(0, 2);"),
                1 => format!("{w}.reverse();"),
                2 => format!("{w}[1] = {};", self.bounded(2)),
                3 => format!("{w}.fill({});", self.bounded(1)),
                4 => {
                    let r = self.name("r");
                    let v = self.mutable_var();
                    format!(
                        "{w}.insert(1, {}); let {r} = {w}.remove(2); {v} += {r} * c2;",
                        self.bounded(2)
                    )
                }
                5 => {
                    let r = self.name("r");
                    let v = self.mutable_var();
                    format!(
                        "{w}.push({}); let {r} = {w}.pop().unwrap(); {v} += {r}.sin() * c2;",
                        self.bounded(2)
                    )
                }
                6 => format!("{w}.truncate(2); {w}.push({});", self.bounded(2)),
                7 => format!(
                    "for q in 0..{w}.len() {{ {w}[q] = {w}[q] * c0 + {}; }}",
                    self.bounded(1)
                ),
                _ => {
                    let v = self.mutable_var();
                    format!("{w}.remove(0); {w}.push({v} * c2);")
                }
            };
            self.line(&s);
        }
        let v = self.mutable_var();
        self.line(&format!(
            "{v} += {w}[0] * c2 + ({w}[1] * {w}[2]).sin() * c0;"
        ));
    }

    fn function(&mut self, k: usize) -> String {
        self.k = k;
        self.calls_left = 2;
        self.out.clear();
        self.scopes = vec![vec![("x".into(), false), ("y".into(), false)]];
        self.loops.clear();
        self.line("#[differentiable]");
        self.line(&format!(
            "pub fn g{k}<T: Real>(x: T, y: T, n: usize) -> T {{"
        ));
        self.indent = 1;
        self.line("let c0 = T::from_f64(0.5);");
        self.line("let c1 = T::from_f64(1.5);");
        self.line("let c2 = T::from_f64(0.25);");
        self.line("let one = T::one();");
        self.line("let mut a0 = x * c0 + y;");
        self.line("let mut a1 = y * c1 - x * c2;");
        self.declare("a0", true);
        self.declare("a1", true);
        for _ in 0..3 + self.rng.below(5) {
            self.stmt(3);
        }
        let e = self.expr(3);
        self.line(&format!("a0 * c0 + a1 + {e}"));
        self.indent = 0;
        self.line("}");
        std::mem::take(&mut self.out)
    }
}

/// The whole generated file: the functions and `cases()`, their table.
pub fn program(seed: u64, count: usize) -> String {
    let mut g = Gen {
        rng: Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1),
        scopes: Vec::new(),
        fresh: 0,
        k: 0,
        calls_left: 0,
        loops: Vec::new(),
        out: String::new(),
        indent: 0,
    };
    let mut src = format!("// Generated by generator.rs from seed {seed}, {count} functions.\n\n");
    let mut table = String::from(
        "/// Every generated function.\npub fn cases() -> Vec<crate::Case> {\n    vec![\n",
    );
    for k in 0..count {
        let f = g.function(k);
        src.push_str(&f);
        src.push('\n');
        table.push_str(&format!(
            "        crate::Case {{ name: \"g{k}\", f: |x, y, n| g{k}(x, y, n), \
             grad: |x, y, n| g{k}_grad(x, y, n), \
             jvp: |x, y, n, dx, dy| g{k}_jvp(x, y, n, dx, dy), \
             dual: |x, y, n, dx, dy| {{ let r = g{k}(Dual::new(x, dx), Dual::new(y, dy), n); (r.re, r.eps) }}, \
             source: r#\"{f}\"# }},\n"
        ));
    }
    table.push_str("    ]\n}\n");
    src.push_str(&table);
    src
}
