//! Which export would give a figure the data lacks, so that a report says
//! "Reach: X does not report it" instead of a row of dashes. The words are
//! the locale's (`missing.<key>` in `locales/*.toml`).

/// The message key of the export (or the reason) for figure `key` on
/// `network` (`None`: all networks together).
pub fn export_for(key: &str, network: Option<&str>) -> &'static str {
    match (key, network) {
        ("reach" | "err", Some("x")) => "x_no_reach",
        ("impressions", Some("instagram" | "facebook")) => "meta_views",
        ("followers" | "follower_growth", Some("instagram" | "facebook")) => "followers_meta",
        ("followers" | "follower_growth", _) => "followers",
        ("reach", _) => "reach",
        ("impressions", _) => "impressions",
        ("views", _) => "views",
        ("posts" | "posting_frequency", _) => "posts",
        ("engagements", _) => "engagements",
        ("er", _) => "er",
        ("err", _) => "err",
        ("clicks", _) => "clicks",
        ("sessions" | "sessions_new", _) => "ga4",
        ("spend" | "cpc", _) => "ads",
        ("leads" | "cpl", _) => "leads",
        _ => "other",
    }
}
