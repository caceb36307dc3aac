//! Network names as their brands write them: `instagram` is Instagram, `x`
//! is X, `tiktok` TikTok. Brand names are the same in every language; the
//! few networks named by a word (`web`: Website, Site web) are messages of
//! the language files (`network.web`), which also win over this table.

/// Network id (as records carry it) → brand name.
const BRANDS: &[(&str, &str)] = &[
    ("bluesky", "Bluesky"),
    ("dzen", "Dzen"),
    ("facebook", "Facebook"),
    ("ga4", "Google Analytics"),
    ("google_ads", "Google Ads"),
    ("google_analytics", "Google Analytics"),
    ("instagram", "Instagram"),
    ("linkedin", "LinkedIn"),
    ("linkedin_ads", "LinkedIn Ads"),
    ("mastodon", "Mastodon"),
    ("meta_ads", "Meta Ads"),
    ("ok", "OK"),
    ("pinterest", "Pinterest"),
    ("reddit", "Reddit"),
    ("rutube", "RUTUBE"),
    ("snapchat", "Snapchat"),
    ("telegram", "Telegram"),
    ("threads", "Threads"),
    ("tiktok", "TikTok"),
    ("tiktok_ads", "TikTok Ads"),
    ("twitch", "Twitch"),
    // Exports from before the rename say `twitter`: they are named as
    // their data was, the brand of the time.
    ("twitter", "Twitter"),
    ("vk", "VK"),
    ("vk_ads", "VK Ads"),
    ("whatsapp", "WhatsApp"),
    ("x", "X"),
    ("youtube", "YouTube"),
];

/// The brand name of a network id, matched without regard to case
/// (`TikTok`, `tiktok`); `None` for an id the table does not know.
pub fn brand(id: &str) -> Option<&'static str> {
    let id = id.trim().to_ascii_lowercase();
    BRANDS
        .binary_search_by(|(k, _)| (*k).cmp(id.as_str()))
        .ok()
        .map(|i| BRANDS[i].1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn brands_as_written() {
        assert!(
            BRANDS.windows(2).all(|w| w[0].0 < w[1].0),
            "sorted for the search"
        );
        for (id, want) in [
            ("instagram", Some("Instagram")),
            ("x", Some("X")),
            ("tiktok", Some("TikTok")),
            ("TikTok", Some("TikTok")),
            ("youtube", Some("YouTube")),
            ("linkedin", Some("LinkedIn")),
            ("vk", Some("VK")),
            ("ok", Some("OK")),
            ("meta_ads", Some("Meta Ads")),
            ("web", None),
            ("myspace", None),
        ] {
            assert_eq!(brand(id), want, "{id}");
        }
    }
}
