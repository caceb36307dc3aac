//! `[[test.input]]`, checked into canonical records. Its keys are read one
//! by one rather than through a serde struct: every key besides the scope
//! (`date`, `period`, `network`, ...) is a metric name.

use std::collections::BTreeMap;

use toml::Spanned;
use toml::de::DeValue;

use super::raw::INPUT_KEYS;
use super::suite::day;
use crate::aggregate::{Day, Grain};
use crate::diagnostic::suggest;
use crate::records::Record;
use crate::session::Session;
use crate::workspace::{Located, de};

/// The network of an input that names none.
pub const DEFAULT_NETWORK: &str = "example";

/// The records of one `[[test.input]]` table: its keys read one by one, as
/// any key besides the scope is a metric; and whether they are a
/// competitor's (`role = "competitor"`: the panel's, as a competitor
/// source's records would be).
pub(super) fn parse_input(
    s: &Session,
    at: &mut Located,
    item: &Spanned<DeValue>,
) -> (Vec<Record>, bool) {
    let DeValue::Table(t) = item.get_ref() else {
        return (Vec::new(), false);
    };
    let before = at.diagnostics.0.len();
    let text = |at: &mut Located, key: &str| -> Option<Spanned<String>> {
        let v = t.get(key)?;
        match v.get_ref() {
            DeValue::String(s) => Some(Spanned::new(v.span(), s.to_string())),
            // A bare TOML date (`date = 2026-10-03`) reads as its text.
            DeValue::Datetime(d) if key == "date" => Some(Spanned::new(v.span(), d.to_string())),
            _ => {
                at.error(v.span(), format!("`{key}` is text: `{key} = \"...\"`"));
                None
            }
        }
    };
    let competitor = match text(at, "role") {
        None => false,
        Some(r) => match crate::workspace::Role::parse(r.get_ref()) {
            Some(role) => role == crate::workspace::Role::Competitor,
            None => {
                at.error(
                    r.span(),
                    format!(
                        "`role = \"{}\"`: an input's role is own (the default) or competitor",
                        r.get_ref()
                    ),
                );
                false
            }
        },
    };
    let date = text(at, "date");
    let period = text(at, "period");
    let network = text(at, "network").map_or(DEFAULT_NETWORK.to_string(), Spanned::into_inner);
    let account = text(at, "account").map_or(network.clone(), Spanned::into_inner);
    let post = text(at, "post").map(Spanned::into_inner);
    let dims = match t.get("dim") {
        None => BTreeMap::new(),
        Some(v) => de::<BTreeMap<String, String>>(at, v.clone(), "`dim`").unwrap_or_default(),
    };
    // The day the record counts on, and the last day the data must reach.
    let days: Option<(Day, Day)> = match (&date, &period) {
        (Some(d), None) => day(at, d.get_ref(), d.span(), "date").map(|d| (d, d)),
        (None, Some(p)) => match s.ws.calendar.parse_label(p.get_ref()) {
            Some(period) if period.grain != Grain::All => {
                Some(s.ws.calendar.bounds(period, (0, 0)))
            }
            _ => {
                at.error(
                    p.span(),
                    format!(
                        "`{}` is not a period: write a label such as 2026-10, 2026-Q4, 2026, 2026-W41 or 2026-10-03",
                        p.get_ref()
                    ),
                );
                None
            }
        },
        (Some(d), Some(_)) => {
            at.error(d.span(), "an input has a `date` or a `period`, not both");
            None
        }
        (None, None) => {
            at.error(
                item.span(),
                "an input needs `date = \"2026-10-03\"` or `period = \"2026-10\"`",
            );
            None
        }
    };
    let mut metrics = BTreeMap::new();
    for (key, value) in t.iter() {
        let name: &str = key.get_ref();
        if INPUT_KEYS.contains(&name) {
            continue;
        }
        if s.catalog.id(name).is_none() {
            let mut d = at.diagnostic(key.span(), format!("unknown metric `{name}`"));
            d = if s.library.get(name).is_some() {
                d.with_hint(format!(
                    "`{name}` is a KPI: an input gives metrics, and a [[test.expect]] checks KPIs"
                ))
            } else if let Some(near) =
                suggest(name, s.catalog.names().chain(INPUT_KEYS.iter().copied()))
            {
                d.with_hint(format!("did you mean `{near}`?"))
            } else {
                d.with_hint(
                    "`kpiscope list metrics` shows the metrics; declare your own in kpiscope.toml's [metrics]",
                )
            };
            at.diagnostics.push(d);
            continue;
        }
        let x = match value.get_ref() {
            DeValue::Integer(i) => i.as_str().replace('_', "").parse::<f64>().ok(),
            DeValue::Float(f) => f.as_str().replace('_', "").parse::<f64>().ok(),
            _ => None,
        };
        match x {
            Some(x) if x.is_finite() => {
                metrics.insert(name.to_string(), x);
            }
            _ => at.error(
                value.span(),
                format!("metric `{name}` is a number: `{name} = 120`"),
            ),
        }
    }
    if at.diagnostics.0.len() > before {
        return (Vec::new(), competitor);
    }
    let Some((first, last)) = days else {
        return (Vec::new(), competitor);
    };
    let mut out = vec![Record::new(
        first,
        network.clone(),
        account.clone(),
        post,
        dims,
        metrics,
    )];
    if last != first {
        // No metrics: it only makes the data reach the period's last day, so
        // that `days` counts the whole period and `last` sees it complete.
        out.push(Record::new(
            last,
            network,
            account,
            None,
            BTreeMap::new(),
            BTreeMap::new(),
        ));
    }
    (out, competitor)
}
