//! The larger snippets of the slice-program generator (`slice_generator.rs`): stencils over
//! time steps, grids, `while` loops, nested loops, iterator loops, the helpers the functions
//! call and the calls themselves.

use super::{Gen, Idx, copy_of};

impl Gen {
    /// A stencil over time steps on a local `Vec`: a fresh `next` per step moved into the state,
    /// a double buffer swapped with `std::mem::swap`, or three levels rotated by moves.
    pub(super) fn stencil(&mut self) {
        let u = self.name("u");
        let src = self.m_slice();
        let c = copy_of(&src);
        self.line(&format!("let mut {u} = {c};"));
        let (nx, pv, i, k) = (
            self.name("nx"),
            self.name("pv"),
            self.name("i"),
            self.name("k"),
        );
        let kk = self.bounded(1);
        self.line(&format!("let {k} = ({kk}) * c2;"));
        let form = self.rng.below(4);
        match form {
            1 => self.line(&format!("let mut {nx} = {u}.clone();")),
            2 => self.line(&format!("let mut {pv} = {u}.to_vec();")),
            _ => {}
        }
        self.line("for _ in 0..n % 3 + 1 {");
        self.indent += 1;
        if form != 1 {
            if self.rng.chance(50) {
                self.line(&format!("let mut {nx} = vec![T::zero(); m];"));
            } else {
                self.line(&format!("let mut {nx} = {u}.clone();"));
            }
        }
        let interior = self.rng.chance(50);
        if interior {
            self.line(&format!("for {i} in 1..m - 1 {{"));
            self.line(&format!(
                "    {nx}[{i}] = {u}[{i}] + {k} * ({u}[{i} - 1] - {u}[{i}] * T::from_f64(2.0) + {u}[{i} + 1]);"
            ));
            self.line("}");
            self.line(&format!("{nx}[0] = {u}[0] * c0;"));
            self.line(&format!("{nx}[m - 1] = ({u}[m - 1] + {u}[m - 2]).tanh();"));
        } else {
            self.line(&format!("for {i} in 0..m {{"));
            self.line(&format!(
                "    let l{i} = if {i} > 0 {{ {u}[{i} - 1] }} else {{ s * c2 }};"
            ));
            self.line(&format!(
                "    let r{i} = if {i} + 1 < m {{ {u}[{i} + 1] }} else {{ {u}[0] * c0 }};"
            ));
            if self.rng.chance(50) {
                self.line(&format!(
                    "    if l{i} > r{i} {{ {nx}[{i}] = (l{i} * r{i} + {u}[{i}]).sin(); }} else {{ {nx}[{i}] = {u}[{i}] * c0 + r{i} * c2; }}"
                ));
            } else {
                self.line(&format!(
                    "    {nx}[{i}] = ({u}[{i}] + {k} * (l{i} - {u}[{i}] + r{i})).tanh();"
                ));
            }
            self.line("}");
        }
        match form {
            1 => self.line(&format!("std::mem::swap(&mut {u}, &mut {nx});")),
            2 => {
                // leapfrog-like: the new state also reads the previous one
                self.line(&format!(
                    "for {i} in 0..m {{ {nx}[{i}] = {nx}[{i}] * c1 - {pv}[{i}] * c0; }}"
                ));
                self.line(&format!("{pv} = {u};"));
                self.line(&format!("{u} = {nx};"));
            }
            _ => self.line(&format!("{u} = {nx};")),
        }
        self.indent -= 1;
        self.line("}");
        let v = self.var();
        match form {
            1 => self.line(&format!("{v} += {nx}[1] * c2;")),
            2 => self.line(&format!("{v} += {pv}[m - 1] * c2;")),
            _ => {}
        }
        self.declare_vec(&u);
    }

    /// A grid `Vec<Vec<T>>` of `m` rows of `mq` cells, built, smoothed and folded.
    pub(super) fn grid(&mut self) {
        let (g, i, j) = (self.name("g"), self.name("i"), self.name("j"));
        match self.rng.below(3) {
            0 => self.line(&format!("let mut {g} = vec![vec![T::zero(); mq]; m];")),
            1 => self.line(&format!("let mut {g} = vec![q.to_vec(); m];")),
            _ => {
                self.line(&format!("let mut {g}: Vec<Vec<T>> = Vec::new();"));
                self.line(&format!(
                    "for {i} in 0..m {{ {g}.push(q.to_vec()); {g}[{i}][0] = p[{i}]; }}"
                ));
            }
        }
        self.line(&format!("for {i} in 0..m {{"));
        self.line(&format!("    for {j} in 0..mq {{"));
        let e = self.bounded(1);
        self.line(&format!(
            "        {g}[{i}][{j}] = ({g}[{i}][{j}] + p[{i}] * q[{j}] + {e} * c2).tanh();"
        ));
        self.line("    }");
        self.line("}");
        if self.rng.chance(60) {
            let nx = self.name("gn");
            self.line("for _ in 0..n % 2 + 1 {");
            self.line(&format!("    let mut {nx} = {g}.clone();"));
            self.line(&format!("    for {i} in 1..m - 1 {{"));
            self.line(&format!("        for {j} in 1..mq - 1 {{"));
            self.line(&format!(
                "            {nx}[{i}][{j}] = {g}[{i}][{j}] + ({g}[{i} - 1][{j}] + {g}[{i} + 1][{j}] + {g}[{i}][{j} - 1] + {g}[{i}][{j} + 1] - {g}[{i}][{j}] * T::from_f64(4.0)) * c2 * s.tanh();"
            ));
            self.line("        }");
            self.line("    }");
            self.line(&format!("    {g} = {nx};"));
            self.line("}");
        }
        let v = self.var();
        self.line(&format!("for {i} in 0..m {{"));
        if self.rng.chance(50) {
            self.line(&format!("    for {j} in 0..mq {{ if {g}[{i}][{j}] > c2 {{ {v} += {g}[{i}][{j}] * c2; }} else {{ {v} -= {g}[{i}][{j}].powi(2) * c0; }} }}"));
        } else {
            self.line(&format!(
                "    {v} = {v}.max({g}[{i}][{i} % mq] + {g}[m - 1 - {i}][0] * c0);"
            ));
        }
        self.line("}");
    }

    /// A `while` loop with a data-dependent exit and a `break`.
    pub(super) fn while_loop(&mut self) {
        let (k, v) = (self.name("k"), self.var());
        self.line(&format!("let mut {k} = 0usize;"));
        let c = self.rng.pick(&["<", ">"]);
        let lim = self.expr(1);
        self.line(&format!("while {k} < m && {v} {c} {lim} {{"));
        self.indent += 1;
        self.idx.push(Idx {
            i: k.clone(),
            has_prev: false,
            has_next: false,
        });
        self.push_scope();
        let e = self.bounded(1);
        self.line(&format!("{v} += {e} * c2;"));
        let c2 = self.cond();
        self.line(&format!("if {c2} {{ break; }}"));
        if self.rng.chance(50) {
            self.update(&v);
        }
        self.line(&format!("{k} += 1;"));
        self.pop_scope();
        self.idx.pop();
        self.indent -= 1;
        self.line("}");
    }

    /// A loop over an iterator: `iter()` adapted, `zip`, `windows`, `chunks`. (`Real` has no
    /// `Sum`, so `iter().sum()` is not written.)
    pub(super) fn view_loop(&mut self) {
        let v = self.var();
        let e = self.bounded(1);
        let (x, y, j) = (self.name("x"), self.name("y"), self.name("j"));
        let c = self.rng.pick(&["s", "c0", "q[0]", &v]).to_string();
        let w = self.m_slice();
        match self.rng.below(6) {
            0 => self.line(&format!(
                "for ({j}, {x}) in {w}.iter().enumerate().skip(1) {{ if *{x} > {c} {{ {v} += *{x} * {e} * c2; }} else {{ {v} -= T::from_f64({j} as f64 * 0.1) * *{x}; }} }}"
            )),
            1 => self.line(&format!(
                "for ({x}, {y}) in {w}.iter().zip(q.iter()).rev() {{ {v} = ({v} * c0 + *{x} * *{y}).tanh() + {e} * c2; }}"
            )),
            2 => self.line(&format!(
                "for {x} in {w}.windows(2) {{ if {x}[0] > {x}[1] {{ {v} += ({x}[0] - {x}[1]) * {e}; }} else {{ {v} = {v}.max({x}[1] * c2); }} }}"
            )),
            3 => self.line(&format!(
                "for ({j}, {x}) in {w}.chunks(2).enumerate() {{ {v} += ({x}[0] * {x}[{x}.len() - 1] + T::from_f64({j} as f64)).sin() * c2; }}"
            )),
            4 => self.line(&format!(
                "let mut {y} = T::zero(); for {x} in {w}.iter() {{ {y} += *{x}; }} {v} += {y} * {e} * c2;"
            )),
            _ => self.line(&format!(
                "for {x} in {w}.iter().rev().take(n % 3 + 2) {{ if *{x} < {c} {{ break; }} {v} += (*{x} * {v}).sin() * c2; }}"
            )),
        }
    }

    pub(super) fn nested(&mut self) {
        let v = self.var();
        self.open_for();
        let i = self.idx.last().expect("loop").i.clone();
        let j = self.name("j");
        let bound = self.rng.pick(&["mq", "I", "I + 1"]).replace('I', &i);
        self.line(&format!("for {j} in 0..{bound} {{"));
        let e = self.bounded(1);
        let c = self.cond();
        self.line(&format!("    let z{j} = q[{j} % mq] * {e};"));
        self.line(&format!(
            "    if {c} {{ {v} += z{j} * c2; }} else {{ {v} -= (z{j} * {v}).sin() * c2; }}"
        ));
        self.line("}");
        self.close_for();
    }

    pub(super) fn helper(&mut self) -> String {
        let k = self.helpers.len();
        let name = format!("h{k}");
        self.out.clear();
        self.line("#[differentiable]");
        let sliced = self.rng.chance(75);
        if sliced {
            self.line(&format!("pub fn {name}<T: Real>(v: &[T], x: T) -> T {{"));
        } else {
            self.line(&format!("pub fn {name}<T: Real>(x: T, y: T) -> T {{"));
        }
        self.indent = 1;
        self.line("let c0 = T::from_f64(0.5);");
        self.line("let c2 = T::from_f64(0.25);");
        // (`chance` is drawn only for a slice helper with an earlier one to call)
        let callee = self.helpers.iter().rev().find(|h| h.1).map(|h| h.0.clone());
        let calls = callee.filter(|_| sliced && self.rng.chance(30));
        if let Some(h) = calls {
            // a helper calling an earlier one on ranges of its argument, in a loop
            self.line("let mut r = x * c2;");
            self.line("for i in 0..v.len() {");
            self.line(&format!(
                "    if v[i] > r {{ r += {h}(&v[i..], r * c0) * c2; }} else {{ r = (r - {h}(&v[..i], v[i]) * c0).tanh(); }}"
            ));
            self.line("}");
            self.line("r");
        } else if sliced {
            match self.rng.below(7) {
                5 => {
                    // `x` unused
                    self.line("let mut r = T::zero();");
                    self.line("for i in 0..v.len() { r = (r + v[i] * c0).sin(); }");
                    self.line("r");
                }
                6 => {
                    // `x` read only in a branch
                    self.line("let mut r = c2;");
                    self.line("for i in 0..v.len() {");
                    self.line("    if v[i] > c0 { r += v[i] * x; } else { r = r.max(v[i]); }");
                    self.line("}");
                    self.line("r.tanh()");
                }
                0 => {
                    self.line("let mut r = x * c0;");
                    self.line("for i in (0..v.len()).rev() { r = r * x.tanh() * c0 + v[i]; }");
                    self.line("r.tanh()");
                }
                1 => {
                    self.line("let mut r = T::zero();");
                    self.line("for i in 0..v.len() {");
                    self.line("    if v[i] > x { r += (v[i] - x).powi(2) * c2; } else { r -= v[i] * c0; }");
                    self.line("}");
                    self.line("r.atan()");
                }
                2 => {
                    self.line("let mut r = x;");
                    self.line("let mut i = 0;");
                    self.line("while i < v.len() {");
                    self.line("    r = (r * c0 + v[i]).sin();");
                    self.line("    if r > c0 + x * c2 { break; }");
                    self.line("    i += 1;");
                    self.line("}");
                    self.line("r");
                }
                3 => {
                    self.line("let mut r = x.sin() * c2;");
                    self.line("for i in 0..v.len() {");
                    self.line("    let l = if i > 0 { v[i - 1] } else { x };");
                    self.line("    r = r.max(l * v[i]) * T::from_f64(0.9);");
                    self.line("}");
                    self.line("r");
                }
                _ => {
                    self.line("let mut w = v.to_vec();");
                    self.line("for i in 1..w.len() { w[i] = (w[i - 1] * c0 + w[i] * x).tanh(); }");
                    self.line("let mut r = x * c2;");
                    self.line("for e in w.iter() { r += *e * c2; }");
                    self.line("r");
                }
            }
        } else {
            match self.rng.below(3) {
                0 => self.line("if x > y { (x - y).powi(2) * c0 } else { (x * y).sin() * c2 }"),
                1 => self
                    .line("let h = (x - y).abs(); if h < c0 { h * h * c0 } else { c0 * (h - c2) }"),
                _ => self.line("(x * c0 + y).tanh().max(x * c2)"),
            }
        }
        self.indent = 0;
        self.line("}");
        self.helpers.push((name, sliced));
        std::mem::take(&mut self.out)
    }

    /// A slice argument for a helper: a whole slice, a range, a local.
    pub(super) fn slice_arg(&mut self) -> String {
        let v = self.m_slice();
        let v_ref = if v == "p" && !self.scalar {
            "p".to_string()
        } else {
            format!("&{v}")
        };
        match self.rng.below(8) {
            0 | 1 => v_ref,
            2 if self.scalar => "&q".into(),
            2 => "q".into(),
            3 => format!("&{v}[1..]"),
            4 => format!("&{v}[..m - 1]"),
            5 => format!("&{v}[1..m - 2]"),
            6 => "&q[..2]".into(),
            _ => format!("&{v}[2..=3]"),
        }
    }

    pub(super) fn helper_call(&mut self) -> String {
        let (h, sl) = self.helpers
            [self.helpers.len() - 1 - self.rng.below(self.helpers.len().min(4))]
        .clone();
        if sl {
            let a = self.slice_arg();
            let x = self.expr(1);
            format!("{h}({a}, {x})")
        } else {
            let (a, b) = (self.expr(1), self.expr(1));
            format!("{h}({a}, {b})")
        }
    }

    pub(super) fn call_stmt(&mut self) {
        if self.helpers.is_empty() {
            return self.fused_loop();
        }
        let v = self.var();
        match self.rng.below(4) {
            0 => {
                let c = self.helper_call();
                self.line(&format!("{v} += ({c}).tanh() * c2;"));
            }
            1 => {
                // per element, inside a loop (a slice helper on a window range)
                let (h, sl) = self.helpers[self.rng.below(self.helpers.len())].clone();
                let i = self.name("i");
                self.line(&format!("for {i} in 0..m - 1 {{"));
                self.idx.push(Idx {
                    i: i.clone(),
                    has_prev: false,
                    has_next: true,
                });
                let x = self.expr(1);
                let call = if sl {
                    let w = self.m_slice();
                    let w = if w == "p" { "p".to_string() } else { w };
                    match self.rng.below(3) {
                        0 => format!("{h}(&{w}[{i}..{i} + 2], {x})"),
                        1 => format!("{h}(&{w}[{i}..], {x})"),
                        _ if self.scalar => format!("{h}(&q, {x})"),
                        _ => format!("{h}(q, {x})"),
                    }
                } else {
                    let y = self.elem();
                    format!("{h}({y}, {x})")
                };
                self.idx.pop();
                let c = self.cond_on(&i);
                self.line(&format!(
                    "    if {c} {{ {v} += ({call}).tanh() * c2; }} else {{ {v} -= {v} * c2; }}"
                ));
                self.line("}");
            }
            2 if !self.callable.is_empty() && self.calls_left > 0 => {
                self.calls_left -= 1;
                let c = &self.callable;
                let j = c[c.len() - 1 - self.rng.below(c.len().min(4))];
                let first = if self.vecs().is_empty() || self.rng.chance(50) {
                    "p".to_string()
                } else {
                    let u = self.vecs()[0].clone();
                    format!("&{u}")
                };
                let e = self.expr(1);
                self.line(&format!("{v} += (s{j}({first}, q, {e}, n) * c2).tanh();"));
            }
            _ => {
                let c = self.helper_call();
                let t = self.name("t");
                self.line(&format!("let {t} = {c};"));
                self.line(&format!(
                    "if {t} > {v} {{ {v} = ({t} * c2).sin(); }} else {{ {v} += {t}.atan() * c2; }}"
                ));
            }
        }
    }

    pub(super) fn cond_on(&mut self, i: &str) -> String {
        format!("p[{i}] > {}", self.rng.pick(&["s", "c0 * s", "q[0]", "c2"]))
    }
}
