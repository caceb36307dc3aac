//! One test file, parsed then checked into the model the runner uses: every
//! input becomes canonical records, every expectation a view, a period and
//! what is wanted. Every problem of the file is reported at once, with its
//! place.

use std::collections::BTreeMap;
use std::ops::Range;

use toml::Spanned;
use toml::de::DeValue;

use super::raw::{INPUT_KEYS, RawExpect, RawGoalCheck, RawTest, TOP_LEVEL};
use crate::aggregate::period::parse_day;
use crate::aggregate::{By, Day, Filter, Grain, Period, View};
use crate::diagnostic::suggest;
use crate::goals::Status;
use crate::records::Record;
use crate::session::Session;
use crate::workspace::{Located, de, parse_toml};

/// Values within this of the expected one pass: equal to two decimals.
pub const TOLERANCE: f64 = 0.005;

/// The network of an input that names none.
pub const DEFAULT_NETWORK: &str = "example";

/// A test file: its tests in the order written.
#[derive(Debug, Clone)]
pub struct Suite {
    /// As messages show it: `tests/kpis.toml`.
    pub file: String,
    pub tests: Vec<Case>,
}

/// One `[[test]]`.
#[derive(Debug, Clone)]
pub struct Case {
    pub name: String,
    pub file: String,
    /// The line of its `name`.
    pub line: usize,
    /// `last` and `current` count from this day (default: the inputs' last day).
    pub as_of: Option<String>,
    /// Added to the workspace's `[params]` for this test.
    pub params: toml::Table,
    /// The inputs as canonical records, in the order written. An input for a
    /// whole period is a record on its first day plus a record without
    /// metrics on its last day, so that the data cover the whole period.
    pub records: Vec<Record>,
    pub expects: Vec<Expect>,
    pub goals: Vec<GoalCheck>,
}

/// `[[test.expect]]`, checked.
#[derive(Debug, Clone)]
pub struct Expect {
    pub line: usize,
    pub kpi: String,
    pub view: View,
    /// The group's scope in `view`: the post, when one is named.
    pub scope: Vec<Option<String>>,
    pub period: Period,
    pub label: String,
    pub want: Want,
    pub tolerance: f64,
}

impl Expect {
    /// `err in 2026-10 (instagram, account acme)`, for messages.
    pub fn describe(&self) -> String {
        match self.scope_text() {
            Some(scope) => format!("{} in {} ({scope})", self.kpi, self.label),
            None => format!("{} in {}", self.kpi, self.label),
        }
    }

    /// `instagram, account acme, post p1, campaign=spring`; `None` for all
    /// networks together.
    pub fn scope_text(&self) -> Option<String> {
        let f = &self.view.filter;
        let mut scope: Vec<String> = Vec::new();
        scope.extend(f.network.iter().cloned());
        scope.extend(f.account.iter().map(|a| format!("account {a}")));
        scope.extend(self.scope.iter().flatten().map(|p| format!("post {p}")));
        scope.extend(f.dims.iter().map(|(k, v)| format!("{k}={v}")));
        (!scope.is_empty()).then(|| scope.join(", "))
    }
}

/// What an expectation wants.
#[derive(Debug, Clone, PartialEq)]
pub enum Want {
    Value(f64),
    /// No data; when a reason is given, the reason contains it.
    NoData {
        reason: Option<String>,
    },
}

/// `[[test.goal]]`, checked.
#[derive(Debug, Clone)]
pub struct GoalCheck {
    pub line: usize,
    pub id: String,
    /// Picks one of a goal's results by its period label (normalised).
    pub period: Option<String>,
    pub status: Status,
    pub value: Option<f64>,
    /// A text the result's message contains.
    pub message: Option<String>,
    pub tolerance: f64,
}

impl Suite {
    /// Parses and checks `text`, reporting every problem into `at`.
    pub fn parse(s: &Session, at: &mut Located) -> Suite {
        let text = at.source.clone();
        let mut suite = Suite {
            file: at.file.clone(),
            tests: Vec::new(),
        };
        let Some(doc) = parse_toml(at, &text) else {
            return suite;
        };
        for (key, value) in doc.iter() {
            if key.get_ref() != "test" {
                let hint = suggest(key.get_ref(), TOP_LEVEL.iter().copied())
                    .map(|s| format!("; did you mean `{s}`?"))
                    .unwrap_or_default();
                at.error(
                    key.span(),
                    format!(
                        "unknown key `{}`: a test file has `[[test]]` tables{hint}",
                        key.get_ref()
                    ),
                );
                continue;
            }
            for item in tables(at, value, "test") {
                if let Some(case) = Case::parse(s, at, item) {
                    if suite.tests.iter().any(|t| t.name == case.name) {
                        at.error(
                            span_of_key(item, "name"),
                            format!(
                                "two tests are named `{}`: give each its own name",
                                case.name
                            ),
                        );
                    }
                    suite.tests.push(case);
                }
            }
        }
        suite
    }
}

impl Case {
    fn parse(s: &Session, at: &mut Located, item: &Spanned<DeValue>) -> Option<Case> {
        let before = at.diagnostics.0.len();
        let raw = de::<RawTest>(at, item.clone(), "[[test]]")?;
        let DeValue::Table(table) = item.get_ref() else {
            return None;
        };
        let name = raw.name.get_ref().trim().to_string();
        if name.is_empty() {
            at.error(raw.name.span(), "a test's `name` is empty");
        }
        let as_of = raw
            .as_of
            .as_ref()
            .and_then(|a| day(at, a.get_ref(), a.span(), "as_of").map(|_| a.get_ref().clone()));
        let tolerance = raw
            .tolerance
            .as_ref()
            .map_or(Some(TOLERANCE), |t| tolerance(at, t));
        let calendar = s.ws.calendar;

        let mut records = Vec::new();
        if let Some(v) = table.get("input") {
            for input in tables(at, v, "test.input") {
                records.extend(parse_input(s, at, input));
            }
        }
        let mut expects = Vec::new();
        if let Some(v) = table.get("expect") {
            for e in tables(at, v, "test.expect") {
                let Some(r) = de::<RawExpect>(at, e.clone(), "[[test.expect]]") else {
                    continue;
                };
                expects.extend(Expect::check(s, at, r, tolerance.unwrap_or(TOLERANCE)));
            }
        }
        let mut goals = Vec::new();
        if let Some(v) = table.get("goal") {
            for g in tables(at, v, "test.goal") {
                let Some(r) = de::<RawGoalCheck>(at, g.clone(), "[[test.goal]]") else {
                    continue;
                };
                goals.extend(GoalCheck::check(
                    s,
                    at,
                    r,
                    &calendar,
                    tolerance.unwrap_or(TOLERANCE),
                ));
            }
        }
        if !table.contains_key("expect") && !table.contains_key("goal") {
            at.error(
                raw.name.span(),
                format!(
                    "test `{name}` expects nothing: add a [[test.expect]] (a KPI's value) or a [[test.goal]] (a goal's status)"
                ),
            );
        }
        if at.diagnostics.0.len() > before {
            return None;
        }
        Some(Case {
            name,
            file: at.file.clone(),
            line: line_of(&at.source, raw.name.span().start),
            as_of,
            params: raw.params.unwrap_or_default(),
            records,
            expects,
            goals,
        })
    }
}

/// The records of one `[[test.input]]` table: its keys read one by one, as
/// any key besides the scope is a metric.
fn parse_input(s: &Session, at: &mut Located, item: &Spanned<DeValue>) -> Vec<Record> {
    let DeValue::Table(t) = item.get_ref() else {
        return Vec::new();
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
        return Vec::new();
    }
    let Some((first, last)) = days else {
        return Vec::new();
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
    out
}

impl Expect {
    fn check(
        s: &Session,
        at: &mut Located,
        r: RawExpect,
        tolerance_default: f64,
    ) -> Option<Expect> {
        let before = at.diagnostics.0.len();
        let kpi = r.kpi.get_ref().trim().to_string();
        if s.library.get(&kpi).is_none() && s.catalog.id(&kpi).is_none() {
            let mut d = at.diagnostic(r.kpi.span(), format!("unknown KPI `{kpi}`"));
            d = match suggest(&kpi, s.library.names().chain(s.catalog.names())) {
                Some(near) => d.with_hint(format!("did you mean `{near}`?")),
                None => d.with_hint("`kpiscope list kpis` shows the KPIs"),
            };
            at.diagnostics.push(d);
        }
        let period = label(at, &s.ws.calendar, &r.period);
        let want = match (&r.value, &r.no_data) {
            (Some(v), None) => Some(Want::Value(*v.get_ref())),
            (None, Some(n)) if *n.get_ref() => Some(Want::NoData {
                reason: r.reason.as_ref().map(|s| s.get_ref().clone()),
            }),
            (Some(v), Some(_)) => {
                at.error(
                    v.span(),
                    "an expectation has a `value` or `no_data = true`, not both",
                );
                None
            }
            _ => {
                at.error(
                    r.kpi.span(),
                    format!("what should `{kpi}` be? add `value = ...` or `no_data = true`"),
                );
                None
            }
        };
        if let (Some(reason), Some(Want::Value(_))) = (&r.reason, &want) {
            at.error(reason.span(), "`reason` goes with `no_data = true`");
        }
        let tolerance = r
            .tolerance
            .as_ref()
            .map_or(Some(tolerance_default), |t| tolerance(at, t));
        if at.diagnostics.0.len() > before {
            return None;
        }
        let period = period?;
        let by_post = r.post.is_some();
        Some(Expect {
            line: line_of(&at.source, r.kpi.span().start),
            label: s.ws.calendar.label(period),
            kpi,
            view: View {
                grain: period.grain,
                by: if by_post { vec![By::Post] } else { Vec::new() },
                filter: Filter {
                    network: r.network,
                    account: r.account,
                    dims: r.where_.unwrap_or_default(),
                },
            },
            scope: if by_post { vec![r.post] } else { Vec::new() },
            period,
            want: want?,
            tolerance: tolerance?,
        })
    }
}

impl GoalCheck {
    fn check(
        s: &Session,
        at: &mut Located,
        r: RawGoalCheck,
        calendar: &crate::aggregate::Calendar,
        tolerance_default: f64,
    ) -> Option<GoalCheck> {
        let before = at.diagnostics.0.len();
        let id = r.id.get_ref().trim().to_string();
        let goal = s.ws.goals.iter().find(|g| g.id == id);
        if goal.is_none() {
            let mut d = at.diagnostic(
                r.id.span(),
                format!("no goal of kpiscope.toml has the id `{id}`"),
            );
            d = match suggest(&id, s.ws.goals.iter().map(|g| g.id.as_str())) {
                Some(near) => d.with_hint(format!("did you mean `{near}`?")),
                None if s.ws.goals.is_empty() => d.with_hint("the workspace has no goals"),
                None => d.with_hint("`kpiscope list goals` shows them"),
            };
            at.diagnostics.push(d);
        }
        let period = r.period.as_ref().and_then(|p| {
            let period = label(at, calendar, p)?;
            if let Some(g) = goal
                && g.grain != period.grain
            {
                at.error(
                    p.span(),
                    format!(
                        "goal `{id}` is checked per {}, and `{}` is a {}",
                        g.grain,
                        p.get_ref(),
                        period.grain
                    ),
                );
            }
            Some(calendar.label(period))
        });
        let status = match r.status.get_ref().as_str() {
            "pass" => Some(Status::Pass),
            "warn" => Some(Status::Warn),
            "fail" => Some(Status::Fail),
            "no_data" => Some(Status::NoData),
            other => {
                let hint = suggest(other, ["pass", "warn", "fail", "no_data"])
                    .map(|s| format!("; did you mean `{s}`?"))
                    .unwrap_or_default();
                at.error(
                    r.status.span(),
                    format!("`status = \"{other}\"`: use pass, warn, fail or no_data{hint}"),
                );
                None
            }
        };
        let tolerance = r
            .tolerance
            .as_ref()
            .map_or(Some(tolerance_default), |t| tolerance(at, t));
        if at.diagnostics.0.len() > before {
            return None;
        }
        Some(GoalCheck {
            line: line_of(&at.source, r.id.span().start),
            id,
            period,
            status: status?,
            value: r.value.map(Spanned::into_inner),
            message: r.message.map(Spanned::into_inner),
            tolerance: tolerance?,
        })
    }
}

/// The tables of an array of tables (`[[key]]`), each reported when it is not one.
fn tables<'v, 'a>(
    at: &mut Located,
    value: &'v Spanned<DeValue<'a>>,
    key: &str,
) -> Vec<&'v Spanned<DeValue<'a>>> {
    let DeValue::Array(items) = value.get_ref() else {
        at.error(value.span(), format!("write `[[{key}]]` tables"));
        return Vec::new();
    };
    items
        .iter()
        .filter(|item| {
            let ok = matches!(item.get_ref(), DeValue::Table(_));
            if !ok {
                at.error(item.span(), format!("write `[[{key}]]` tables"));
            }
            ok
        })
        .collect()
}

/// Where a key's value stands in a table, else the table itself.
fn span_of_key(item: &Spanned<DeValue>, key: &str) -> Range<usize> {
    match item.get_ref() {
        DeValue::Table(t) => t.get(key).map_or(item.span(), |v| v.span()),
        _ => item.span(),
    }
}

fn day(at: &mut Located, text: &str, span: Range<usize>, key: &str) -> Option<Day> {
    let d = parse_day(text);
    if d.is_none() {
        at.error(
            span,
            format!("`{key}` `{text}` is not a date: write YYYY-MM-DD"),
        );
    }
    d
}

fn label(
    at: &mut Located,
    calendar: &crate::aggregate::Calendar,
    text: &Spanned<String>,
) -> Option<Period> {
    let p = calendar.parse_label(text.get_ref().trim());
    if p.is_none() {
        at.error(
            text.span(),
            format!(
                "`{}` is not a period: use a label such as 2026-10, 2026-Q4, 2026, 2026-W41, 2026-10-03, or all",
                text.get_ref()
            ),
        );
    }
    p
}

fn tolerance(at: &mut Located, t: &Spanned<f64>) -> Option<f64> {
    let x = *t.get_ref();
    if x.is_finite() && x >= 0.0 {
        Some(x)
    } else {
        at.error(t.span(), "`tolerance` is a number, 0 or more");
        None
    }
}

/// The 1-based line of a byte offset.
pub fn line_of(text: &str, offset: usize) -> usize {
    text[..offset.min(text.len())].matches('\n').count() + 1
}
