//! Activity analysis: a variable gets an adjoint (or a tangent) only if it is *varied* (depends on
//! a differentiated input) and *useful* (the output depends on it). Flow-insensitive fixed points
//! over every definition in the function.

use crate::ir::*;

/// Which variables are active.
pub struct Activity {
    varied: Vec<bool>,
    useful: Vec<bool>,
}

impl Activity {
    /// Carries a derivative that reaches the output.
    pub fn active(&self, v: VarId) -> bool {
        self.varied[v] && self.useful[v]
    }

    /// Depends on a differentiated input (whether or not it reaches the output).
    pub fn varied(&self, v: VarId) -> bool {
        self.varied[v]
    }

    /// An atom that carries a derivative.
    pub fn active_atom(&self, a: &Atom) -> Option<VarId> {
        match a {
            Atom::Var(v) if self.active(*v) => Some(*v),
            _ => None,
        }
    }
}

/// One definition: `target` gets a value computed from `operands` (differentiable positions only).
struct Def {
    target: VarId,
    operands: Vec<VarId>,
}

fn collect(b: &Block, out: &mut Vec<Def>) {
    for s in &b.stmts {
        match s {
            Stmt::Let {
                var,
                init: Some(rhs),
                ..
            }
            | Stmt::Assign { var, rhs } => out.push(Def {
                target: *var,
                operands: rhs.diff_operands(),
            }),
            Stmt::Let { init: None, .. } => {}
            Stmt::IndexWrite { base, val, .. } | Stmt::Push { base, val, .. } => {
                let operands = match val {
                    Atom::Var(v) => vec![*v],
                    Atom::Const(_) => vec![],
                };
                out.push(Def {
                    target: *base,
                    operands,
                })
            }
            Stmt::Scope(b) | Stmt::InPlace { body: b, .. } => collect(b, out),
            Stmt::Branch { arms, .. } => arms.iter().for_each(|a| collect(a, out)),
            Stmt::Loop { body, .. } => collect(body, out),
            Stmt::Effect(_)
            | Stmt::Truncate { .. }
            | Stmt::Bound(_)
            | Stmt::Break { .. }
            | Stmt::Continue { .. }
            | Stmt::Return => {}
        }
    }
}

/// How many times each variable is an operand of a definition (a differentiable position of a
/// right-hand side, or the value of an element write or push): every adjoint contribution a
/// variable receives comes from one of these.
pub fn operand_counts(func: &Func) -> std::collections::HashMap<VarId, usize> {
    let mut defs = Vec::new();
    collect(&func.body, &mut defs);
    let mut out = std::collections::HashMap::new();
    for o in defs.iter().flat_map(|d| &d.operands) {
        *out.entry(*o).or_default() += 1;
    }
    out
}

/// Runs the analysis: `wrt` are the differentiated parameters.
pub fn analyze(func: &Func, wrt: &[VarId]) -> Activity {
    let n = func.vars.len();
    let mut defs = Vec::new();
    collect(&func.body, &mut defs);
    let mut varied = vec![false; n];
    for &w in wrt {
        varied[w] = true;
    }
    loop {
        let mut changed = false;
        for d in &defs {
            if !varied[d.target] && d.operands.iter().any(|o| varied[*o]) {
                varied[d.target] = true;
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
    let mut useful = vec![false; n];
    useful[func.ret] = true;
    loop {
        let mut changed = false;
        for d in &defs {
            if useful[d.target] {
                for o in &d.operands {
                    if !useful[*o] {
                        useful[*o] = true;
                        changed = true;
                    }
                }
            }
        }
        if !changed {
            break;
        }
    }
    Activity { varied, useful }
}
