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

/// How the numbers of a condition are written: with `%` or without.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Marks {
    /// Some number is written with `%` (`>= 30%`).
    pub percent: bool,
    /// Some number other than 0 is written without `%` (`>= 0.02`); 0 is
    /// 0 in any unit.
    pub bare: bool,
}

impl Marks {
    /// The marks of a condition's text (one that [`Condition::parse`] reads).
    pub fn of(s: &str) -> Marks {
        let t = s.trim();
        let numbers: Vec<&str> = match t.strip_prefix("between ") {
            Some(rest) => rest.split(" and ").collect(),
            None => vec![t.trim_start_matches(['>', '<', '='])],
        };
        let mut marks = Marks::default();
        for n in numbers {
            let n = n.trim();
            if n.ends_with('%') {
                marks.percent = true;
            } else if number(n).is_ok_and(|x| x != 0.0) {
                marks.bare = true;
            }
        }
        marks
    }
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

    /// The decimals this condition is judged and shown at: two, as every
    /// value is shown; more for a bound under 0.1, enough to show two
    /// significant digits of it (`>= 0.01` is judged at 0.010, so 0.006 is
    /// not taken for 0.01); and more when a bound is written with more
    /// (`>= 28.995`).
    pub fn decimals(&self) -> usize {
        let d = |x: f64| {
            // `Display` gives the shortest text that reads back as `x`: the
            // decimals the bound was written with, trailing zeros aside.
            let s = x.to_string();
            let written = s.split_once('.').map_or(0, |(_, f)| f.len());
            let significant = if x == 0.0 || !x.is_finite() {
                0
            } else {
                (SIGNIFICANT_DIGITS as i32 - 1 - x.abs().log10().floor() as i32).max(0) as usize
            };
            written.max(significant)
        };
        let bounds = match *self {
            Condition::Cmp(_, x) => d(x),
            Condition::Between(a, b) => d(a).max(d(b)),
        };
        bounds.clamp(SHOWN_DECIMALS, MAX_DECIMALS)
    }

    /// Whether `v` satisfies the condition, judged at [`Condition::decimals`].
    pub fn holds(&self, v: f64) -> bool {
        self.holds_at(v, self.decimals())
    }

    /// Whether `v`, as shown with `decimals` decimals, satisfies the
    /// condition. A value is judged as people read it: 28.999999999999996
    /// (29 clicks / 100 impressions × 100) is shown as 29% and meets
    /// `>= 29`; 28.996 is shown as 29% too and meets it; 28.994 is shown as
    /// 28.99% and fails by 0.01. So a status never contradicts the number
    /// next to it, and a gap is never "0".
    pub fn holds_at(&self, v: f64, decimals: usize) -> bool {
        let v = shown_as(v, decimals);
        match *self {
            Condition::Cmp(Op::Ge, x) => v >= x,
            Condition::Cmp(Op::Gt, x) => v > x,
            Condition::Cmp(Op::Le, x) => v <= x,
            Condition::Cmp(Op::Lt, x) => v < x,
            Condition::Cmp(Op::Eq, x) => v == shown_as(x, decimals),
            Condition::Between(a, b) => v >= a && v <= b,
        }
    }

    /// How far `v` is from satisfying the condition: positive means it needs
    /// to go up by that much, negative down; 0 when it holds.
    pub fn gap(&self, v: f64) -> f64 {
        self.gap_at(v, self.decimals())
    }

    /// [`Condition::gap`] of `v` as shown with `decimals` decimals: the
    /// distance between the two numbers a reader sees. It is 0 only when the
    /// condition holds, or for a strict bound the value sits on (`> 4` with
    /// 4): [`Condition::on_strict_bound`].
    pub fn gap_at(&self, v: f64, decimals: usize) -> f64 {
        if self.holds_at(v, decimals) {
            return 0.0;
        }
        let v = shown_as(v, decimals);
        // Differences of two numbers of `decimals` decimals: rounded again,
        // so that 29 - 28.99 is 0.01, not 0.010000000000001563.
        let diff = |x: f64| shown_as(x - v, decimals);
        match *self {
            Condition::Cmp(_, x) => diff(x),
            Condition::Between(a, b) => {
                if v < a {
                    diff(a)
                } else {
                    diff(b)
                }
            }
        }
    }

    /// Whether `v`, as shown, sits on the bound of a strict condition
    /// (`> 4` or `< 4` with 4): it fails, by no distance at all.
    pub fn on_strict_bound(&self, v: f64, decimals: usize) -> bool {
        matches!(*self, Condition::Cmp(Op::Gt | Op::Lt, x) if shown_as(v, decimals) == x)
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
        let v = |x: f64| fmt_value_at(x, unit, self.decimals());
        match *self {
            Condition::Cmp(op, x) => format!("{} {}", op, v(x)),
            Condition::Between(a, b) => format!("between {} and {}", v(a), v(b)),
        }
    }

    /// The target alone, for messages: `4%`, or `2 to 5`.
    pub fn threshold(&self, unit: &str) -> String {
        let v = |x: f64| fmt_value_at(x, unit, self.decimals());
        match *self {
            Condition::Cmp(_, x) => v(x),
            Condition::Between(a, b) => format!("{} to {}", v(a), v(b)),
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

/// The decimals values are shown with (and judged at, see
/// [`Condition::holds_at`]) unless a condition is written with more.
pub const SHOWN_DECIMALS: usize = 2;
/// The significant digits of a bound a value is judged at, at least: a
/// small bound (a ratio, a cost per mille) is not rounded away.
/// Two, as two decimals show a bound from 0.1 to 1: a rule that changes
/// nothing there and extends it below.
const SIGNIFICANT_DIGITS: usize = 2;
/// Beyond this, a bound's decimals are float noise, not what was written.
const MAX_DECIMALS: usize = 12;

/// `x` as it reads with `decimals` decimals: the number its text stands for.
/// Taken from the text itself, so that the judged number is exactly the
/// shown one (multiplying by 100 and rounding can differ from the text on a
/// half).
pub fn shown_as(x: f64, decimals: usize) -> f64 {
    if !x.is_finite() {
        return x;
    }
    format!("{x:.decimals$}").parse().unwrap_or(x)
}

/// A number for people: at most two decimals, no trailing zeros.
pub fn fmt_number(x: f64) -> String {
    fmt_decimals(x, SHOWN_DECIMALS)
}

/// A number with at most `decimals` decimals, no trailing zeros.
pub fn fmt_decimals(x: f64, decimals: usize) -> String {
    let s = format!("{x:.decimals$}");
    let s = if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    };
    if s == "-0" { "0".into() } else { s }
}

/// A number with its unit: `3.21%`, `1.2 s`, `0.85` (currency is named by the workspace).
pub fn fmt_value(x: f64, unit: &str) -> String {
    fmt_value_at(x, unit, SHOWN_DECIMALS)
}

/// [`fmt_value`] with up to `decimals` decimals.
/// A % change as a message says it, at `decimals`: `+5%`, `-2.5%`, and no
/// sign on a change that shows as none (`0%`, not `+0%`).
pub fn fmt_change_at(x: f64, decimals: usize) -> String {
    let sign = if shown_as(x, decimals) > 0.0 { "+" } else { "" };
    format!("{sign}{}", fmt_value_at(x, "%", decimals))
}

pub fn fmt_value_at(x: f64, unit: &str, decimals: usize) -> String {
    let n = fmt_decimals(x, decimals);
    match unit {
        "%" => format!("{n}%"),
        "seconds" => format!("{n} s"),
        // A multiple of a reference (a panel goal's `>= 1.1x`).
        "x" => format!("{n}x"),
        _ => n,
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
    fn a_value_on_its_bound_as_shown_holds() {
        // 29 clicks / 100 impressions * 100 = 28.999999999999996 in floats,
        // shown as 29%: on the bound of each of these.
        let v = 29.0 / 100.0 * 100.0;
        assert_ne!(v, 29.0);
        for text in [
            ">= 29",
            "<= 29",
            "== 29",
            "between 29 and 30",
            "between 28 and 29",
        ] {
            let c = Condition::parse(text).unwrap();
            assert!(c.holds(v), "{text}");
            assert_eq!(c.gap(v), 0.0, "{text}");
        }
        // Above the bound in floats, shown as the bound: 0.1 + 0.2 = 0.30000000000000004.
        assert!(Condition::parse("<= 0.3").unwrap().holds(0.1 + 0.2));
        // A strict bound is not met by the value on it, and no gap is made up.
        let gt = Condition::parse("> 29").unwrap();
        assert!(!gt.holds(v));
        assert!(gt.on_strict_bound(v, 2));
        assert_eq!(gt.gap(v), 0.0);
    }

    #[test]
    fn values_are_judged_at_the_shown_decimals() {
        let c = Condition::parse(">= 29").unwrap();
        assert_eq!(c.decimals(), 2);
        // 28.996 is shown as 29: it meets the target; 28.994 is shown as
        // 28.99 and is 29 - 28.99 = 0.01 below.
        assert!(c.holds(28.996));
        assert!(!c.holds(28.994));
        assert_eq!(c.gap(28.994), 0.01);
        // A bound written with more decimals is judged at those: 28.9951
        // is 28.995 at three decimals; 28.9944 is 28.994, 0.001 below.
        let fine = Condition::parse(">= 28.995").unwrap();
        assert_eq!(fine.decimals(), 3);
        assert!(fine.holds(28.9951));
        assert!(!fine.holds(28.9944));
        assert_eq!(fine.gap(28.9944), 0.001);
        // A small bound is judged at two significant digits: 0.035 at
        // three decimals. 0.0349 is 0.035; 0.0344 is 0.034, 0.001 below.
        let ratio = Condition::parse(">= 0.035").unwrap();
        assert_eq!(ratio.decimals(), 3);
        assert!(ratio.holds(0.0349));
        assert!(!ratio.holds(0.0344));
        assert_eq!(ratio.gap(0.0344), 0.001);
        assert_eq!(ratio.display(""), ">= 0.035");
        // 0.006 is not taken for 0.01 (as two decimals would show it).
        let small = Condition::parse(">= 0.01").unwrap();
        assert_eq!(small.decimals(), 3);
        assert!(!small.holds(0.006));
        assert_eq!(small.gap(0.006), 0.004);
        // From 0.1 up, two decimals are two significant digits or more.
        assert_eq!(Condition::parse(">= 0.4").unwrap().decimals(), 2);
        assert_eq!(Condition::parse("<= 10000").unwrap().decimals(), 2);
        // `between` is judged at its finer bound: 5.004 is 5 at 2 decimals.
        let band = Condition::parse("between 2.5 and 5").unwrap();
        assert!(band.holds(5.004));
        assert_eq!(band.gap(5.006), -0.01);
    }

    #[test]
    fn percent_marks() {
        let m = |s: &str| {
            let m = Marks::of(s);
            (m.percent, m.bare)
        };
        assert_eq!(m(">= 2%"), (true, false));
        assert_eq!(m(">= 0.02"), (false, true));
        // 0 is 0 in any unit.
        assert_eq!(m(">= 0"), (false, false));
        assert_eq!(m("between 2% and 5%"), (true, false));
        assert_eq!(m("between -5 and 5%"), (true, true));
        assert_eq!(m("<= 30"), (false, true));
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
