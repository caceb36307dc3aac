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

/// The values a condition holds for: each end a bound and whether it is
/// included; infinite ends are open.
#[derive(Debug, Clone, Copy)]
struct Interval((f64, bool), (f64, bool));

impl Interval {
    /// Whether every value of `other` is in `self`.
    fn contains(&self, other: &Interval) -> bool {
        let (lo, hi) = (self.0, self.1);
        let (olo, ohi) = (other.0, other.1);
        let lo_ok = lo.0 < olo.0 || (lo.0 == olo.0 && (lo.1 || !olo.1));
        let hi_ok = hi.0 > ohi.0 || (hi.0 == ohi.0 && (hi.1 || !ohi.1));
        lo_ok && hi_ok
    }

    /// Whether the two together are one interval: they overlap, or meet
    /// at a value one of them holds.
    fn touches(&self, other: &Interval) -> bool {
        let apart =
            |a: &Interval, b: &Interval| a.1.0 < b.0.0 || (a.1.0 == b.0.0 && !a.1.1 && !b.0.1);
        !apart(self, other) && !apart(other, self)
    }
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

    /// The values the condition holds for, as an interval.
    fn interval(&self) -> Interval {
        let (inf, open, closed) = (f64::INFINITY, false, true);
        match *self {
            Condition::Cmp(Op::Ge, x) => Interval((x, closed), (inf, open)),
            Condition::Cmp(Op::Gt, x) => Interval((x, open), (inf, open)),
            Condition::Cmp(Op::Le, x) => Interval((-inf, open), (x, closed)),
            Condition::Cmp(Op::Lt, x) => Interval((-inf, open), (x, open)),
            Condition::Cmp(Op::Eq, x) => Interval((x, closed), (x, closed)),
            Condition::Between(a, b) => Interval((a, closed), (b, closed)),
        }
    }

    /// Why `warn` cannot go with this target, if it cannot. A goal passes
    /// when the target holds, else warns when `warn` holds, else fails: the
    /// values that warn must lie on the failing side of the target, next to
    /// it, and end somewhere, so that a value further from the target is
    /// never better off than a nearer one. `target = ">= 4"` with
    /// `warn = "<= 3"` would warn on 0 and fail on 3.5.
    pub fn warn_problem(&self, warn: &Condition) -> Option<&'static str> {
        let (t, w) = (self.interval(), warn.interval());
        if t.contains(&w) {
            return Some("it holds only where the target does, so the goal never warns");
        }
        // The target's unbounded sides bound the failing side: a warn that
        // reaches an infinity the target does not warns on values as far
        // from the target as can be.
        let unbounded = (w.0.0 == f64::NEG_INFINITY && t.0.0 != f64::NEG_INFINITY)
            || (w.1.0 == f64::INFINITY && t.1.0 != f64::INFINITY);
        if unbounded || !t.touches(&w) {
            return Some("the warn band must lie on the failing side of the target, next to it");
        }
        None
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
    fn warn_bands_lie_on_the_failing_side() {
        let problem = |target: &str, warn: &str| {
            Condition::parse(target)
                .unwrap()
                .warn_problem(&Condition::parse(warn).unwrap())
        };
        for (target, warn) in [
            (">= 4", ">= 3"),
            (">= 4", "> 3.5"),
            ("> 4", ">= 4"),
            (">= 4", "between 3 and 4"),
            (">= 4", "between 3 and 10"),
            ("<= 25", "<= 30"),
            ("< 1", "between 1 and 2"),
            ("== 4", "between 3 and 5"),
            ("between 2 and 5", "between 1 and 6"),
            ("between 2 and 5", "between 1 and 5"),
        ] {
            assert_eq!(problem(target, warn), None, "{target} / {warn}");
        }
        for (target, warn, why) in [
            // The other way: warns on 0, fails on 3.5.
            (">= 4", "<= 3", "failing side"),
            (">= 4", "< 4", "failing side"),
            (">= 4", "<= 10", "failing side"),
            ("<= 25", ">= 30", "failing side"),
            // A gap between the band and the target.
            (">= 4", "between 1 and 2", "failing side"),
            (">= 4", "== 3", "failing side"),
            (">= 4", "between 3 and 3.99", "failing side"),
            // No end: a value far above the target warns.
            ("== 4", ">= 3", "failing side"),
            ("between 2 and 5", ">= 1", "failing side"),
            // Inside the target: it never warns.
            (">= 4", ">= 5", "never warns"),
            (">= 4", ">= 4", "never warns"),
            ("between 2 and 5", "between 3 and 4", "never warns"),
            ("== 4", "== 4", "never warns"),
        ] {
            let got = problem(target, warn);
            assert!(
                got.is_some_and(|p| p.contains(why)),
                "{target} / {warn}: {got:?}"
            );
        }
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
