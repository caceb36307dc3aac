//! One metric's running aggregate, combined by the metric's kind.

use crate::records::Kind;

/// `n == 0` means no value (an empty cell is not zero).
#[derive(Debug, Clone, Copy)]
pub struct Acc {
    pub v: f64,
    pub n: u32,
    /// For `last`: the day of `v`.
    pub day: i32,
}

impl Default for Acc {
    /// No value, and a sum of none: -0.0, as `-0.0 + x` is exactly `x` for
    /// every `x` (`0.0 + -0.0` is `0.0`), so that a sum needs no branch on
    /// its first value.
    fn default() -> Self {
        Acc {
            v: -0.0,
            n: 0,
            day: 0,
        }
    }
}

impl Acc {
    /// Adds one observation on `day`.
    #[inline]
    pub fn add(&mut self, kind: Kind, x: f64, day: i32) {
        if kind == Kind::Sum {
            // The common case, without the general merge's branches: an
            // empty sum is -0.0 (see `Default`), or was, until a merge or a
            // value of another kind set `v` with `n` still 0, which only
            // `*self = o` does, with `o.n > 0`.
            self.v += x;
            self.n += 1;
            return;
        }
        self.merge(kind, Acc { v: x, n: 1, day }, false);
    }

    /// Combines another aggregate. Over time, `last` keeps the latest value;
    /// `across` entities (accounts, dimensions), stocks add up.
    #[inline]
    pub fn merge(&mut self, kind: Kind, o: Acc, across: bool) {
        if o.n == 0 {
            return;
        }
        if self.n == 0 {
            *self = o;
            return;
        }
        match kind {
            Kind::Sum | Kind::Mean => self.v += o.v,
            Kind::Last if across => {
                self.v += o.v;
                self.day = self.day.max(o.day);
            }
            Kind::Last => {
                if o.day >= self.day {
                    self.v = o.v;
                    self.day = o.day;
                }
            }
            Kind::Max => self.v = self.v.max(o.v),
            Kind::Min => self.v = self.v.min(o.v),
        }
        self.n += o.n;
    }

    pub fn value(&self, kind: Kind) -> Option<f64> {
        match (self.n, kind) {
            (0, _) => None,
            (n, Kind::Mean) => Some(self.v / n as f64),
            _ => Some(self.v),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_combine() {
        type Case<'a> = (Kind, &'a [(f64, i32)], f64);
        let table: &[Case] = &[
            (Kind::Sum, &[(1.0, 1), (2.0, 3), (4.0, 2)], 7.0),
            (Kind::Last, &[(10.0, 1), (30.0, 3), (20.0, 2)], 30.0),
            (Kind::Max, &[(1.0, 1), (5.0, 3), (4.0, 2)], 5.0),
            (Kind::Min, &[(3.0, 1), (5.0, 3), (4.0, 2)], 3.0),
            (Kind::Mean, &[(1.0, 1), (2.0, 3), (6.0, 2)], 3.0),
        ];
        for (kind, obs, want) in table {
            let mut a = Acc::default();
            for &(x, d) in *obs {
                a.add(*kind, x, d);
            }
            assert_eq!(a.value(*kind), Some(*want), "{kind}");
        }
        // Stocks add up across accounts, each at its own last value.
        let mut a = Acc::default();
        a.add(Kind::Last, 100.0, 5);
        let mut b = Acc::default();
        b.add(Kind::Last, 50.0, 4);
        a.merge(Kind::Last, b, true);
        assert_eq!(a.value(Kind::Last), Some(150.0));
        assert_eq!(Acc::default().value(Kind::Sum), None);
    }
}
