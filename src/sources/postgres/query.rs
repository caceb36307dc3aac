//! The one query a warehouse source sends: the table's rows summed into the
//! cells the command needs, by the server. Built from checked identifiers
//! (always quoted) and the command's values as parameters, never as SQL
//! text. What it asks for:
//!
//! - the cells' keys: the day (or the month, when every view rolls up from
//!   months and no metric is a stock), network, account, the dimensions a
//!   view keeps, whether the rows are a post's (an account's own figures win
//!   over its posts', so the two never share a cell), and the post only where
//!   a view needs posts;
//! - each metric by its kind: `sum`, `max`, `min`; a stock (`last`) by its
//!   day's value, with its count and least value, which tell a day given two
//!   different values (a warning, as for files);
//! - the rows each cell sums, the posts it holds, and its first and last day
//!   (a month cell is dated by its last day, so "the last complete period"
//!   is the same as from files);
//! - only the rows of the command's days and of its views' filters.

use std::fmt::Write;

use crate::aggregate::period::{Day, format_day};
use crate::aggregate::{Filter, Grain};
use crate::records::Kind;
use crate::workspace::warehouse::{Col, Dialect, Warehouse};

/// What the date column holds, which says how a row's day is found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateType {
    Date,
    /// Wall-clock time: its day as written.
    Timestamp,
    /// An instant: its day in the workspace's time zone.
    TimestampTz,
}

/// The cells a command needs from one source.
#[derive(Debug, Clone)]
pub struct Need<'a> {
    /// `Grain::Day` or `Grain::Month`.
    pub bucket: Grain,
    pub keep_dims: &'a [String],
    pub keep_posts: bool,
    pub range: (Option<Day>, Option<Day>),
    /// Rows any of these accept; `None`: every row.
    pub filters: Option<Vec<Filter>>,
    /// The workspace's time zone (an IANA name).
    pub timezone: &'a str,
    /// The source's fixed network and account, where no column holds them.
    pub network: Option<&'a str>,
    pub account: Option<&'a str>,
}

/// A metric the query asks for, and how its values are read back.
#[derive(Debug, Clone, PartialEq)]
pub struct Asked {
    pub metric: String,
    pub kind: Kind,
    /// The column holds integers (a stock's last value is then packed with
    /// its day into one integer, see `Plan::build`).
    pub integer: bool,
}

/// The query, its parameters (all text, cast in SQL), and the layout of a
/// result row.
#[derive(Debug, Clone)]
pub struct Plan {
    pub sql: String,
    /// A row's day, and the rows asked for (`FROM … WHERE …`): what the
    /// look-up of repeated posts shares with the query.
    pub day: String,
    pub rows: String,
    /// ` WHERE …` of the command's days alone, and how many of the
    /// parameters (the first) it uses: the rows a filter's names are
    /// checked among.
    pub days_where: String,
    pub day_params: usize,
    pub params: Vec<String>,
    /// Result columns: day, first day, rows, then these (present only when
    /// the mapping has them), then the metrics.
    pub has_network: bool,
    pub has_account: bool,
    /// The kept dimensions the mapping has, by their place in `keep_dims`.
    pub dims: Vec<usize>,
    pub has_level: bool,
    pub has_post: bool,
    /// Stocks come as `[day, value]` arrays (see `last_values`).
    pub stock_arrays: bool,
    /// Which of a post's title, link and format follow the post's id.
    pub attrs: [bool; 3],
    pub metrics: Vec<Asked>,
    /// Whether `posts` is counted by the query (post rows) or given by a
    /// column.
    pub gives_posts: bool,
}

/// What a packed stock's day is multiplied by: its value is below it.
pub const PACK: i64 = 1 << 32;

/// The metric `posts`: counted from post rows unless a column gives it.
const POSTS: &str = "posts";

/// A nullable text of `col`, empty text as none (an empty cell is no value).
fn text(col: &Col) -> String {
    format!("NULLIF(CAST({} AS text), '')", col.sql())
}

impl Plan {
    /// The bucket a command can ask for: months when every view rolls up
    /// from months, and either no metric is a stock or the engine can take
    /// a stock's last value in a month (see `last_values`).
    pub fn bucket(base: Grain, kinds: &[Kind], dialect: Dialect) -> Grain {
        if base == Grain::Month && (!kinds.contains(&Kind::Last) || last_values(dialect)) {
            Grain::Month
        } else {
            Grain::Day
        }
    }

    pub fn build(wh: &Warehouse, date_type: DateType, metrics: &[Asked], need: &Need) -> Plan {
        let params: std::cell::RefCell<Vec<String>> = Default::default();
        let param = |v: String| {
            let mut p = params.borrow_mut();
            p.push(v);
            format!("CAST(${} AS text)", p.len())
        };
        let date = wh.date.sql();
        let tz = matches!(date_type, DateType::TimestampTz).then(|| param(need.timezone.into()));
        let day = match (&tz, date_type) {
            (_, DateType::Date) => date.clone(),
            (Some(tz), DateType::TimestampTz) => {
                format!("CAST(({date} AT TIME ZONE {tz}) AS date)")
            }
            _ => format!("CAST({date} AS date)"),
        };
        let epoch = "DATE '1970-01-01'";
        let post = wh.post.as_ref().map(text);
        // Each row's values are worked out once, in a subquery (`r`), and
        // the cells are grouped from its columns: a day's expression is
        // not computed again for its bucket, its first and its last day.
        let inner: std::cell::RefCell<Vec<String>> =
            std::cell::RefCell::new(vec![format!("{day} AS d")]);
        let column = |e: String| {
            let mut inner = inner.borrow_mut();
            let alias = format!("c{}", inner.len());
            inner.push(format!("{e} AS {alias}"));
            alias
        };
        // The cells are grouped by the columns as they are and by the
        // month as `date_trunc('month', published_at AT TIME ZONE 'UTC')`:
        // the expressions a warehouse's statistics name (CREATE STATISTICS
        // … ON network, account_id, date_trunc(…)), which let PostgreSQL
        // see how few cells there are and sum them on every core.
        let bucket = match (need.bucket, &tz, date_type) {
            (Grain::Month, Some(tz), DateType::TimestampTz) => {
                column(format!("date_trunc('month', {date} AT TIME ZONE {tz})"))
            }
            (Grain::Month, _, _) => column(format!("date_trunc('month', {date})")),
            _ => "d".to_string(),
        };
        let mut select: Vec<String> = vec![
            format!("(max(d) - {epoch})"),
            format!("(min(d) - {epoch})"),
            "count(*)".into(),
        ];
        let mut group: Vec<String> = vec![bucket];
        let key = |c: &Col, select: &mut Vec<String>, group: &mut Vec<String>| {
            let alias = column(c.sql());
            select.push(format!("NULLIF(CAST({alias} AS text), '')"));
            group.push(alias);
        };
        let has_network = wh.network.is_some();
        if let Some(n) = &wh.network {
            key(n, &mut select, &mut group);
        }
        let has_account = wh.account.is_some();
        if let Some(a) = &wh.account {
            key(a, &mut select, &mut group);
        }
        let mut dims = Vec::new();
        for (i, name) in need.keep_dims.iter().enumerate() {
            if let Some((_, c)) = wh.dims.iter().find(|(n, _)| n == name) {
                dims.push(i);
                key(c, &mut select, &mut group);
            }
        }
        let has_level = post.is_some();
        let level = post.as_ref().map(|p| {
            let alias = column(format!("({p} IS NOT NULL)"));
            select.push(alias.clone());
            group.push(alias.clone());
            alias
        });
        let has_post = need.keep_posts && post.is_some();
        if has_post && let Some(p) = &wh.post {
            key(p, &mut select, &mut group);
        }
        // A post's title, link and format: the report's top posts.
        let mut attrs = [false; 3];
        if has_post {
            for (has, c) in attrs.iter_mut().zip(&wh.attrs) {
                if let Some(c) = c {
                    *has = true;
                    select.push(format!("max({})", column(text(c))));
                }
            }
        }
        let mut asked = Vec::new();
        let mut gives_posts: Option<String> = None;
        for m in metrics {
            let Some((_, c)) = wh.metrics.iter().find(|(n, _)| *n == m.metric) else {
                continue;
            };
            let v = column(c.sql());
            if m.metric == POSTS {
                gives_posts = Some(v.clone());
            }
            match m.kind {
                // A stock: its last day's greatest and least value, as
                // arrays that compare by day first ([day, value] and
                // [-day, value]), which PostgreSQL aggregates in parallel
                // like any max; elsewhere, a day's max, min and count.
                Kind::Last if last_values(wh.dialect) => {
                    // An integer in 0..2^32 is packed with its day into one
                    // bigint (day * 2^32 + value), whose max is as cheap as
                    // any; the arrays, which cost a palloc a row (13 of the
                    // benchmark's 26 s), are left for the values outside.
                    let day = format!("CAST((d - {epoch}) AS float8)");
                    let has = match m.integer {
                        true => {
                            let fits = format!("{v} >= 0 AND {v} < {PACK}");
                            let key = |sign: &str| {
                                format!(
                                    "(({sign}CAST((d - {epoch}) AS int8)) * {PACK} + CAST({v} AS int8))"
                                )
                            };
                            select.push(format!("max({}) FILTER (WHERE {fits})", key("")));
                            select.push(format!("min({}) FILTER (WHERE {fits})", key("-")));
                            format!("{v} IS NOT NULL AND NOT ({fits})")
                        }
                        false => format!("{v} IS NOT NULL"),
                    };
                    select.push(format!(
                        "max(ARRAY[{day}, CAST({v} AS float8)]) FILTER (WHERE {has})"
                    ));
                    select.push(format!(
                        "min(ARRAY[-{day}, CAST({v} AS float8)]) FILTER (WHERE {has})"
                    ));
                }
                Kind::Last => {
                    select.push(format!("CAST(max({v}) AS float8)"));
                    select.push(format!("CAST(min({v}) AS float8)"));
                    select.push(format!("count({v})"));
                }
                Kind::Max => select.push(format!("CAST(max({v}) AS float8)")),
                Kind::Min => select.push(format!("CAST(min({v}) AS float8)")),
                // A mean is refused before (see `check`): its parts are
                // sums a KPI divides.
                Kind::Sum | Kind::Mean => select.push(format!("CAST(sum({v}) AS float8)")),
            }
            asked.push(m.clone());
        }
        // The posts a cell counts: its post rows that do not give `posts`.
        if let Some(l) = &level {
            let given = gives_posts
                .as_ref()
                .map(|g| format!(" AND {g} IS NULL"))
                .unwrap_or_default();
            let counted = format!("{l}{given}");
            select.push(match wh.dialect.has_filter() {
                true => format!("count(*) FILTER (WHERE {counted})"),
                false => format!("count(CASE WHEN {counted} THEN 1 END)"),
            });
        }
        let gives_posts = gives_posts.is_some();

        let mut wheres: Vec<String> = Vec::new();
        let (from, to) = need.range;
        match date_type {
            DateType::Date => {
                if let Some(f) = from {
                    wheres.push(format!("{date} >= CAST({} AS date)", param(format_day(f))));
                }
                if let Some(t) = to {
                    wheres.push(format!("{date} <= CAST({} AS date)", param(format_day(t))));
                }
            }
            _ => {
                // The bounds as instants, so that an index on the column serves.
                let at = |p: String| match &tz {
                    Some(tz) => format!("(CAST({p} AS timestamp) AT TIME ZONE {tz})"),
                    None => format!("CAST({p} AS timestamp)"),
                };
                if let Some(f) = from {
                    let p = param(format_day(f));
                    wheres.push(format!("{date} >= {}", at(p)));
                }
                if let Some(t) = to {
                    let p = param(format_day(t + 1));
                    wheres.push(format!("{date} < {}", at(p)));
                }
            }
        }
        let days_where = match wheres.is_empty() {
            true => String::new(),
            false => format!(" WHERE {}", wheres.join(" AND ")),
        };
        let day_params = match wheres.is_empty() {
            true => 0,
            false => params.borrow().len(),
        };
        if let Some(filters) = &need.filters {
            let mut any: Vec<String> = Vec::new();
            for f in filters {
                let mut all: Vec<String> = Vec::new();
                let mut possible = true;
                let fixed = |col: &Option<Col>,
                             fixed: Option<&str>,
                             want: &Option<String>,
                             all: &mut Vec<String>| {
                    let Some(want) = want else { return true };
                    match col {
                        Some(c) => {
                            all.push(format!("{} = {}", text(c), param(want.clone())));
                            true
                        }
                        None => fixed == Some(want.as_str()),
                    }
                };
                possible &= fixed(&wh.network, need.network, &f.network, &mut all);
                possible &= fixed(&wh.account, need.account, &f.account, &mut all);
                for (dim, value) in &f.dims {
                    match wh.dims.iter().find(|(n, _)| n == dim) {
                        Some((_, c)) => all.push(format!("{} = {}", text(c), param(value.clone()))),
                        None => possible = false,
                    }
                }
                if !possible {
                    continue;
                }
                if all.is_empty() {
                    any.clear();
                    any.push("TRUE".into());
                    break;
                }
                any.push(format!("({})", all.join(" AND ")));
            }
            match any.as_slice() {
                [] => wheres.push("FALSE".into()),
                [t] if t == "TRUE" => {}
                _ => wheres.push(format!("({})", any.join(" OR "))),
            }
        }

        let mut rows = format!("FROM {} AS src", wh.relation.sql());
        if !wheres.is_empty() {
            let _ = write!(rows, "\nWHERE {}", wheres.join(" AND "));
        }
        let sql = format!(
            "SELECT {}\nFROM (SELECT {} {rows}) AS r\nGROUP BY {}",
            select.join(", "),
            inner.into_inner().join(", "),
            group.join(", ")
        );
        Plan {
            sql,
            day,
            rows,
            days_where,
            day_params,
            params: params.into_inner(),
            has_network,
            has_account,
            dims,
            has_level,
            has_post,
            stock_arrays: last_values(wh.dialect),
            attrs,
            metrics: asked,
            gives_posts,
        }
    }
}

/// Whether the engine takes `max` of arrays with `FILTER`, which gives a
/// stock's value on the last day of a cell in one pass (PostgreSQL and its
/// extensions; the others get day cells).
pub fn last_values(dialect: Dialect) -> bool {
    dialect == Dialect::Postgres
}

/// The query that finds a post on more than one row, where no unique key
/// proves there is none: among the rows `plan` asks for, with their days.
pub fn repeated_posts(wh: &Warehouse, plan: &Plan) -> Option<String> {
    let post = text(wh.post.as_ref()?);
    let mut keys = Vec::new();
    keys.extend(wh.network.as_ref().map(text));
    keys.extend(wh.account.as_ref().map(text));
    keys.push(post.clone());
    let rows = match plan.rows.contains("\nWHERE ") {
        true => format!("{} AND {post} IS NOT NULL", plan.rows),
        false => format!("{}\nWHERE {post} IS NOT NULL", plan.rows),
    };
    Some(format!(
        "SELECT {k}, count(*), (min({d}) - DATE '1970-01-01'), (max({d}) - DATE '1970-01-01')\n{rows}\nGROUP BY {k}\nHAVING count(*) > 1\nLIMIT 3",
        k = keys.join(", "),
        d = plan.day,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::workspace::warehouse::Relation;

    fn col(name: &str) -> Col {
        Col {
            name: name.into(),
            span: 0..0,
        }
    }

    fn warehouse(dialect: Dialect) -> Warehouse {
        Warehouse {
            connection: None,
            relation: Relation::Table(vec!["social".into(), "posts".into()]),
            relation_span: 0..0,
            dialect,
            date: col("at"),
            account: Some(col("acct")),
            post: Some(col("id")),
            network: None,
            dims: vec![("campaign".into(), col("camp"))],
            metrics: vec![("likes".into(), col("likes"))],
            attrs: [None, None, None],
        }
    }

    #[test]
    fn the_query_for_each_need() {
        let likes = [Asked {
            metric: "likes".into(),
            kind: Kind::Sum,
            integer: true,
        }];
        let dims = ["campaign".to_string()];
        let filter = Filter {
            network: Some("instagram".into()),
            account: Some("x' or 1=1 --".into()),
            dims: [("campaign".to_string(), "spring".to_string())].into(),
        };
        let need = |bucket, filters: Option<Vec<Filter>>| Need {
            bucket,
            keep_dims: &dims,
            keep_posts: false,
            range: (Some(20_362), None),
            filters,
            timezone: "Europe/Paris",
            network: Some("instagram"),
            account: None,
        };
        type Case<'a> = (
            Dialect,
            DateType,
            Grain,
            Option<Vec<Filter>>,
            &'a [&'a str],
            &'a [&'a str],
        );
        let table: &[Case] = &[
            (
                Dialect::Postgres,
                DateType::TimestampTz,
                Grain::Month,
                Some(vec![filter.clone()]),
                &[
                    "CAST((src.\"at\" AT TIME ZONE CAST($1 AS text)) AS date) AS d",
                    "date_trunc('month', src.\"at\" AT TIME ZONE CAST($1 AS text)) AS c1, src.\"acct\" AS c2",
                    "NULLIF(CAST(c2 AS text), '')",
                    "GROUP BY c1, c2, c3, c4",
                    "WHERE src.\"at\" >= (CAST(CAST($2 AS text) AS timestamp) AT TIME ZONE CAST($1 AS text))",
                    "(NULLIF(CAST(src.\"acct\" AS text), '') = CAST($3 AS text) AND NULLIF(CAST(src.\"camp\" AS text), '') = CAST($4 AS text))",
                    "(NULLIF(CAST(src.\"id\" AS text), '') IS NOT NULL) AS c4",
                    "count(*) FILTER (WHERE c4)",
                    "FROM \"social\".\"posts\" AS src",
                ],
                &["Europe/Paris", "2025-10-01", "x' or 1=1 --", "spring"],
            ),
            (
                Dialect::Redshift,
                DateType::Date,
                Grain::Day,
                None,
                &[
                    "WHERE src.\"at\" >= CAST(CAST($1 AS text) AS date)) AS r\nGROUP BY d, c1, c2, c3",
                    "count(CASE WHEN c3 THEN 1 END)",
                ],
                &["2025-10-01"],
            ),
            (
                // A filter on another network: no row can pass.
                Dialect::Postgres,
                DateType::Timestamp,
                Grain::Day,
                Some(vec![Filter {
                    network: Some("x".into()),
                    ..Filter::default()
                }]),
                &["CAST(src.\"at\" AS date) AS d", "AND FALSE) AS r\nGROUP BY"],
                &["2025-10-01"],
            ),
        ];
        for (dialect, date_type, bucket, filters, has, params) in table {
            let plan = Plan::build(
                &warehouse(*dialect),
                *date_type,
                &likes,
                &need(*bucket, filters.clone()),
            );
            for h in *has {
                assert!(plan.sql.contains(h), "{h}\nnot in\n{}", plan.sql);
            }
            assert_eq!(plan.params, *params, "{}", plan.sql);
            // Values are parameters, never SQL text.
            assert!(!plan.sql.contains("1=1") && !plan.sql.contains("spring"));
        }
    }
}
