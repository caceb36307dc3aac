//! What a script function uses: free variables (metrics and built-ins),
//! zero-argument calls (other KPIs) and the names given to `previous` and
//! `panel`, read
//! from the compiled AST so that names are checked before any data is read.

use std::collections::HashMap;

use rhai::{AST, ASTNode, Expr};

use super::docs::Def;

/// Free variables, zero-argument calls and `previous("...")` names in a function.
#[derive(Default)]
pub struct Uses {
    pub vars: Vec<(String, rhai::Position)>,
    pub calls: Vec<(String, rhai::Position)>,
    pub previous: Vec<(String, rhai::Position)>,
    /// Names given to `panel("...")`: the competitor panel's sum of a metric.
    pub panel: Vec<(String, rhai::Position)>,
    /// Names read from `params` (`params.w_like`, `params["w_like"]`),
    /// which `validate` checks against `[params]`.
    pub params: Vec<(String, rhai::Position)>,
    /// Every function called by name, with arguments or not: the call graph
    /// that tells which function of a too deep chain calls itself.
    pub callees: Vec<String>,
}

/// Attributes each node to the function whose lines hold it.
pub fn uses_of(ast: &AST, defs: &[Def]) -> HashMap<String, Uses> {
    let mut out: HashMap<String, Uses> = HashMap::new();
    // `defs` are in the order of their lines: the owner is found by halving,
    // not by a search per node (quadratic over thousands of functions).
    let owner = |pos: &rhai::Position| -> Option<&str> {
        let line = pos.line()?;
        let after = defs.partition_point(|d| d.line <= line);
        defs[..after]
            .iter()
            .rev()
            .take(1)
            .find(|d| line <= d.end)
            .map(|d| d.name.as_str())
    };
    ast.walk(&mut |nodes: &[ASTNode]| {
        match nodes.last() {
            Some(ASTNode::Expr(Expr::Variable(x, short, pos))) => {
                // Locals and parameters are resolved to a slot when parsed.
                if x.0.is_none()
                    && short.is_none()
                    && x.2.is_empty()
                    && let Some(f) = owner(pos)
                {
                    out.entry(f.to_string())
                        .or_default()
                        .vars
                        .push((x.1.to_string(), *pos));
                }
            }
            Some(ASTNode::Expr(Expr::Dot(x, _, _) | Expr::Index(x, _, _)))
                if matches!(&x.lhs, Expr::Variable(v, None, _) if v.1 == "params") =>
            {
                let name = match &x.rhs {
                    Expr::Property(p, pos) => Some((p.2.to_string(), *pos)),
                    Expr::StringConstant(s, pos) => Some((s.to_string(), *pos)),
                    _ => None,
                };
                if let Some((name, pos)) = name
                    && let Some(f) = owner(&pos)
                {
                    out.entry(f.to_string())
                        .or_default()
                        .params
                        .push((name, pos));
                }
            }
            Some(ASTNode::Expr(Expr::FnCall(call, pos)))
            | Some(ASTNode::Stmt(rhai::Stmt::FnCall(call, pos)))
                if call.op_token.is_none() =>
            {
                if let Some(f) = owner(pos) {
                    let u = out.entry(f.to_string()).or_default();
                    u.callees.push(call.name.to_string());
                    if call.name == "previous" {
                        if let Some(Expr::StringConstant(s, p)) = call.args.first() {
                            u.previous.push((s.to_string(), *p));
                        }
                    } else if call.name == "panel" {
                        if let Some(Expr::StringConstant(s, p)) = call.args.first() {
                            u.panel.push((s.to_string(), *p));
                        }
                    } else if call.args.is_empty() {
                        u.calls.push((call.name.to_string(), *pos));
                    }
                }
            }
            _ => {}
        }
        true
    });
    out
}
