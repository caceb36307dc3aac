//! The trend a deadline goal is projected on: an ordinary least-squares line
//! through the last periods' values, the same line as a spreadsheet's
//! `FORECAST.LINEAR` / `TREND` over those cells. A straight line because a
//! marketer can redo it by hand and because a few monthly points support
//! nothing fancier.

/// `y = intercept + slope * x`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Trend {
    pub intercept: f64,
    pub slope: f64,
}

impl Trend {
    /// How many complete periods before the deadline the line is fitted on.
    pub const PERIODS: usize = 6;

    /// Fits the line; one point gives a flat line through it.
    pub fn fit(points: impl IntoIterator<Item = (f64, f64)>) -> Trend {
        let points: Vec<(f64, f64)> = points.into_iter().collect();
        let n = points.len().max(1) as f64;
        let mx = points.iter().map(|p| p.0).sum::<f64>() / n;
        let my = points.iter().map(|p| p.1).sum::<f64>() / n;
        let sxx: f64 = points.iter().map(|p| (p.0 - mx).powi(2)).sum();
        let sxy: f64 = points.iter().map(|p| (p.0 - mx) * (p.1 - my)).sum();
        let slope = if sxx > 0.0 { sxy / sxx } else { 0.0 };
        Trend {
            intercept: my - slope * mx,
            slope,
        }
    }

    pub fn at(&self, x: f64) -> f64 {
        self.intercept + self.slope * x
    }
}

#[cfg(test)]
mod tests {
    use super::Trend;

    #[test]
    fn least_squares_as_a_spreadsheet_computes_it() {
        // FORECAST.LINEAR(7; {9100;9250;9380;9550;9700;9800}; {1;2;3;4;5;6}) = 9965.33…
        let t = Trend::fit(
            [9100.0, 9250.0, 9380.0, 9550.0, 9700.0, 9800.0]
                .iter()
                .enumerate()
                .map(|(i, y)| (i as f64 + 1.0, *y)),
        );
        assert!((t.slope - 143.428_571_428_571_4).abs() < 1e-9, "{t:?}");
        assert!(
            (t.at(7.0) - 9_965.333_333_333_3).abs() < 1e-6,
            "{}",
            t.at(7.0)
        );
        let flat = Trend::fit([(3.0, 5.0)]);
        assert_eq!(flat.at(10.0), 5.0);
    }
}
