//! Conditions on a value: `>= 4`, `< 1.2`, `== 3`, `between 2 and 5`.

use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Op {
    Ge,
    Gt,
    Le,
    Lt,
    Eq,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Condition {
    Cmp(Op, f64),
    Between(f64, f64),
}

fn number(s: &str) -> Result<f64, String> {
    let t = s.trim();
    let t = t.strip_suffix('%').unwrap_or(t).trim().replace('_', "");
    t.parse::<f64>()
        .ok()
        .filter(|x| x.is_finite())
        .ok_or_else(|| format!("`{}` is not a number", s.trim()))
}

impl Condition {
    pub fn parse(s: &str) -> Result<Condition, String> {
        let t = s.trim();
        if let Some(rest) = t.strip_prefix("between ") {
            let (a, b) = rest
                .split_once(" and ")
                .ok_or_else(|| format!("`{t}`: write `between A and B`"))?;
            let (a, b) = (number(a)?, number(b)?);
            if a > b {
                return Err(format!("`{t}`: the lower bound comes first"));
            }
            return Ok(Condition::Between(a, b));
        }
        for (sym, op) in [
            (">=", Op::Ge),
            ("<=", Op::Le),
            ("==", Op::Eq),
            (">", Op::Gt),
            ("<", Op::Lt),
        ] {
            if let Some(rest) = t.strip_prefix(sym) {
                return Ok(Condition::Cmp(op, number(rest)?));
            }
        }
        Err(format!(
            "`{t}` is not a condition: write `>= 4`, `> 4`, `<= 4`, `< 4`, `== 4` or `between 2 and 5`"
        ))
    }

    pub fn holds(&self, v: f64) -> bool {
        match *self {
            Condition::Cmp(Op::Ge, x) => v >= x,
            Condition::Cmp(Op::Gt, x) => v > x,
            Condition::Cmp(Op::Le, x) => v <= x,
            Condition::Cmp(Op::Lt, x) => v < x,
            Condition::Cmp(Op::Eq, x) => (v - x).abs() <= 1e-9 * x.abs().max(1.0),
            Condition::Between(a, b) => v >= a && v <= b,
        }
    }

    /// How far `v` is from satisfying the condition: positive means it needs
    /// to go up by that much, negative down; 0 when it holds.
    pub fn gap(&self, v: f64) -> f64 {
        if self.holds(v) {
            return 0.0;
        }
        match *self {
            Condition::Cmp(Op::Ge | Op::Gt, x) => x - v,
            Condition::Cmp(Op::Le | Op::Lt, x) => x - v,
            Condition::Cmp(Op::Eq, x) => x - v,
            Condition::Between(a, b) => {
                if v < a {
                    a - v
                } else {
                    b - v
                }
            }
        }
    }

    /// The number a value is measured against: the threshold, or for
    /// `between`, the bound nearer to `v`.
    pub fn nearest_bound(&self, v: f64) -> f64 {
        match *self {
            Condition::Cmp(_, x) => x,
            Condition::Between(a, b) => {
                if (v - a).abs() <= (v - b).abs() {
                    a
                } else {
                    b
                }
            }
        }
    }

    /// The condition with values formatted in `unit`: `>= 4%`.
    pub fn display(&self, unit: &str) -> String {
        match *self {
            Condition::Cmp(op, x) => format!("{} {}", op, fmt_value(x, unit)),
            Condition::Between(a, b) => {
                format!("between {} and {}", fmt_value(a, unit), fmt_value(b, unit))
            }
        }
    }

    /// The target alone, for messages: `4%`, or `2 to 5`.
    pub fn threshold(&self, unit: &str) -> String {
        match *self {
            Condition::Cmp(_, x) => fmt_value(x, unit),
            Condition::Between(a, b) => format!("{} to {}", fmt_value(a, unit), fmt_value(b, unit)),
        }
    }
}

impl fmt::Display for Op {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Op::Ge => ">=",
            Op::Gt => ">",
            Op::Le => "<=",
            Op::Lt => "<",
            Op::Eq => "==",
        })
    }
}

/// A number for people: at most two decimals, no trailing zeros.
pub fn fmt_number(x: f64) -> String {
    let s = format!("{:.2}", x);
    let s = if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    };
    if s == "-0" { "0".into() } else { s }
}

/// A number with its unit: `3.21%`, `1.2 s`, `0.85` (currency is named by the workspace).
pub fn fmt_value(x: f64, unit: &str) -> String {
    match unit {
        "%" => format!("{}%", fmt_number(x)),
        "seconds" => format!("{} s", fmt_number(x)),
        _ => fmt_number(x),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_and_hold() {
        let cases: &[(&str, f64, bool)] = &[
            (">= 4", 4.0, true),
            (">= 4", 3.99, false),
            ("> 4", 4.0, false),
            ("<= 1.2", 1.2, true),
            ("< 1.2", 1.2, false),
            ("== 3", 3.0, true),
            ("between 2 and 5", 5.0, true),
            ("between 2 and 5", 1.0, false),
            (">= 5%", 5.0, true),
        ];
        for (text, v, want) in cases {
            assert_eq!(
                Condition::parse(text).unwrap().holds(*v),
                *want,
                "{text} on {v}"
            );
        }
        assert!(Condition::parse("at least 4").is_err());
        assert!(Condition::parse(">= four").is_err());
        assert!(Condition::parse("between 5 and 2").is_err());
    }

    #[test]
    fn gaps() {
        assert!((Condition::parse(">= 4").unwrap().gap(3.21) - 0.79).abs() < 1e-12);
        assert!((Condition::parse("<= 1").unwrap().gap(1.5) + 0.5).abs() < 1e-12);
        assert_eq!(fmt_value(3.21, "%"), "3.21%");
        assert_eq!(fmt_number(4.0), "4");
        assert_eq!(fmt_number(0.005), "0.01");
    }
}
