//! What a panel goal (issue 16) compares the brand with: its rank among the
//! network's competitor panel (`rank = "<= 2"`), or a reference taken from
//! the competitors (`vs = "median"`, `"best"` or an account, with
//! `target = ">= 1.1x"` for a multiple of it, or a plain target for the
//! difference from it). With `change`, every account of the panel is
//! measured by its % change from the period before instead of its value:
//! a `rank` goal ranks the panel by it (and the own change must meet the
//! `change` condition too), a `vs` goal judges the own change against the
//! reference's, in points.

use std::ops::Range;

use super::condition::Condition;

/// The panel side of a goal: `rank` or `vs`, and where it is written.
#[derive(Debug, Clone, PartialEq)]
pub struct Against {
    pub what: Versus,
    /// Where `rank = ...` or `vs = ...` stands, for diagnostics found once
    /// the KPIs and sources are known.
    pub span: Range<usize>,
    /// A `rank` goal with `change`: the condition the own % change must
    /// meet as well (`change = ">= 0%"`: first among those who grew, and
    /// growing), with its text as written.
    pub gate: Option<(Condition, String)>,
}

/// How the goal's KPI is judged against the panel.
#[derive(Debug, Clone, PartialEq)]
pub enum Versus {
    /// The target is a condition on the rank: 1 is the best by the KPI's
    /// `better` (higher unless it says lower).
    Rank,
    /// The target is a condition on the own value against `reference`: its
    /// multiple when `multiple` (`>= 1.1x`), else the difference in the
    /// KPI's unit (`>= 0`: at least as good as it).
    Vs { reference: String, multiple: bool },
}

impl Against {
    /// `rank`, or `vs median`, for ids and titles.
    pub fn label(&self) -> String {
        match &self.what {
            Versus::Rank => "rank".into(),
            Versus::Vs { reference, .. } => format!("vs {reference}"),
        }
    }

    /// `rank` or `vs`: what JSON's `kind` says.
    pub fn kind(&self) -> &'static str {
        match self.what {
            Versus::Rank => "rank",
            Versus::Vs { .. } => "vs",
        }
    }
}

/// A `vs` condition's text without its `x` marks (`>= 1.1x` → `>= 1.1`),
/// and whether it had any: the target is then a multiple of the reference.
pub fn strip_multiple(text: &str) -> (String, bool) {
    let mut out = String::with_capacity(text.len());
    let mut multiple = false;
    let mut prev_digit = false;
    for c in text.chars() {
        if (c == 'x' || c == '×') && prev_digit {
            multiple = true;
            prev_digit = false;
            continue;
        }
        prev_digit = c.is_ascii_digit() || (prev_digit && c == ' ');
        out.push(c);
    }
    (out, multiple)
}

#[cfg(test)]
mod tests {
    use super::strip_multiple;

    #[test]
    fn multiples_lose_their_x() {
        assert_eq!(strip_multiple(">= 1.1x"), (">= 1.1".into(), true));
        assert_eq!(
            strip_multiple("between 0.9x and 1.2x"),
            ("between 0.9 and 1.2".into(), true)
        );
        assert_eq!(strip_multiple(">= 0.5"), (">= 0.5".into(), false));
    }
}
