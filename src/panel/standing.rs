//! A panel's accounts ranked by one KPI in one period, and the references a
//! `vs` goal compares with: the competitors' median, the best competitor.

use super::Entry;

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
    use crate::kpi::Value;

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
}
