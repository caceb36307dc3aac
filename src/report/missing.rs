//! Which export would give a figure the data lacks, so that a report says
//! "Reach: X does not report it" instead of a row of dashes.

/// The export (or the reason) for figure `key` on `network` (`None`: all
/// networks together).
pub fn export_for(key: &str, network: Option<&str>) -> &'static str {
    match (key, network) {
        ("reach" | "err", Some("x")) => {
            "X does not report reach: its posts are ranked by impressions"
        }
        ("impressions", Some("instagram" | "facebook")) => {
            "Meta reports views instead of impressions since 2025"
        }
        ("followers" | "follower_growth", Some("instagram" | "facebook")) => {
            "a daily follower count (Business Suite's audience export, or a canonical file with a followers column)"
        }
        ("followers" | "follower_growth", _) => {
            "a daily follower count (the network's audience export, or a canonical file with a followers column)"
        }
        ("reach", _) => "the network's post export or daily series with a Reach column",
        ("impressions", _) => "the network's post export with an Impressions column",
        ("views", _) => "the network's post export with a Views column",
        ("posts" | "posting_frequency", _) => "the network's post export",
        ("engagements", _) => "the post export with likes, comments and shares",
        ("er", _) => "followers and engagements, from the exports above",
        ("err", _) => "reach and engagements, from the exports above",
        ("clicks", _) => "the post or ads export with link clicks",
        ("sessions" | "sessions_new", _) => "GA4's Traffic acquisition export by session source",
        ("spend" | "cpc", _) => {
            "the ads export (Meta Ads Manager, X Ads, TikTok Ads Manager, LinkedIn Campaign Manager)"
        }
        ("leads" | "cpl", _) => "an ads or CRM export with leads (Meta Ads Manager's Leads column)",
        _ => "a source with this metric",
    }
}
