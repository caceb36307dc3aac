//! An owned canonical record, as plugins other than `canonical` produce it,
//! and its one-line JSON form: what `rhai` and `command` plugins return and
//! what a fixture's `.expected.jsonl` holds.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use super::{Level, PostAttrs};
use crate::aggregate::period::{Day, format_day, parse_day};

#[derive(Debug, Clone)]
pub struct Record {
    pub date: Day,
    pub network: String,
    pub account: String,
    /// `Some` for a post-level record.
    pub post: Option<String>,
    pub level: Level,
    pub dims: BTreeMap<String, String>,
    pub metrics: BTreeMap<String, f64>,
    /// A post's text, link and format; empty on account records.
    pub attrs: PostAttrs,
    /// The line of the file (or of a program's output) the record came
    /// from, for messages; 0 when it has none (a JSON document, a test's
    /// input). Not part of what the record is: equality leaves it out.
    pub line: u64,
}

impl PartialEq for Record {
    fn eq(&self, o: &Record) -> bool {
        (
            self.date,
            &self.network,
            &self.account,
            &self.post,
            self.level,
            &self.dims,
            &self.metrics,
        ) == (
            o.date, &o.network, &o.account, &o.post, o.level, &o.dims, &o.metrics,
        )
    }
}

impl Record {
    /// A record, post-level when it has a post id.
    pub fn new(
        date: Day,
        network: String,
        account: String,
        post: Option<String>,
        dims: BTreeMap<String, String>,
        metrics: BTreeMap<String, f64>,
    ) -> Record {
        Record {
            date,
            network,
            account,
            level: if post.is_some() {
                Level::Post
            } else {
                Level::Account
            },
            post,
            dims,
            metrics,
            attrs: PostAttrs::default(),
            line: 0,
        }
    }

    /// This record with a post's attributes; an account record has none
    /// (they would describe no post).
    pub fn with_attrs(mut self, attrs: PostAttrs) -> Record {
        if self.level == Level::Post {
            self.attrs = attrs;
        }
        self
    }

    /// The record's identity: what de-duplication keys on, without values
    /// or the post's attributes (an edited text is the same post).
    pub fn key(&self) -> String {
        let mut v = self.to_json();
        if let Value::Object(m) = &mut v {
            for k in ["metrics", "title", "url", "format"] {
                m.remove(k);
            }
        }
        v.to_string()
    }

    /// The JSON object, keys in the documented order.
    pub fn to_json(&self) -> Value {
        let mut m = Map::new();
        m.insert("date".into(), format_day(self.date).into());
        m.insert("network".into(), self.network.clone().into());
        m.insert("account".into(), self.account.clone().into());
        if let Some(p) = &self.post {
            m.insert("post".into(), p.clone().into());
        }
        for (k, v) in self.attr_fields() {
            m.insert(k.into(), v.into());
        }
        if !self.dims.is_empty() {
            let dims: Map<String, Value> = self
                .dims
                .iter()
                .map(|(k, v)| (k.clone(), v.clone().into()))
                .collect();
            m.insert("dims".into(), dims.into());
        }
        let metrics: Map<String, Value> = self
            .metrics
            .iter()
            .map(|(k, &v)| (k.clone(), number(v)))
            .collect();
        m.insert("metrics".into(), metrics.into());
        Value::Object(m)
    }

    /// The one-line form of `.expected.jsonl`: keys in the documented order,
    /// `post` and `dims` only when present, metrics sorted by name.
    pub fn to_line(&self) -> String {
        let text = |s: &str| Value::from(s).to_string();
        let mut line = format!(
            "{{\"date\":\"{}\",\"network\":{},\"account\":{}",
            format_day(self.date),
            text(&self.network),
            text(&self.account)
        );
        if let Some(p) = &self.post {
            line.push_str(&format!(",\"post\":{}", text(p)));
        }
        for (k, v) in self.attr_fields() {
            line.push_str(&format!(",\"{k}\":{}", text(v)));
        }
        if let Some(Value::Object(m)) = self
            .to_json()
            .as_object_mut()
            .and_then(|o| o.remove("dims"))
        {
            line.push_str(&format!(",\"dims\":{}", Value::Object(m)));
        }
        let metrics = self.to_json()["metrics"].to_string();
        line.push_str(&format!(",\"metrics\":{metrics}}}"));
        line
    }

    /// The attributes present, in the documented order.
    fn attr_fields(&self) -> impl Iterator<Item = (&'static str, &str)> {
        let a = &self.attrs;
        [("title", &a.title), ("url", &a.url), ("format", &a.format)]
            .into_iter()
            .filter_map(|(k, v)| Some((k, v.as_deref()?)))
    }

    /// Reads a record map. Text metric values go through `number`; a
    /// missing network or account is left empty for the source to fill in.
    /// The error says what is wrong with the map.
    pub fn from_json(
        v: &Value,
        tz: &jiff::tz::TimeZone,
        number: &dyn Fn(&str) -> Result<Option<f64>, String>,
    ) -> Result<Record, String> {
        let Value::Object(m) = v else {
            return Err(format!(
                "a record is a map like {{date, metrics}}, not `{v}`"
            ));
        };
        for k in m.keys() {
            if ![
                "date", "network", "account", "post", "title", "url", "format", "dims", "metrics",
            ]
            .contains(&k.as_str())
            {
                return Err(format!(
                    "unknown record field `{k}`: a record has date, network, account, post, title, url, format, dims, metrics"
                ));
            }
        }
        let text = |key: &str| -> Result<Option<String>, String> {
            match m.get(key) {
                None | Some(Value::Null) => Ok(None),
                Some(Value::String(s)) => Ok(Some(s.clone())),
                Some(Value::Number(n)) if key == "post" => Ok(Some(n.to_string())),
                Some(other) => Err(format!("record field `{key}` is text, not `{other}`")),
            }
        };
        let date = text("date")?.ok_or("the record has no `date`")?;
        let date = record_day(&date, tz).ok_or_else(|| {
            format!("record `date` is YYYY-MM-DD or an RFC 3339 time such as 2026-03-31T22:30:00Z, not `{date}`")
        })?;
        let post = text("post")?.filter(|p| !p.is_empty());
        let mut dims = BTreeMap::new();
        match m.get("dims") {
            None | Some(Value::Null) => {}
            Some(Value::Object(d)) => {
                for (k, v) in d {
                    let s = match v {
                        Value::String(s) => s.clone(),
                        Value::Number(n) => n.to_string(),
                        Value::Null => continue,
                        other => return Err(format!("dimension `{k}` is text, not `{other}`")),
                    };
                    dims.insert(k.clone(), s);
                }
            }
            Some(other) => return Err(format!("record `dims` is a map, not `{other}`")),
        }
        let mut metrics = BTreeMap::new();
        match m.get("metrics") {
            Some(Value::Object(d)) => {
                for (k, v) in d {
                    if !super::catalog::is_metric_name(k) {
                        return Err(format!("metric name `{k}` must be snake_case"));
                    }
                    let x = match v {
                        Value::Number(n) => n.as_f64(),
                        Value::String(s) => number(s).map_err(|e| format!("metric `{k}`: {e}"))?,
                        Value::Null => None,
                        other => return Err(format!("metric `{k}` is a number, not `{other}`")),
                    };
                    if let Some(x) = x {
                        metrics.insert(k.clone(), x);
                    }
                }
            }
            None => return Err("the record has no `metrics`".into()),
            Some(other) => return Err(format!("record `metrics` is a map, not `{other}`")),
        }
        let (title, url, format) = (text("title")?, text("url")?, text("format")?);
        let attrs = PostAttrs::of(&super::AttrsRef {
            title: title.as_deref(),
            url: url.as_deref(),
            format: format.as_deref(),
        });
        Ok(Record::new(
            date,
            text("network")?.unwrap_or_default(),
            text("account")?.unwrap_or_default(),
            post,
            dims,
            metrics,
        )
        .with_attrs(attrs))
    }
}

/// A record's day: `YYYY-MM-DD`, a time with an offset (converted to the
/// workspace's zone), or a local date-time.
fn record_day(s: &str, tz: &jiff::tz::TimeZone) -> Option<Day> {
    let s = s.trim();
    if s.len() == 10 {
        return parse_day(s);
    }
    let date = match s.parse::<jiff::Timestamp>() {
        Ok(ts) => ts.to_zoned(tz.clone()).date(),
        Err(_) => s.parse::<jiff::civil::DateTime>().ok()?.date(),
    };
    parse_day(&date.to_string())
}

/// Whole numbers print without `.0`, as a person writes them.
fn number(x: f64) -> Value {
    if x.fract() == 0.0 && x.abs() < 9e15 {
        Value::from(x as i64)
    } else {
        Value::from(x)
    }
}
