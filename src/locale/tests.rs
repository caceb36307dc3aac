//! The locale stage against strings written by hand: what a reader of the
//! report sees in English and French, and the checks that keep every
//! language file complete.

use std::collections::{BTreeMap, BTreeSet};

use super::pattern::placeholders;
use super::plural::CATEGORIES;
use super::*;
use crate::aggregate::period::{Grain, day_from_ymd};

/// U+202F, the narrow no-break space: French thousands and `%`.
const NNBSP: &str = "\u{202f}";
/// U+00A0, the no-break space: before a currency symbol.
const NBSP: &str = "\u{a0}";
/// U+2212, the minus sign.
const MINUS: &str = "\u{2212}";

fn loc(tag: &str) -> Locale {
    Locale::parse(tag).unwrap_or_else(|e| panic!("{tag}: {e}"))
}

/// `s` with the invisible characters made visible, for readable failures
/// and hand-written expectations: `_` U+202F, `~` U+00A0, `−` stays.
fn shown(s: &str) -> String {
    s.replace(NNBSP, "_").replace(NBSP, "~")
}

#[test]
fn numbers() {
    let (us, fr, ca) = (loc("en-US"), loc("fr-FR"), loc("fr-CA"));
    for (got, want) in [
        (us.number(1234.5, 1), "1,234.5"),
        (fr.number(1234.5, 1), "1_234,5"),
        (ca.number(1234.5, 1), "1~234,5"),
        (us.number(0.5, 2), "0.50"),
        (us.number(-1234567.891, 2), "−1,234,567.89"),
        (fr.number(-1234567.891, 2), "−1_234_567,89"),
        (us.number(999.0, 0), "999"),
        (us.number(1000.0, 0), "1,000"),
        (us.number_up_to(0.58, 2), "0.58"),
        (us.number_up_to(2.0, 2), "2"),
        (us.number_up_to(7.9, 2), "7.9"),
        (fr.number_up_to(7.9, 2), "7,9"),
        (us.count(224362.0), "224,362"),
        (fr.count(224362.0), "224_362"),
        (us.count(0.4), "0"),
        // An exact half rounds to even, as the goals judge the shown value
        // (goals::condition::shown_as): a status never contradicts it.
        (us.count(2.5), "2"),
        (us.count(3.5), "4"),
        (us.number(1.005, 2), "1.00"),
        (us.percent(12.5, 1), "12.5%"),
        (fr.percent(12.5, 1), "12,5_%"),
        (ca.percent(12.5, 1), "12,5~%"),
        (us.percent_up_to(10.0, 1), "10%"),
        (us.percent_up_to(7.923, 2), "7.92%"),
        (fr.percent(-3.25, 1), "−3,2_%"),
    ] {
        assert_eq!(shown(&got), want);
    }
}

#[test]
fn money() {
    let (us, gb, fr, ca) = (loc("en-US"), loc("en-GB"), loc("fr-FR"), loc("fr-CA"));
    for (got, want) in [
        (fr.money(0.57, "EUR", 2), "0,57~€"),
        (us.money(0.57, "EUR", 2), "€0.57"),
        (gb.money(0.57, "EUR", 2), "€0.57"),
        (us.money(-1.2, "EUR", 2), "−€1.20"),
        (fr.money(-1.2, "EUR", 2), "−1,20~€"),
        (us.money(1234.5, "USD", 2), "$1,234.50"),
        (gb.money(1234.5, "USD", 2), "US$1,234.50"),
        (fr.money(1234.5, "USD", 2), "1_234,50~$US"),
        (ca.money(1234.5, "CAD", 2), "1~234,50~$"),
        (us.money(12.0, "GBP", 2), "£12.00"),
        (us.money(12.0, "RUB", 2), "₽12.00"),
        (fr.money(12.0, "RUB", 2), "12,00~₽"),
        (us.money(1500.0, "JPY", 0), "¥1,500"),
        // A symbol of letters is kept apart from the number.
        (us.money(12.0, "CHF", 2), "CHF~12.00"),
        (fr.money(12.0, "CHF", 2), "12,00~CHF"),
        (us.money(12.0, "CAD", 2), "CA$12.00"),
        // A code kpiscope has no symbol for, written as a code.
        (us.money(12.0, "XYZ", 2), "12.00~XYZ"),
        (fr.money(12.0, "xyz", 2), "12,00~XYZ"),
        (us.money(12.0, "", 2), "12.00"),
        (us.signed_money(0.05, "EUR", 2), "+€0.05"),
        (fr.signed_money(-0.05, "EUR", 2), "−0,05~€"),
        (us.signed_money(0.001, "EUR", 2), "€0.00"),
    ] {
        assert_eq!(shown(&got), want);
    }
    assert_eq!(currency::decimals("JPY"), 0);
}

#[test]
fn changes_have_their_sign_and_zero_has_none() {
    let (us, fr) = (loc("en-US"), loc("fr-FR"));
    for (got, want) in [
        (us.signed_percent(5.06, 1), "+5.1%"),
        (us.signed_percent(-3.2, 1), "−3.2%"),
        (fr.signed_percent(-3.2, 1), "−3,2_%"),
        (us.signed_percent(0.04, 1), "0.0%"),
        (us.signed_percent(-0.04, 1), "0.0%"),
        (us.signed_percent_up_to(10.0, 1), "+10%"),
        (us.signed_percent_up_to(0.001, 1), "0%"),
        (us.signed_count(1583.0), "+1,583"),
        (fr.signed_count(1583.0), "+1_583"),
        (us.signed_count(-20.0), "−20"),
        (us.signed_count(0.0), "0"),
        (us.signed_number(0.5, 2), "+0.50"),
        (us.signed_number_up_to(9.0909, 2), "+9.09"),
        (us.signed_number_up_to(-2.0, 2), "−2"),
    ] {
        assert_eq!(shown(&got), want);
    }
    assert_eq!(MINUS, "−");
}

#[test]
fn negative_zero_nan_and_infinity_are_never_printed() {
    let us = loc("en-US");
    for x in [-0.0, -0.001, -0.004] {
        assert_eq!(us.number(x, 2), "0.00", "{x}");
        assert_eq!(us.percent_up_to(x, 2), "0%", "{x}");
        assert_eq!(us.money(x, "EUR", 2), "€0.00", "{x}");
        assert_eq!(us.count(x), "0", "{x}");
    }
    for x in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
        for s in [
            us.number(x, 2),
            us.count(x),
            us.percent(x, 1),
            us.money(x, "EUR", 2),
            us.signed_percent(x, 1),
            us.value(x, "seconds", None, 2),
        ] {
            assert_eq!(s, NO_VALUE, "{x}");
        }
    }
}

#[test]
fn values_in_their_unit() {
    let (us, fr) = (loc("en-US"), loc("fr-FR"));
    for (got, want) in [
        (us.value(7.923, "%", Some("EUR"), 2), "7.92%"),
        (fr.value(7.923, "%", Some("EUR"), 2), "7,92_%"),
        (us.value(0.54, "currency", Some("EUR"), 2), "€0.54"),
        (fr.value(0.5, "currency", Some("EUR"), 2), "0,50~€"),
        (us.value(0.54, "currency", None, 2), "0.54"),
        (us.value(12.0, "seconds", None, 2), "12~s"),
        (us.value(8800.0, "count", None, 2), "8,800"),
        (fr.value(1.5, "", None, 2), "1,5"),
    ] {
        assert_eq!(shown(&got), want);
    }
}

#[test]
fn periods_for_people() {
    let monday = Calendar::default();
    let sunday = Calendar { week_start: 6 };
    let day = |y, m, d| day_from_ymd(y, m, d);
    let p = |cal: &Calendar, g, d| cal.period_of(g, d);
    let oct3 = day(2026, 10, 3);
    let (en, us, gb, fr) = (loc("en"), loc("en-US"), loc("en-GB"), loc("fr-FR"));
    let cases: Vec<(&Locale, Period, &Calendar, &str)> = vec![
        (&gb, p(&monday, Grain::Month, oct3), &monday, "October 2026"),
        (&us, p(&monday, Grain::Month, oct3), &monday, "October 2026"),
        (&fr, p(&monday, Grain::Month, oct3), &monday, "octobre 2026"),
        (
            &gb,
            p(&monday, Grain::Quarter, day(2026, 8, 1)),
            &monday,
            "Q3 2026",
        ),
        (
            &fr,
            p(&monday, Grain::Quarter, day(2026, 8, 1)),
            &monday,
            "T3 2026",
        ),
        (
            &gb,
            p(&monday, Grain::Week, day(2026, 10, 7)),
            &monday,
            "Week 41, 2026",
        ),
        (
            &fr,
            p(&monday, Grain::Week, day(2026, 10, 7)),
            &monday,
            "Semaine 41, 2026",
        ),
        // The ISO year of a week can be the year before its last days'.
        (
            &gb,
            p(&monday, Grain::Week, day(2027, 1, 1)),
            &monday,
            "Week 53, 2026",
        ),
        (
            &gb,
            p(&sunday, Grain::Week, day(2026, 10, 7)),
            &sunday,
            "Week of 4 October 2026",
        ),
        (
            &us,
            p(&sunday, Grain::Week, day(2026, 10, 7)),
            &sunday,
            "Week of October 4, 2026",
        ),
        (
            &fr,
            p(&sunday, Grain::Week, day(2026, 10, 7)),
            &sunday,
            "Semaine du 4 octobre 2026",
        ),
        (&gb, p(&monday, Grain::Day, oct3), &monday, "3 October 2026"),
        (
            &us,
            p(&monday, Grain::Day, oct3),
            &monday,
            "October 3, 2026",
        ),
        (
            &en,
            p(&monday, Grain::Day, oct3),
            &monday,
            "October 3, 2026",
        ),
        (&fr, p(&monday, Grain::Day, oct3), &monday, "3 octobre 2026"),
        (
            &fr,
            p(&monday, Grain::Day, day(2026, 10, 1)),
            &monday,
            "1er octobre 2026",
        ),
        (&gb, p(&monday, Grain::Year, oct3), &monday, "2026"),
        (&gb, p(&monday, Grain::All, oct3), &monday, "All time"),
        (
            &fr,
            p(&monday, Grain::All, oct3),
            &monday,
            "Toute la période",
        ),
    ];
    for (l, period, cal, want) in cases {
        assert_eq!(
            l.period(period, cal),
            want,
            "{} {}",
            l.tag(),
            cal.label(period)
        );
    }
    assert_eq!(fr.day(day(2026, 2, 28)), "28 février 2026");
    assert_eq!(us.day(day(2026, 12, 31)), "December 31, 2026");
}

#[test]
fn short_names_for_chart_axes() {
    let cal = Calendar::default();
    let (gb, us, fr) = (loc("en-GB"), loc("en-US"), loc("fr-FR"));
    let oct3 = day_from_ymd(2026, 10, 3);
    assert_eq!(gb.month_short(10), "Oct");
    assert_eq!(fr.month_short(10), "oct.");
    assert_eq!(fr.month_short(6), "juin");
    assert_eq!(fr.month_name(8), "août");
    assert_eq!(
        gb.period_short(cal.period_of(Grain::Month, oct3), &cal),
        "Oct"
    );
    assert_eq!(
        fr.period_short(cal.period_of(Grain::Month, oct3), &cal),
        "oct."
    );
    assert_eq!(
        gb.period_short(cal.period_of(Grain::Week, oct3), &cal),
        "W40"
    );
    assert_eq!(
        fr.period_short(cal.period_of(Grain::Week, oct3), &cal),
        "S40"
    );
    assert_eq!(gb.day_short(oct3), "3 Oct");
    assert_eq!(us.day_short(oct3), "Oct 3");
    assert_eq!(fr.day_short(oct3), "3 oct.");
    assert_eq!(
        gb.period_short(cal.period_of(Grain::Quarter, oct3), &cal),
        "Q4 2026"
    );
}

#[test]
fn german_and_russian_are_one_file_each() {
    let cal = Calendar::default();
    let oct3 = day_from_ymd(2026, 10, 3);
    let (de, at, ch, ru) = (loc("de-DE"), loc("de-AT"), loc("de-CH"), loc("ru-RU"));
    for (got, want) in [
        (de.number(1234.5, 1), "1.234,5"),
        (de.money(0.57, "EUR", 2), "0,57~€"),
        (at.money(-1.2, "EUR", 2), "−€~1,20"),
        (ch.money(1234.5, "CHF", 2), "CHF~1’234.50"),
        (ch.percent(12.5, 1), "12.5%"),
        (de.percent(12.5, 1), "12,5~%"),
        (de.day(oct3), "3. Oktober 2026"),
        (
            at.period(cal.period_of(Grain::Month, day_from_ymd(2026, 1, 9)), &cal),
            "Jänner 2026",
        ),
        (
            de.period(cal.period_of(Grain::Week, oct3), &cal),
            "KW 40/2026",
        ),
        (ru.number(1234.5, 1), "1~234,5"),
        (ru.money(0.57, "RUB", 2), "0,57~₽"),
        (
            ru.period(cal.period_of(Grain::Month, oct3), &cal),
            "октябрь 2026~г.",
        ),
        (ru.day(oct3), "3 октября 2026~г."),
        (ru.day_short(day_from_ymd(2026, 5, 9)), "9 мая"),
        (ru.month_short(5).to_string(), "май"),
        (
            ru.period(cal.period_of(Grain::Quarter, oct3), &cal),
            "4-й кв. 2026~г.",
        ),
        (ru.counted("count.posts", 1, &[]), "1 публикация"),
        (ru.counted("count.posts", 3, &[]), "3 публикации"),
        (ru.counted("count.posts", 11, &[]), "11 публикаций"),
        (ru.counted("count.posts", 1021, &[]), "1~021 публикация"),
        (ru.network("vk"), "VK"),
        (ru.network("web"), "Сайт"),
    ] {
        assert_eq!(shown(&got), want);
    }
}

#[test]
fn tags_and_regions() {
    for (tag, want) in [
        ("en", "en-US"),
        ("en-US", "en-US"),
        ("en-GB", "en-GB"),
        ("en_gb", "en-GB"),
        ("fr", "fr-FR"),
        ("fr-FR", "fr-FR"),
        ("fr-CA", "fr-CA"),
        ("fr-BE", "fr-BE"),
        // A region the language file has no conventions for: its default.
        ("fr-SN", "fr-FR"),
        ("en-ZA", "en-US"),
        ("FR-fr", "fr-FR"),
    ] {
        assert_eq!(loc(tag).tag(), want, "{tag}");
    }
    assert_eq!(loc("fr-CA").language(), "fr");
    assert_eq!(loc("fr").language_name(), "français");
    assert_eq!(Locale::default().tag(), "en-US");
}

#[test]
fn an_unknown_language_lists_the_known_ones() {
    let e = Locale::parse("xx-XX").unwrap_err();
    assert!(matches!(e, LocaleError::UnknownLanguage { .. }));
    let message = e.to_string();
    assert!(
        message.starts_with("unknown language `xx` in `xx-XX`: the languages are "),
        "{message}"
    );
    assert!(message.contains("en (English)"), "{message}");
    assert!(message.contains("fr (français)"), "{message}");
    assert!(message.contains("de (Deutsch)"), "{message}");
    let e = Locale::parse("French").unwrap_err();
    assert!(matches!(e, LocaleError::Syntax { .. }), "{e}");
}

#[test]
fn messages_with_placeholders_and_english_fallback() {
    let (en, fr) = (loc("en-GB"), loc("fr-FR"));
    assert_eq!(en.text("section.key_figures"), "Key figures");
    assert_eq!(fr.text("section.key_figures"), "Chiffres clés");
    assert_eq!(fr.text("status.no_data"), "sans données");
    assert_eq!(
        en.message(
            "report.data_range",
            &[("first", "1 October 2026"), ("last", "31 October 2026")]
        ),
        "Data from 1 October 2026 to 31 October 2026"
    );
    assert_eq!(
        fr.message(
            "report.not_in_data",
            &[
                ("figure", "Portée"),
                ("export", "les statistiques du compte")
            ]
        ),
        "Absent des données : Portée — exportez les statistiques du compte pour l’obtenir"
    );
    assert_eq!(fr.status(crate::goals::Status::Fail), "non atteint");
    assert_eq!(en.status(crate::goals::Status::NoData), "no data");
    // A key nobody has is shown as the key: a slip is seen, not a blank.
    assert_eq!(fr.text("no.such.key"), "no.such.key");
}

#[test]
fn a_message_missing_from_a_language_is_english() {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/locales/fr.toml"))
        .expect("fr.toml");
    let text = text.replace("key_figures = \"Chiffres clés\"\n", "");
    let partial = language::Language::parse("fr.toml", &text).expect("fr without a key");
    assert_eq!(partial.catalog.get("section.key_figures"), None);
    let fr = Locale {
        language: std::sync::Arc::new(partial),
        ..loc("fr-FR")
    };
    assert_eq!(fr.text("section.key_figures"), "Key figures");
    assert_eq!(fr.text("section.goals"), "Objectifs");
}

#[test]
fn counted_messages_take_the_language_s_plural() {
    let (en, fr) = (loc("en-US"), loc("fr-FR"));
    for (got, want) in [
        (en.counted("count.posts", 0, &[]), "0 posts"),
        (en.counted("count.posts", 1, &[]), "1 post"),
        (en.counted("count.posts", 1234, &[]), "1,234 posts"),
        (fr.counted("count.posts", 0, &[]), "0 publication"),
        (fr.counted("count.posts", 1, &[]), "1 publication"),
        (fr.counted("count.posts", 1234, &[]), "1_234 publications"),
        (
            en.counted(
                "posts.none_ranked",
                3,
                &[("period", "October 2026"), ("figure", "reach")],
            ),
            "None of the 3 posts published in October 2026 has a reach figure.",
        ),
    ] {
        assert_eq!(shown(&got), want);
    }
}

#[test]
fn network_names_as_brands_write_them() {
    let (en, fr) = (loc("en-US"), loc("fr-FR"));
    for (id, en_name, fr_name) in [
        ("instagram", "Instagram", "Instagram"),
        ("facebook", "Facebook", "Facebook"),
        ("x", "X", "X"),
        ("tiktok", "TikTok", "TikTok"),
        ("youtube", "YouTube", "YouTube"),
        ("linkedin", "LinkedIn", "LinkedIn"),
        ("vk", "VK", "VK"),
        ("telegram", "Telegram", "Telegram"),
        ("ok", "OK", "OK"),
        ("pinterest", "Pinterest", "Pinterest"),
        ("threads", "Threads", "Threads"),
        ("meta_ads", "Meta Ads", "Meta Ads"),
        ("web", "Website", "Site web"),
        ("Mastodon", "Mastodon", "Mastodon"),
        ("my_forum", "my_forum", "my_forum"),
    ] {
        assert_eq!(en.network(id), en_name, "{id}");
        assert_eq!(fr.network(id), fr_name, "{id}");
    }
}

/// A standard library loaded as a report loads it.
fn standard_library(scripts: &[(&str, &str)]) -> crate::kpi::library::Library {
    let dir = tempfile::tempdir().expect("temp dir");
    for (name, text) in scripts {
        let path = dir.path().join("scripts").join(name);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(path, text).expect("write");
    }
    crate::kpi::library::Library::load(
        Some(dir.path()),
        &crate::records::Catalog::standard(),
        &crate::limits::Limits::default(),
    )
    .expect("library")
}

#[test]
fn kpi_titles() {
    let lib = standard_library(&[(
        "mine.rhai",
        "/// My own rate\n/// unit: %\nfn my_rate() {\n    likes / reach * 100\n}\n\n\
         /// Engagement rate, our way\n/// unit: %\nfn er() {\n    likes / followers * 100\n}\n\n\
         fn untitled() {\n    likes\n}\n",
    )]);
    let (en, fr) = (loc("en-US"), loc("fr-FR"));
    for (name, en_title, fr_title) in [
        (
            "err",
            "Engagement rate by reach (ERR)",
            "Taux d’engagement par portée (ERR)",
        ),
        ("cpc", "Cost per click (CPC)", "Coût par clic (CPC)"),
        // The workspace's own KPIs keep the titles their authors wrote,
        // an override of a standard one too: it may compute otherwise.
        ("my_rate", "My own rate", "My own rate"),
        ("er", "Engagement rate, our way", "Engagement rate, our way"),
        ("untitled", "untitled", "untitled"),
        // A metric a goal reads directly.
        ("followers", "Followers", "Abonnés"),
        ("no_such_thing", "no_such_thing", "no_such_thing"),
    ] {
        assert_eq!(title_of(&lib, name, &en), en_title, "{name}");
        assert_eq!(title_of(&lib, name, &fr), fr_title, "{name}");
    }
}

#[test]
fn every_standard_kpi_and_metric_has_a_title_and_english_is_the_script_s() {
    let lib = standard_library(&[]);
    let en = loc("en-US");
    for k in lib.kpis.iter().filter(|k| k.standard) {
        assert_eq!(
            en.raw_text(&format!("kpi.{}", k.name)),
            Some(k.title.as_str()),
            "en.toml's kpi.{} must be the script's title",
            k.name
        );
    }
    for name in crate::records::Catalog::standard().names() {
        assert!(
            en.raw_text(&format!("metric.{name}")).is_some(),
            "metric.{name}"
        );
    }
}

/// A key with its plural form taken off: `count.posts.one` is `count.posts`.
fn base_key(key: &str) -> &str {
    match key.rsplit_once('.') {
        Some((base, form)) if CATEGORIES.contains(&form) => base,
        _ => key,
    }
}

/// Each message of a catalog by its key without the plural form, with the
/// placeholders of all its forms; `{n}` left out of counted ones (a
/// singular may say "the post" rather than "1 post").
fn placeholders_by_key(c: &catalog::Catalog) -> BTreeMap<String, BTreeSet<String>> {
    let mut out: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (key, text) in c.iter() {
        let base = base_key(key);
        let set = out.entry(base.to_string()).or_default();
        set.extend(placeholders(text));
        if base != key {
            set.remove("n");
        }
    }
    out
}

#[test]
fn every_language_file_reads_and_has_every_english_key_with_its_placeholders() {
    let languages = language::all().expect("every file of locales/ reads");
    let en = languages.iter().find(|l| l.code == "en").expect("en.toml");
    let english = placeholders_by_key(&en.catalog);
    for lang in languages {
        // Each region the file lists gives complete conventions.
        for region in lang.regions() {
            let l = loc(&format!("{}-{region}", lang.code));
            assert_eq!(l.tag(), format!("{}-{region}", lang.code));
        }
        let theirs = placeholders_by_key(&lang.catalog);
        // The languages shipped whole; a new one may start with fewer keys,
        // its missing ones shown in English.
        if ["en", "fr", "de", "ru"].contains(&lang.code.as_str()) {
            for key in english.keys() {
                assert!(theirs.contains_key(key), "{}.toml lacks `{key}`", lang.code);
            }
        }
        for (key, got) in &theirs {
            let want = english.get(key).unwrap_or_else(|| {
                panic!(
                    "{}.toml has `{key}`, which en.toml has not: misspelt?",
                    lang.code
                )
            });
            assert_eq!(got, want, "{}.toml `{key}`: placeholders", lang.code);
        }
    }
}

#[test]
fn a_broken_language_file_says_what_is_wrong() {
    let en = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/locales/en.toml"))
        .expect("en.toml");
    for (from, to, file, says) in [
        (
            "code = \"en\"",
            "code = \"en\"",
            "de.toml",
            "named `en.toml`",
        ),
        (
            "plural = \"one\"",
            "plural = \"two\"",
            "en.toml",
            "the rules are one, zero-one",
        ),
        (
            "decimal = \".\"\n",
            "",
            "en.toml",
            "[numbers] lacks `decimal`",
        ),
        (
            "percent = \"{n}%\"",
            "percent = \"%\"",
            "en.toml",
            "lacks `{n}`",
        ),
        (
            "\"November\", \"December\"]",
            "\"November\"]",
            "en.toml",
            "`months` has 11 names",
        ),
        (
            "min_grouping = 1",
            "min_groupin = 1",
            "en.toml",
            "unknown field `min_groupin`",
        ),
        (
            "[regions.IE]",
            "[regions.ie]",
            "en.toml",
            "`ie` is not a region code",
        ),
        (
            "subtitle = \"Social media report\"",
            "subtitle = 3",
            "en.toml",
            "`report.subtitle` is a integer",
        ),
    ] {
        assert!(en.contains(from), "{from}");
        let text = en.replacen(from, to, 1);
        let e = language::Language::parse(file, &text).expect_err(file);
        assert!(e.to_string().contains(says), "{says}: {e}");
        assert!(
            e.to_string().starts_with(&format!("locales/{file}: ")),
            "{e}"
        );
    }
}

proptest::proptest! {
    #![proptest_config(crate::prop_config())]

    /// In every locale, a number read back (its group marks taken out, its
    /// decimal mark and minus made ASCII) is Rust's own text of it, with no
    /// `-0`, `NaN` or `inf` ever written.
    #[test]
    fn numbers_read_back_as_written(
        x in proptest::prelude::any::<f64>(),
        decimals in 0usize..6,
        tag in proptest::sample::select(vec!["en-US", "en-GB", "fr-FR", "fr-CA", "de-DE", "de-CH", "de-AT", "ru-RU"]),
    ) {
        let l = loc(tag);
        let s = l.number(x, decimals);
        if !x.is_finite() {
            proptest::prop_assert_eq!(s, NO_VALUE);
            return Ok(());
        }
        let n = &l.conventions.numbers;
        let plain = s
            .replace(&n.group, "")
            .replace(&n.decimal, ".")
            .replace(&n.minus, "-");
        let want = format!("{x:.decimals$}");
        let want = if want.trim_start_matches('-').bytes().all(|b| b == b'0' || b == b'.') {
            want.trim_start_matches('-').to_string()
        } else {
            want
        };
        proptest::prop_assert_eq!(plain, want, "{} {}", tag, s);
    }
}
