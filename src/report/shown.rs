//! Which goal results the report lists: every goal, and of a goal checked in
//! each period, the results of the report's own period.

use std::collections::{BTreeMap, BTreeSet};

use crate::goals::GoalResult;

/// Each result's goal id and period (first and last day), for [`shown_results`].
pub fn results_periods(results: &[GoalResult]) -> Vec<(&str, Option<(&str, &str)>)> {
    results
        .iter()
        .map(|r| {
            (
                r.goal.id.as_str(),
                r.period
                    .as_ref()
                    .map(|p| (p.start.as_str(), p.end.as_str())),
            )
        })
        .collect()
}

/// Which results the report lists: every goal's, so that no goal goes
/// missing. A goal with one result has it listed, whatever its period: a
/// deadline goal's result is about the deadline's period, judged on its
/// projection as of the report's period; a goal on a period after the
/// report's says it has no data yet. Of a goal with one result per period
/// (`period = "each"`), those whose period overlaps the report's
/// (`start..=end`, `YYYY-MM-DD` text compares as dates), else its latest
/// before the report's end: its history is its chart, and a report on
/// 2025-Q4 does not judge it on 2026-Q3.
pub fn shown_results(
    results: &[(&str, Option<(&str, &str)>)],
    start: &str,
    end: &str,
) -> BTreeSet<usize> {
    let mut by_goal: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (i, (id, _)) in results.iter().enumerate() {
        by_goal.entry(id).or_default().push(i);
    }
    let mut keep = BTreeSet::new();
    for idx in by_goal.values() {
        if idx.len() == 1 {
            keep.extend(idx);
            continue;
        }
        let due: Vec<usize> = idx
            .iter()
            .copied()
            .filter(|&i| results[i].1.is_none_or(|(a, _)| a <= end))
            .collect();
        let overlapping: Vec<usize> = due
            .iter()
            .copied()
            .filter(|&i| results[i].1.is_some_and(|(a, b)| a <= end && b >= start))
            .collect();
        if overlapping.is_empty() {
            // The latest that is due; of results all after the report's
            // end, the first, so the goal is still there.
            let latest = due
                .iter()
                .copied()
                .max_by_key(|&i| results[i].1.map(|(_, b)| b))
                .or_else(|| idx.first().copied());
            keep.extend(latest);
        } else {
            keep.extend(overlapping);
        }
    }
    keep
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_goals_show_the_reports_periods() {
        let results = [
            ("once", Some(("2026-07-01", "2026-09-30"))),
            ("each", Some(("2026-08-01", "2026-08-31"))),
            ("each", Some(("2026-09-01", "2026-09-30"))),
            ("weekly", Some(("2026-09-21", "2026-09-27"))),
            ("weekly", Some(("2026-09-28", "2026-10-04"))),
            ("weekly", Some(("2026-10-05", "2026-10-11"))),
            ("old", Some(("2026-06-01", "2026-06-30"))),
            ("old", Some(("2026-07-01", "2026-07-31"))),
            ("none", None),
            // A deadline goal's one result, about its deadline's quarter.
            ("later", Some(("2026-10-01", "2026-12-31"))),
            ("weekly-later", Some(("2026-10-05", "2026-10-11"))),
            ("weekly-later", Some(("2026-10-12", "2026-10-18"))),
        ];
        let keep = shown_results(&results, "2026-09-01", "2026-09-30");
        // Every goal is there: `later` with its one result, `weekly-later`
        // (every result after the report) with its first.
        assert_eq!(
            keep.into_iter().collect::<Vec<_>>(),
            [0, 2, 3, 4, 7, 8, 9, 10]
        );
    }
}
