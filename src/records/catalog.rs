//! The metric catalog: every metric name known to a run with its aggregation
//! kind. Canonical metrics come first; plugins and the workspace add theirs.

use std::fmt;

use rustc_hash::FxHashMap;

/// Index of a metric in the [`Catalog`].
pub type MetricId = u16;

/// How values of a metric combine over a period (and across accounts).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// Flows: added up.
    Sum,
    /// Stocks: the value on the last day that has one; added up across accounts.
    Last,
    Max,
    Min,
    Mean,
}

impl Kind {
    pub const NAMES: [&'static str; 5] = ["sum", "last", "max", "min", "mean"];

    pub fn parse(s: &str) -> Option<Kind> {
        Some(match s {
            "sum" => Kind::Sum,
            "last" => Kind::Last,
            "max" => Kind::Max,
            "min" => Kind::Min,
            "mean" => Kind::Mean,
            _ => return None,
        })
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Kind::Sum => "sum",
            Kind::Last => "last",
            Kind::Max => "max",
            Kind::Min => "min",
            Kind::Mean => "mean",
        })
    }
}

#[derive(Debug, Clone)]
pub struct MetricDef {
    pub name: String,
    pub kind: Kind,
    pub group: &'static str,
    /// Where the metric was declared: `canonical`, a plugin name, or `workspace`.
    pub origin: String,
}

impl MetricDef {
    pub fn unit(&self) -> &'static str {
        match self.name.as_str() {
            "spend" | "cost" | "revenue" => "currency",
            "response_time" | "time_on_site" => "seconds",
            _ => "count",
        }
    }
}

/// The canonical metrics of DESIGN §3, by group; kind `sum` unless noted.
const CANONICAL: &[(&str, &[&str])] = &[
    (
        "audience",
        &["followers", "followers_new", "followers_lost"],
    ),
    (
        "exposure",
        &[
            "impressions",
            "impressions_organic",
            "impressions_paid",
            "reach",
            "reach_organic",
            "reach_paid",
            "reach_viral",
            "views",
            "profile_visits",
        ],
    ),
    ("content", &["posts"]),
    (
        "engagement",
        &[
            "likes",
            "comments",
            "shares",
            "saves",
            "engaged_users",
            "clicks",
            "mentions",
            "mentions_positive",
            "mentions_negative",
            "contest_entries",
        ],
    ),
    ("service", &["questions", "responses", "response_time"]),
    (
        "money",
        &[
            "spend",
            "cost",
            "leads",
            "conversions",
            "revenue",
            // Attribution: conversions whose path a channel joined before its
            // last touchpoint, and those it closed (GA4 conversion paths).
            "assisted_conversions",
            "direct_conversions",
        ],
    ),
    (
        "web",
        &[
            "sessions",
            "site_sessions",
            "sessions_new",
            "sessions_returning",
            "bounces",
            "pageviews",
            "time_on_site",
            "target_actions",
            "target_action_users",
        ],
    ),
];

/// The kind of a canonical metric: `followers` is a stock, every other one
/// a sum; `None` for a name the catalog does not define.
pub fn standard_kind(name: &str) -> Option<Kind> {
    CANONICAL
        .iter()
        .any(|(_, names)| names.contains(&name))
        .then_some(if name == "followers" {
            Kind::Last
        } else {
            Kind::Sum
        })
}

#[derive(Debug, Clone)]
pub struct Catalog {
    defs: Vec<MetricDef>,
    by_name: FxHashMap<String, MetricId>,
}

/// The id of `posts`, which the loader counts itself.
pub const POSTS: MetricId = 12;

impl Catalog {
    pub fn standard() -> Catalog {
        let mut c = Catalog {
            defs: Vec::new(),
            by_name: FxHashMap::default(),
        };
        for (group, names) in CANONICAL {
            for name in *names {
                let kind = standard_kind(name).unwrap_or(Kind::Sum);
                c.insert(name, kind, group, "canonical");
            }
        }
        debug_assert_eq!(c.id("posts"), Some(POSTS));
        c
    }

    fn insert(&mut self, name: &str, kind: Kind, group: &'static str, origin: &str) -> MetricId {
        let id = self.defs.len() as MetricId;
        self.defs.push(MetricDef {
            name: name.to_string(),
            kind,
            group,
            origin: origin.to_string(),
        });
        self.by_name.insert(name.to_string(), id);
        id
    }

    /// Declares a metric; redeclaring keeps the first kind unless `origin` is
    /// the workspace, whose word is final (the config refuses a kind other
    /// than the standard one for a canonical metric).
    pub fn declare(&mut self, name: &str, kind: Kind, origin: &str) -> MetricId {
        match self.by_name.get(name) {
            Some(&id) => {
                if origin == "workspace" && self.defs[id as usize].kind != kind {
                    self.defs[id as usize].kind = kind;
                    self.defs[id as usize].origin = origin.to_string();
                }
                id
            }
            None => self.insert(name, kind, "custom", origin),
        }
    }

    pub fn id(&self, name: &str) -> Option<MetricId> {
        self.by_name.get(name).copied()
    }

    pub fn get(&self, id: MetricId) -> &MetricDef {
        &self.defs[id as usize]
    }

    pub fn len(&self) -> usize {
        self.defs.len()
    }

    pub fn is_empty(&self) -> bool {
        self.defs.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = (MetricId, &MetricDef)> {
        self.defs
            .iter()
            .enumerate()
            .map(|(i, d)| (i as MetricId, d))
    }

    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.defs.iter().map(|d| d.name.as_str())
    }
}

/// The metrics anyone can read off a page, and so what competitor-tracking
/// tools (Popsters, JagaJam, Sprout Social's competitor report) export about
/// a competitor: its followers over time, its posts and their likes,
/// comments, shares and views, and what is said about it. Reach,
/// impressions, clicks, spend and the web metrics are the page owner's own.
pub const PUBLIC: &[&str] = &[
    "followers",
    "followers_new",
    "followers_lost",
    "posts",
    "likes",
    "comments",
    "shares",
    "views",
    "mentions",
    "mentions_positive",
    "mentions_negative",
];

/// Whether a competitor's value of `metric` can be known (see [`PUBLIC`]).
pub fn is_public(metric: &str) -> bool {
    PUBLIC.contains(&metric)
}

/// Metric names are snake_case like the canonical ones.
pub fn is_metric_name(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_lowercase())
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}
