//! The Yandex.Metrica and OK plugins end to end: the standard KPIs they feed,
//! computed by `eval` from their fixtures and checked against values worked
//! out by hand; and every way their input can be wrong (a totals row, an
//! export in a language the plugin does not know, an API error response).

use crate::harness::{Output, Test, assert_close};

const WS: &str = "[workspace]\nname = \"RU\"\ntimezone = \"Europe/Moscow\"\n";

const SOURCES_RU: &str =
    include_str!("../../plugins/yandex_metrica/fixtures/sources_summary_ru.csv");
const SOCIAL_RU: &str =
    include_str!("../../plugins/yandex_metrica/fixtures/social_networks_by_day_ru.csv");
const API_SOCIAL: &str =
    include_str!("../../plugins/yandex_metrica/fixtures/api_social_networks.json");
const API_BY_DAY: &str =
    include_str!("../../plugins/yandex_metrica/fixtures/api_traffic_sources_by_day.json");
const OK_XLSX: &[u8] = include_bytes!("../../plugins/ok/fixtures/group_stats_ru.xlsx");
const OK_TRENDS: &str = include_str!("../../plugins/ok/fixtures/stat_trends.json");

fn source(plugin: Option<&str>, path: &str) -> String {
    let plugin = plugin
        .map(|p| format!("plugin = \"{p}\"\n"))
        .unwrap_or_default();
    format!("{WS}\n[[source]]\n{plugin}path = \"{path}\"\n")
}

fn eval(t: Test, kpis: &str, by_network: bool) -> Output {
    let mut args = vec![
        "eval", "--grain", "month", "--format", "json", "--kpi", kpis,
    ];
    if by_network {
        args.extend(["--by", "network"]);
    }
    t.args(&args).run()
}

#[track_caller]
fn expect(out: &Output, kpi: &str, period: &str, network: Option<&str>, want: Option<f64>) {
    match (out.value(kpi, period, network), want) {
        (Some(got), Some(want)) => assert_close(got, want),
        (got, want) => assert_eq!(got, want, "{kpi} {period} {network:?}"),
    }
}

const KPIS: &str =
    "social_traffic_share,bounce_rate,pages_per_session,avg_time_on_site,sessions,site_sessions";

/// "Источники, сводка" for October (its period in the line above the header):
/// the site's visits are 2,000 search + 500 VK + 100 OK + 300 Telegram + 200
/// dzen.ru + 900 direct = 4,000 (the "Итого и средние" row, also 4,000, is not
/// counted again); social visits 500 + 100 + 300 + 200 = 1,100.
/// Bounces 30% x 500 + 25% x 100 + 10% x 300 + 20% x 200 = 150 + 25 + 30 + 40
/// = 245; pageviews 1.6 x 500 + 1.5 x 100 + 3 x 300 + 2 x 200 = 800 + 150 +
/// 900 + 400 = 2,250; time on site 40 x 500 + 30 x 100 + 120 x 300 + 60 x 200
/// = 20,000 + 3,000 + 36,000 + 12,000 = 71,000 s.
#[test]
fn metrica_sources_feed_the_standard_kpis() {
    let t = || {
        Test::new()
            .file("kpiscope.toml", &source(None, "data/*.csv"))
            .file("data/sources.csv", SOURCES_RU)
    };
    let all = eval(t(), KPIS, false);
    all.status(0);
    expect(&all, "site_sessions", "2026-10", None, Some(4000.0));
    expect(&all, "sessions", "2026-10", None, Some(1100.0));
    expect(&all, "social_traffic_share", "2026-10", None, Some(27.5));
    expect(
        &all,
        "bounce_rate",
        "2026-10",
        None,
        Some(245.0 / 1100.0 * 100.0),
    );
    expect(
        &all,
        "pages_per_session",
        "2026-10",
        None,
        Some(2250.0 / 1100.0),
    );
    expect(
        &all,
        "avg_time_on_site",
        "2026-10",
        None,
        Some(71000.0 / 1100.0),
    );

    let by = eval(t(), KPIS, true);
    by.status(0);
    expect(&by, "sessions", "2026-10", Some("vk"), Some(500.0));
    expect(&by, "bounce_rate", "2026-10", Some("vk"), Some(30.0));
    expect(&by, "pages_per_session", "2026-10", Some("vk"), Some(1.6));
    expect(&by, "avg_time_on_site", "2026-10", Some("vk"), Some(40.0));
    expect(&by, "bounce_rate", "2026-10", Some("ok"), Some(25.0));
    expect(
        &by,
        "avg_time_on_site",
        "2026-10",
        Some("telegram"),
        Some(120.0),
    );
    expect(&by, "pages_per_session", "2026-10", Some("dzen"), Some(2.0));
    // The site's own row: all 4,000 visits, none of them social on "web".
    expect(&by, "site_sessions", "2026-10", Some("web"), Some(4000.0));
    expect(&by, "sessions", "2026-10", Some("web"), None);
}

/// The social networks report by day: goal completions of social visits
/// are conversions, under their network: VK 12, OK 2, Telegram 30, and "Мой
/// Мир" (social, no kpiscope network) 0 on "web": 44 in all. Its visits are
/// all social: 2,180, and so is its traffic share, 100%.
#[test]
fn metrica_goal_completions_are_conversions() {
    let out = eval(
        Test::new()
            .file(
                "kpiscope.toml",
                &source(Some("yandex_metrica"), "data/social.csv"),
            )
            .file("data/social.csv", SOCIAL_RU),
        "conversions,sessions,social_traffic_share,bounce_rate",
        true,
    );
    out.status(0);
    expect(&out, "conversions", "2026-10", Some("vk"), Some(12.0));
    expect(&out, "conversions", "2026-10", Some("ok"), Some(2.0));
    expect(&out, "conversions", "2026-10", Some("telegram"), Some(30.0));
    expect(&out, "conversions", "2026-10", Some("web"), Some(0.0));
    expect(&out, "sessions", "2026-10", Some("telegram"), Some(1200.0));
    // 0.2195 x 820 = 179.99: 180 bounces of 820 visits.
    expect(
        &out,
        "bounce_rate",
        "2026-10",
        Some("vk"),
        Some(180.0 / 820.0 * 100.0),
    );
    let all = eval(
        Test::new()
            .file(
                "kpiscope.toml",
                &source(Some("yandex_metrica"), "data/social.csv"),
            )
            .file("data/social.csv", SOCIAL_RU),
        "conversions,social_traffic_share",
        false,
    );
    all.status(0);
    expect(&all, "conversions", "2026-10", None, Some(44.0));
    expect(&all, "social_traffic_share", "2026-10", None, Some(100.0));
}

/// The API by traffic kind: social 240 visits (12.5% bounce = 30, depth
/// 2.25 = 540 pageviews, 95.5 s each = 22,920 s, 7 goals), messenger 90
/// (33.33% = 30 bounces, 1.667 x 90 = 150 pageviews, 40 s = 3,600 s, no
/// goal figure), search 700 (site only): 330 of 1,030 visits social.
#[test]
fn metrica_api_feeds_the_standard_kpis() {
    let out = eval(
        Test::new()
            .file("kpiscope.toml", &source(None, "data/metrica.json"))
            .file("data/metrica.json", API_BY_DAY),
        "social_traffic_share,bounce_rate,pages_per_session,avg_time_on_site,conversions",
        false,
    );
    out.status(0);
    expect(
        &out,
        "social_traffic_share",
        "2026-10",
        None,
        Some(330.0 / 1030.0 * 100.0),
    );
    expect(
        &out,
        "bounce_rate",
        "2026-10",
        None,
        Some(60.0 / 330.0 * 100.0),
    );
    expect(
        &out,
        "pages_per_session",
        "2026-10",
        None,
        Some(690.0 / 330.0),
    );
    expect(
        &out,
        "avg_time_on_site",
        "2026-10",
        None,
        Some(26520.0 / 330.0),
    );
    expect(&out, "conversions", "2026-10", None, Some(7.0));

    // By social network over September (query.date1): two goals add up.
    let out = eval(
        Test::new()
            .file(
                "kpiscope.toml",
                &source(Some("yandex_metrica"), "data/metrica.json"),
            )
            .file("data/metrica.json", API_SOCIAL),
        "conversions,bounce_rate,pages_per_session",
        true,
    );
    out.status(0);
    expect(&out, "conversions", "2026-09", Some("vk"), Some(8.0));
    expect(&out, "bounce_rate", "2026-09", Some("vk"), Some(20.0));
    expect(&out, "pages_per_session", "2026-09", Some("vk"), Some(2.5));
    expect(&out, "conversions", "2026-09", Some("ok"), Some(1.0));
}

/// The totals row is never data: `-v` names it as a skipped Total row.
#[test]
fn metrica_totals_row_is_skipped_with_a_reason() {
    let out = Test::new()
        .file(
            "kpiscope.toml",
            &source(Some("yandex_metrica"), "data/social.csv"),
        )
        .file("data/social.csv", SOCIAL_RU)
        .args(&["-v", "eval", "--kpi", "sessions", "--grain", "all"])
        .run();
    out.status(0);
    assert!(
        out.stderr.contains("skipped 1 Total row (line 2)"),
        "{}",
        out.stderr
    );
}

/// A Metrica export in a language the plugin does not know (Turkish
/// interface) is refused, naming the headers found, whether the source names
/// the plugin or not.
#[test]
fn metrica_export_in_an_unknown_language_names_its_headers() {
    let turkish = "\"Ziyaret tarihi\",\"Trafik kaynağı\",\"Ziyaretler\",\"Ziyaretçiler\",\"Hemen çıkma oranı\"\n\
\"2026-10-01\",\"Sosyal ağ trafiği\",\"120\",\"100\",\"0.2\"\n";
    let named = Test::new()
        .file(
            "kpiscope.toml",
            &source(Some("yandex_metrica"), "data/tr.csv"),
        )
        .file("data/tr.csv", turkish)
        .args(&["eval", "--kpi", "sessions"])
        .run();
    named.status(2);
    for w in [
        "data/tr.csv",
        "`Ziyaret tarihi`",
        "`Ziyaretler`",
        "`Hemen çıkma oranı`",
    ] {
        assert!(named.stderr.contains(w), "no {w:?} in:\n{}", named.stderr);
    }
    let detected = Test::new()
        .file("kpiscope.toml", &source(None, "data/tr.csv"))
        .file("data/tr.csv", turkish)
        .args(&["eval", "--kpi", "sessions"])
        .run();
    detected.status(2);
    assert!(
        detected
            .stderr
            .contains("no plugin recognises the columns of tr.csv")
            && detected.stderr.contains("Ziyaretler"),
        "{}",
        detected.stderr
    );
}

/// A bounce rate written without a % sign and above 1 is neither a
/// fraction nor certainly a percent: the file stops at its line.
#[test]
fn metrica_bare_bounce_rate_above_one_is_refused() {
    let csv = "Дата визита,Социальная сеть,Визиты,Посетители,Отказы\n2026-10-01,ВКонтакте,100,90,0.25\n2026-10-02,ВКонтакте,100,90,18.5\n";
    Test::new()
        .file(
            "kpiscope.toml",
            &source(Some("yandex_metrica"), "data/m.csv"),
        )
        .file("data/m.csv", csv)
        .args(&["eval", "--kpi", "bounce_rate"])
        .run()
        .fails_with("data/m.csv:3")
        .fails_with("the bounce rate `18.5` in column `Отказы` has no % sign and is above 1");
}

#[test]
fn metrica_api_error_response_is_reported() {
    let error = r#"{"errors":[{"error_type":"access_denied","message":"Access is denied"}],"code":403,"message":"Access is denied"}"#;
    Test::new()
        .file("kpiscope.toml", &source(Some("yandex_metrica"), "data/m.json"))
        .file("data/m.json", error)
        .args(&["eval", "--kpi", "sessions"])
        .run()
        .fails_with("the file holds a Metrica API error 403, not statistics: access_denied: Access is denied");
}

/// OK's export, 1-3 October: likes 240, 205 and 330 (775), comments 35, 40
/// and 52 (127), shares 18, 12 and 27 (57): 959 engagements; members at the
/// end of the 3rd 12,080 (a stock: the last day's, not a sum); joined 72,
/// left 16; reach 16,100 (the "Итого" row is not counted again).
#[test]
fn ok_export_feeds_the_standard_kpis() {
    let out = eval(
        Test::new()
            .file("kpiscope.toml", &source(None, "data/ok.xlsx"))
            .bytes("data/ok.xlsx", OK_XLSX),
        "engagements,followers,followers_new,followers_lost,reach,er,err,net_follower_growth",
        true,
    );
    out.status(0);
    expect(&out, "engagements", "2026-10", Some("ok"), Some(959.0));
    expect(&out, "followers", "2026-10", Some("ok"), Some(12080.0));
    expect(&out, "followers_new", "2026-10", Some("ok"), Some(72.0));
    expect(&out, "followers_lost", "2026-10", Some("ok"), Some(16.0));
    expect(&out, "reach", "2026-10", Some("ok"), Some(16100.0));
    expect(
        &out,
        "er",
        "2026-10",
        Some("ok"),
        Some(959.0 / 12080.0 * 100.0),
    );
    expect(
        &out,
        "err",
        "2026-10",
        Some("ok"),
        Some(959.0 / 16100.0 * 100.0),
    );
    expect(
        &out,
        "net_follower_growth",
        "2026-10",
        Some("ok"),
        Some(56.0 / 12080.0 * 100.0),
    );
}

/// The API's series: 1-2 October in OK's (Moscow) days.
#[test]
fn ok_api_series_are_days() {
    let out = Test::new()
        .file("kpiscope.toml", &source(None, "data/trends.json"))
        .file("data/trends.json", OK_TRENDS)
        .args(&[
            "eval",
            "--grain",
            "day",
            "--format",
            "json",
            "--kpi",
            "reach,followers,engagements",
        ])
        .run();
    out.status(0);
    expect(&out, "reach", "2026-10-01", None, Some(5200.0));
    expect(&out, "reach", "2026-10-02", None, Some(4800.0));
    expect(&out, "followers", "2026-10-02", None, Some(12051.0));
    expect(
        &out,
        "engagements",
        "2026-10-01",
        None,
        Some(240.0 + 35.0 + 18.0),
    );
}

#[test]
fn ok_api_error_response_is_reported() {
    let error = r#"{"error_code":102,"error_msg":"PARAM_SESSION_EXPIRED : Session expired","error_data":null}"#;
    Test::new()
        .file("kpiscope.toml", &source(Some("ok"), "data/ok.json"))
        .file("data/ok.json", error)
        .args(&["eval", "--kpi", "reach"])
        .run()
        .fails_with("the file holds an OK API error, not statistics: 102 PARAM_SESSION_EXPIRED : Session expired");
}

/// A table grouped by month has no day for its rows: refused, not put on
/// the period's first day.
#[test]
fn metrica_table_by_month_is_refused() {
    let csv = "Месяц визита,Социальная сеть,Визиты,Посетители\n2026-10,ВКонтакте,100,90\n2026-11,ВКонтакте,120,95\n";
    Test::new()
        .file(
            "kpiscope.toml",
            &source(Some("yandex_metrica"), "data/m.csv"),
        )
        .file("data/m.csv", csv)
        .args(&["eval", "--kpi", "sessions"])
        .run()
        .fails_with("data/m.csv:2")
        .fails_with(
            "this Metrica table is grouped by `Месяц визита`, which kpiscope does not read",
        );
}

/// GA4's conversion paths by source / medium, July: Facebook opened 12 key
/// events' paths and closed none (100% assisted); VK assisted 5 and closed 8
/// (5 / 13); Instagram twice in a row (`×2`) both assisted and closed its 4
/// (50%); t.co assisted 5 (100%).
#[test]
fn ga4_conversion_paths_give_assisted_and_direct_conversions() {
    let paths = include_str!("../../plugins/ga4/fixtures/conversion_paths_source.csv");
    let out = eval(
        Test::new()
            .file("kpiscope.toml", &source(Some("ga4"), "data/paths.csv"))
            .file("data/paths.csv", paths),
        "assisted_conversion_share,assisted_conversions,direct_conversions",
        true,
    );
    out.status(0);
    expect(
        &out,
        "assisted_conversion_share",
        "2026-07",
        Some("facebook"),
        Some(100.0),
    );
    expect(
        &out,
        "assisted_conversion_share",
        "2026-07",
        Some("vk"),
        Some(5.0 / 13.0 * 100.0),
    );
    expect(
        &out,
        "assisted_conversion_share",
        "2026-07",
        Some("instagram"),
        Some(50.0),
    );
    expect(
        &out,
        "assisted_conversion_share",
        "2026-07",
        Some("x"),
        Some(100.0),
    );
    expect(&out, "direct_conversions", "2026-07", Some("vk"), Some(8.0));
    // The rest of the site: direct assisted 8; closed 12 (direct) + 30 + 5 (google).
    expect(
        &out,
        "assisted_conversion_share",
        "2026-07",
        Some("web"),
        Some(8.0 / 55.0 * 100.0),
    );
}
