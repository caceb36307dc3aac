//! KPIs that are plain arithmetic on metrics (`clicks / impressions * 100`,
//! `engagements() / reach * 100`), computed without the Rhai interpreter.
//!
//! Most KPIs are such formulas, and a script call costs thousands of
//! instructions per group (scope, caches, a variable callback per metric):
//! for an eval of ten thousand groups, more than reading a million rows.
//! A formula is read from the library's compiled AST, so it is what Rhai
//! runs, and computed with the same `f64` operations in the same order: the
//! same number, bit for bit. Anything else (a local variable, `days`,
//! `params`, `previous`, an `if`, integer arithmetic) is no formula and
//! runs in Rhai. So does a formula whose result is not a finite number, or
//! that reads a metric without a value: the script then says why.

use rhai::{AST, ASTFlags, ASTNode, Expr, FnCallExpr, Stmt, Token};
use rustc_hash::FxHashMap;

use crate::records::MetricId;

/// Calls nested deeper are left to Rhai (which reports a recursion).
const MAX_DEPTH: usize = 32;

/// A KPI's arithmetic.
#[derive(Debug, Clone, PartialEq)]
pub enum Formula {
    /// A metric's aggregated value in the group.
    Metric(MetricId),
    Number(f64),
    Neg(Box<Formula>),
    Op(Op, Box<Formula>, Box<Formula>),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    Add,
    Sub,
    Mul,
    Div,
}

impl Formula {
    /// The value with `values` (a group's, by metric id); `None` when a
    /// metric it reads has no finite value (Rhai's no data, with a reason).
    pub fn eval(&self, values: &[f64]) -> Option<f64> {
        Some(match self {
            Formula::Metric(id) => {
                let x = values.get(*id as usize).copied().unwrap_or(f64::NAN);
                if !x.is_finite() {
                    return None;
                }
                x
            }
            Formula::Number(x) => *x,
            Formula::Neg(f) => -f.eval(values)?,
            Formula::Op(op, a, b) => {
                // Left operand first, as Rhai reads them.
                let (a, b) = (a.eval(values)?, b.eval(values)?);
                match op {
                    Op::Add => a + b,
                    Op::Sub => a - b,
                    Op::Mul => a * b,
                    Op::Div => a / b,
                }
            }
        })
    }
}

/// A compiled operand: an `f64` expression, or an integer literal, which
/// Rhai converts only where it meets a float (integer arithmetic, with its
/// own division and overflow, is left to Rhai).
enum Term {
    Float(Formula),
    Int(i64),
}

impl Term {
    fn float(self) -> Formula {
        match self {
            Term::Float(f) => f,
            // Rhai's `as FLOAT`.
            Term::Int(i) => Formula::Number(i as f64),
        }
    }
}

/// Reads formulas out of a library's AST, each function once.
pub struct Compiler<'a> {
    ast: &'a AST,
    metrics: &'a FxHashMap<String, MetricId>,
    done: FxHashMap<String, Option<Formula>>,
}

impl<'a> Compiler<'a> {
    pub fn new(ast: &'a AST, metrics: &'a FxHashMap<String, MetricId>) -> Self {
        Compiler {
            ast,
            metrics,
            done: FxHashMap::default(),
        }
    }

    /// The formula of the parameterless script function `name`, if it is one.
    pub fn formula(&mut self, name: &str) -> Option<Formula> {
        self.function(name, 0)
    }

    fn function(&mut self, name: &str, depth: usize) -> Option<Formula> {
        if let Some(f) = self.done.get(name) {
            return f.clone();
        }
        if depth > MAX_DEPTH {
            return None;
        }
        // The function alone, walked: its body must be one statement.
        // (`clone_functions_only_filtered` keeps every function: it filters
        // only into a module that has some.)
        let mut only = self.ast.clone_functions_only();
        only.retain_functions(|_, _, n, params| n == name && params == 0);
        let mut statements = 0;
        let mut found: Option<Formula> = None;
        only.walk(&mut |path: &[ASTNode]| {
            if path.len() == 1 {
                statements += 1;
                found = match (statements, &path[0]) {
                    (1, ASTNode::Stmt(s)) => self.statement(s, depth).map(Term::float),
                    _ => None,
                };
            }
            statements < 2
        });
        let f = if statements == 1 { found } else { None };
        self.done.insert(name.to_string(), f.clone());
        f
    }

    fn statement(&mut self, s: &Stmt, depth: usize) -> Option<Term> {
        match s {
            Stmt::Expr(e) => self.expr(e, depth),
            Stmt::FnCall(call, _) => self.call(call, depth),
            // `return`, not `throw` (the same statement, flagged).
            Stmt::Return(Some(e), flags, _) if *flags == ASTFlags::NONE => self.expr(e, depth),
            _ => None,
        }
    }

    fn expr(&mut self, e: &Expr, depth: usize) -> Option<Term> {
        match e {
            Expr::FloatConstant(x, _) => Some(Term::Float(Formula::Number(**x))),
            // Larger integers are not exact as f64: left to Rhai.
            Expr::IntegerConstant(i, _) if i.unsigned_abs() <= 1 << 53 => Some(Term::Int(*i)),
            // A name with no index is not a local: the host's callback
            // gives it, a metric's value when it names one.
            Expr::Variable(v, None, _) if v.0.is_none() && v.2.is_empty() => self
                .metrics
                .get(v.1.as_str())
                .map(|&id| Term::Float(Formula::Metric(id))),
            Expr::FnCall(call, _) => self.call(call, depth),
            _ => None,
        }
    }

    fn call(&mut self, call: &FnCallExpr, depth: usize) -> Option<Term> {
        if !call.namespace.is_empty() || call.capture_parent_scope {
            return None;
        }
        let Some(token) = &call.op_token else {
            // Another parameterless script function, inlined.
            if !call.args.is_empty() {
                return None;
            }
            return self
                .function(call.name.as_str(), depth + 1)
                .map(Term::Float);
        };
        match (token, &call.args[..]) {
            (Token::UnaryMinus | Token::Minus, [a]) => match self.expr(a, depth)? {
                Term::Float(f) => Some(Term::Float(Formula::Neg(Box::new(f)))),
                Term::Int(_) => None,
            },
            (Token::Plus | Token::Minus | Token::Multiply | Token::Divide, [a, b]) => {
                let op = match token {
                    Token::Plus => Op::Add,
                    Token::Minus => Op::Sub,
                    Token::Multiply => Op::Mul,
                    _ => Op::Div,
                };
                let (a, b) = (self.expr(a, depth)?, self.expr(b, depth)?);
                if let (Term::Int(_), Term::Int(_)) = (&a, &b) {
                    return None;
                }
                Some(Term::Float(Formula::Op(
                    op,
                    Box::new(a.float()),
                    Box::new(b.float()),
                )))
            }
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn compile(script: &str, name: &str) -> Option<Formula> {
        let engine = rhai::Engine::new();
        let ast = engine.compile(script).unwrap();
        let metrics: FxHashMap<String, MetricId> = [("likes", 0), ("reach", 1), ("spend", 2)]
            .into_iter()
            .map(|(n, id)| (n.to_string(), id))
            .collect();
        Compiler::new(&ast, &metrics).formula(name)
    }

    /// Each formula gives what Rhai gives, bit for bit.
    #[test]
    fn formulas_compute_what_rhai_computes() {
        let script = "
            fn eng() { likes + reach }
            fn a() { eng() / reach * 100 }
            fn b() { -(likes - spend) / 3 + 0.1 * reach }
            fn c() { 2 * likes / 7 }
            fn d() { return likes / reach; }
            fn e() { likes * (7 / 2) - 1 }
        ";
        let values = [17.0, 1234.5, 0.3];
        for name in ["eng", "a", "b", "c", "d", "e"] {
            let f = compile(script, name).unwrap_or_else(|| panic!("{name} is a formula"));
            let mut engine = rhai::Engine::new();
            #[allow(deprecated)] // `on_var` is marked volatile, not deprecated.
            engine.on_var(move |n, _, _| {
                Ok(match n {
                    "likes" => Some(values[0].into()),
                    "reach" => Some(values[1].into()),
                    "spend" => Some(values[2].into()),
                    _ => None,
                })
            });
            let ast = engine.compile(script).unwrap();
            let want: f64 = engine
                .call_fn(&mut rhai::Scope::new(), &ast, name, ())
                .unwrap();
            assert_eq!(
                f.eval(&values).map(f64::to_bits),
                Some(want.to_bits()),
                "{name}"
            );
        }
    }

    #[test]
    fn what_is_not_plain_arithmetic_is_left_to_rhai() {
        let script = "
            fn local() { let x = likes; x * 2 }
            fn thrown() { throw likes; }
            fn unknown() { days * likes }
            fn branch() { if likes > 0 { likes } else { reach } }
            fn prev() { previous(\"likes\") }
            fn me() { me() + 1.0 }
            fn power() { likes ** 2 }
        ";
        for name in [
            "local", "thrown", "unknown", "branch", "prev", "me", "power",
        ] {
            assert_eq!(compile(script, name), None, "{name}");
        }
    }

    #[test]
    fn a_metric_without_a_value_is_no_formula_value() {
        let f = compile("fn a() { likes / spend }", "a").unwrap();
        assert_eq!(f.eval(&[1.0, 2.0, f64::NAN]), None);
        assert_eq!(f.eval(&[1.0]), None);
        assert_eq!(f.eval(&[1.0, 2.0, f64::INFINITY]), None);
        // A zero divisor gives what Rhai gives: infinity, which the
        // evaluator then sends to the script for its reason.
        assert_eq!(f.eval(&[1.0, 2.0, 0.0]), Some(f64::INFINITY));
    }
}
