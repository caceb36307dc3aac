//! A panel's accounts ranked by one KPI in one period, and the references a
//! `vs` goal compares with: the competitors' median, the best competitor.

use super::Entry;
use crate::kpi::{Value, percent_change};

#[derive(Debug, Clone, PartialEq)]
pub struct Standing {
    /// Ranked accounts first, best first; then those without a value, in
    /// the order they came.
    pub entries: Vec<Entry>,
}

impl Standing {
    /// Ranks `entries`: the highest value first, or the lowest when
    /// `lower_is_better`. Equal values share a rank (1, 1, 3).
    pub fn new(entries: Vec<Entry>, lower_is_better: bool) -> Standing {
        let (mut ranked, unranked): (Vec<Entry>, Vec<Entry>) = entries
            .into_iter()
            .partition(|e| e.value.number().is_some());
        let key = |e: &Entry| {
            let x = e.value.number().unwrap_or(f64::NAN);
            if lower_is_better { x } else { -x }
        };
        // Stable: equal values keep their order (own accounts come first).
        ranked.sort_by(|a, b| key(a).total_cmp(&key(b)));
        for i in 0..ranked.len() {
            let rank = match i {
                0 => 1,
                _ if key(&ranked[i]) == key(&ranked[i - 1]) => ranked[i - 1].rank.unwrap_or(1),
                _ => i + 1,
            };
            ranked[i].rank = Some(rank);
        }
        ranked.extend(unranked.into_iter().map(|e| Entry { rank: None, ..e }));
        Standing { entries: ranked }
    }

    /// The panel ranked by each account's % change of `kpi` from the period
    /// before (`before`, named `label`; none when there is no such period),
    /// with the reason where an account has no change: no value now or
    /// then, or 0 then.
    pub fn changes(
        &self,
        before: Option<&Standing>,
        kpi: &str,
        label: &str,
        lower_is_better: bool,
    ) -> Standing {
        // Own accounts first, then competitors by name: the order ties keep,
        // as in a standing by value (not that value's rank order).
        let mut ordered: Vec<&Entry> = self.entries.iter().collect();
        ordered.sort_by(|a, b| (!a.own, &a.account).cmp(&(!b.own, &b.account)));
        let entries = ordered
            .into_iter()
            .map(|e| {
                let then = before.and_then(|b| b.get(&e.account)).map(|b| &b.value);
                let value = match (&e.value, then) {
                    (Value::NoData(r), _) => Value::NoData(r.clone()),
                    (_, None) => Value::NoData(format!("no records in {label}, the period before")),
                    (_, Some(Value::NoData(r))) => {
                        Value::NoData(format!("no {kpi} in {label}, the period before: {r}"))
                    }
                    (Value::Number(now), Some(Value::Number(then))) => {
                        match percent_change(*now, *then) {
                            Some(c) => Value::Number(c),
                            None => Value::NoData(format!(
                                "{kpi} was 0 in {label}, and a % change from 0 is undefined"
                            )),
                        }
                    }
                };
                Entry {
                    value,
                    rank: None,
                    ..e.clone()
                }
            })
            .collect();
        Standing::new(entries, lower_is_better)
    }

    pub fn get(&self, account: &str) -> Option<&Entry> {
        self.entries.iter().find(|e| e.account == account)
    }

    /// How many accounts have a value (and so a rank).
    pub fn ranked(&self) -> usize {
        self.entries.iter().filter(|e| e.rank.is_some()).count()
    }

    /// The competitors' values, in rank order.
    fn competitor_values(&self) -> Vec<f64> {
        self.entries
            .iter()
            .filter(|e| !e.own)
            .filter_map(|e| e.value.number())
            .collect()
    }

    /// The median of the competitors' values: the middle one, or the mean
    /// of the two middle ones.
    pub fn median(&self) -> Option<f64> {
        let mut v = self.competitor_values();
        if v.is_empty() {
            return None;
        }
        v.sort_by(f64::total_cmp);
        let n = v.len();
        Some(match n % 2 {
            1 => v[n / 2],
            _ => (v[n / 2 - 1] + v[n / 2]) / 2.0,
        })
    }

    /// The best-ranked competitor with a value.
    pub fn best(&self) -> Option<&Entry> {
        self.entries.iter().find(|e| !e.own && e.rank.is_some())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn e(account: &str, own: bool, v: Option<f64>) -> Entry {
        Entry {
            account: account.into(),
            own,
            value: v.map_or(Value::NoData("not public".into()), Value::Number),
            rank: None,
        }
    }

    #[test]
    fn ranks_share_ties_and_leave_no_data_last() {
        let s = Standing::new(
            vec![
                e("acme", true, Some(2.0)),
                e("a", false, Some(3.0)),
                e("b", false, None),
                e("c", false, Some(2.0)),
                e("d", false, Some(1.0)),
            ],
            false,
        );
        let order: Vec<(&str, Option<usize>)> = s
            .entries
            .iter()
            .map(|e| (e.account.as_str(), e.rank))
            .collect();
        assert_eq!(
            order,
            [
                ("a", Some(1)),
                ("acme", Some(2)),
                ("c", Some(2)),
                ("d", Some(4)),
                ("b", None)
            ]
        );
        assert_eq!(s.ranked(), 4);
        // Competitors 3, 2, 1: the middle one.
        assert_eq!(s.median(), Some(2.0));
        assert_eq!(s.best().map(|e| e.account.as_str()), Some("a"));
        let low = Standing::new(
            vec![e("x", true, Some(5.0)), e("y", false, Some(4.0))],
            true,
        );
        assert_eq!(low.entries[0].account, "y");
        // Two competitors: the mean of both.
        assert_eq!(low.median(), Some(4.0));
    }

    #[test]
    fn changes_rank_the_panel_by_growth_and_say_why_one_has_none() {
        let now = Standing::new(
            vec![
                e("acme", true, Some(11.0)),
                e("a", false, Some(9.0)),
                e("b", false, Some(4.0)),
                e("c", false, Some(3.0)),
                e("d", false, None),
                e("z", false, Some(1.0)),
            ],
            false,
        );
        let before = Standing::new(
            vec![
                e("acme", true, Some(10.0)),
                e("a", false, Some(6.0)),
                e("b", false, Some(5.0)),
                e("c", false, Some(0.0)),
                e("d", false, Some(1.0)),
            ],
            false,
        );
        let ch = now.changes(Some(&before), "er", "2026-02", false);
        let order: Vec<(&str, Option<usize>, Option<f64>)> = ch
            .entries
            .iter()
            .map(|e| (e.account.as_str(), e.rank, e.value.number()))
            .collect();
        // a: 6 → 9, +50%; acme: 10 → 11, +10%; b: 5 → 4, -20%.
        assert_eq!(
            order,
            [
                ("a", Some(1), Some(50.0)),
                ("acme", Some(2), Some(10.0)),
                ("b", Some(3), Some(-20.0)),
                ("c", None, None),
                ("d", None, None),
                ("z", None, None),
            ]
        );
        let why = |a: &str| {
            ch.get(a)
                .and_then(|e| e.value.reason())
                .unwrap_or_default()
                .to_string()
        };
        assert_eq!(
            why("c"),
            "er was 0 in 2026-02, and a % change from 0 is undefined"
        );
        assert_eq!(why("d"), "not public");
        assert_eq!(why("z"), "no records in 2026-02, the period before");
        // Competitors' changes +50% and -20%: the median is their mean.
        assert_eq!(ch.median(), Some(15.0));
        // Equal changes share a rank, the own account first, whatever the
        // values' order was.
        let flat = Standing::new(
            vec![e("b", false, Some(9.0)), e("acme", true, Some(3.0))],
            false,
        );
        let flat_before = Standing::new(
            vec![e("b", false, Some(9.0)), e("acme", true, Some(3.0))],
            false,
        );
        let tie = flat.changes(Some(&flat_before), "er", "2026-02", false);
        let order: Vec<(&str, Option<usize>)> = tie
            .entries
            .iter()
            .map(|e| (e.account.as_str(), e.rank))
            .collect();
        assert_eq!(order, [("acme", Some(1)), ("b", Some(1))]);
        let none = now.changes(None, "er", "2025-12", false);
        assert_eq!(none.ranked(), 0);
    }
}
