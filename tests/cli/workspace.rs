//! Finding the workspace, `init`, `validate` and `list`.

use crate::goals::{DATA, HEAD, err_goal, ws};
use crate::harness::{Test, assert_close};

#[test]
fn found_from_a_sub_folder() {
    // all 2026-09 = 160/5000*100 = 3.2 → warn → exit 0.
    let out = ws(&err_goal("g", ""))
        .current_dir("reports/2026")
        .args(&["check", "--format", "json"])
        .run();
    out.status(0);
    assert_close(out.json()["goals"][0]["value"].as_f64().unwrap(), 3.2);
}

#[test]
fn workspace_option() {
    // The workspace is in `acme/`; the command runs from the temp root.
    let out = Test::new()
        .file(
            "acme/kpiscope.toml",
            &format!("{HEAD}{}", err_goal("g", "")),
        )
        .file("acme/data.csv", DATA)
        .args(&["--workspace", "acme", "check", "--format", "json"])
        .run();
    out.status(0);
    assert_close(out.json()["goals"][0]["value"].as_f64().unwrap(), 3.2);
}

#[test]
fn workspace_option_without_config() {
    let out = Test::new()
        .file("empty/readme.txt", "")
        .args(&["--workspace", "empty", "check"])
        .run();
    out.status(2);
    assert!(out.stderr.contains("kpiscope init"), "{}", out.stderr);
    insta::assert_snapshot!(out.stderr);
}

#[test]
fn no_workspace_gives_a_hint() {
    let out = Test::new().args(&["check", "-o", "out.json"]).run();
    out.status(2);
    assert!(!out.file_exists("out.json"));
    assert!(
        out.stderr.contains("--workspace") && out.stderr.contains("kpiscope init"),
        "{}",
        out.stderr
    );
    insta::assert_snapshot!(out.stderr);
}

#[test]
fn init_then_check() {
    let out = Test::new().args(&["init", "demo"]).run();
    out.status(0);
    assert!(out.file_exists("demo/kpiscope.toml"));
    assert!(out.file_exists("demo/scripts/my_kpis.rhai"));
    assert!(out.file_exists("demo/data/sample.csv"));
    let dir = out.dir.join("demo");
    let check = Test::new()
        .args(&[
            "--workspace",
            dir.to_str().unwrap(),
            "check",
            "--format",
            "json",
        ])
        .run();
    // The sample's last day is 2026-10-31, so "last" = 2026-10: posts p3 (reach 1500,
    // 52+9+6 = 67) and p4 (reach 1100, 28+3+2 = 33).
    // engagement: err = (67+33)/(1500+1100)*100 = 100/2600*100 = 3.846… → warn (>= 3).
    // saves: save_rate = (20+9)/2600*100 = 1.115… → pass (>= 1).
    // No failure → exit 0.
    check.status(0);
    let j = check.json();
    let g = |id: &str| {
        j["goals"]
            .as_array()
            .unwrap()
            .iter()
            .find(|g| g["id"] == id)
            .unwrap()
            .clone()
    };
    assert_eq!(g("engagement")["period"]["label"], "2026-10");
    assert_close(
        g("engagement")["value"].as_f64().unwrap(),
        100.0 / 2600.0 * 100.0,
    );
    assert_eq!(g("engagement")["status"], "warn");
    assert_eq!(
        g("engagement")["message"],
        "3.85% is 0.15 below the target 4%"
    );
    assert_close(g("saves")["value"].as_f64().unwrap(), 29.0 / 2600.0 * 100.0);
    assert_eq!(g("saves")["status"], "pass");
    assert_eq!(g("saves")["message"], "1.12% meets the target >= 1%");
}

#[test]
fn init_does_not_overwrite() {
    let out = Test::new()
        .file("demo/kpiscope.toml", "# mine\n")
        .args(&["init", "demo"])
        .run();
    out.status(2);
    assert!(out.stderr.contains("already exists"), "{}", out.stderr);
    assert_eq!(out.read("demo/kpiscope.toml"), "# mine\n");
    assert!(!out.file_exists("demo/data/sample.csv"));
    insta::assert_snapshot!(out.stderr);
}

#[test]
fn validate_a_good_workspace() {
    // With the `[params]` the standard library reads (earned_media_value: params.benchmark_cpc).
    let config = HEAD.replacen(
        "[[source]]",
        "[params]\nbenchmark_cpc = 0.85\n\n[[source]]",
        1,
    ) + err_goal("g", "").as_str();
    let out = Test::new()
        .file("kpiscope.toml", &config)
        .file("data.csv", DATA)
        .file(
            "scripts/mine.rhai",
            "/// Mine\n/// unit: count\nfn mine() {\n    likes + 1\n}\n",
        )
        .args(&["validate"])
        .run();
    out.status(0);
    assert!(out.stdout.contains("Goals test: ok"), "{}", out.stdout);
    assert!(out.stdout.contains("1 source (1 file)"), "{}", out.stdout);
    assert!(
        out.stdout.contains("(1 from the workspace)"),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("1 goal"), "{}", out.stdout);
}

#[test]
fn list_kpis_shows_an_override() {
    let script =
        "/// My ERR\n/// unit: %\n/// stage: engagement\nfn err() {\n    likes / reach * 100\n}\n";
    let out = ws("")
        .file("scripts/mine.rhai", script)
        .args(&["list", "kpis"])
        .run();
    out.status(0);
    let line = out
        .stdout
        .lines()
        .find(|l| l.starts_with("err "))
        .expect("err line");
    assert!(
        line.contains("scripts/mine.rhai (overrides standard)"),
        "{line}"
    );
    assert!(line.contains("My ERR"), "{line}");
    let std_line = out
        .stdout
        .lines()
        .find(|l| l.starts_with("engagements "))
        .expect("engagements line");
    assert!(std_line.contains("standard"), "{std_line}");
    // The override is what runs: 2026-09 likes/reach = 128/5000*100 = 2.56.
    let out = ws("")
        .file("scripts/mine.rhai", script)
        .args(&["eval", "--kpi", "err", "--format", "json"])
        .run();
    assert_close(out.value("err", "2026-09", None).unwrap(), 2.56);
    // `validate` and `-v` say so too.
    let note = "note: scripts/mine.rhai:4 replaces the standard KPI `err`";
    let out = ws("")
        .file("scripts/mine.rhai", script)
        .args(&["validate"])
        .run();
    assert!(out.stdout.contains(note), "{}", out.stdout);
    let out = ws("")
        .file("scripts/mine.rhai", script)
        .args(&["-v", "eval", "--kpi", "err"])
        .run();
    assert!(out.stderr.contains(note), "{}", out.stderr);
}

#[test]
fn list_goals() {
    let goals = [
        err_goal("ig", "network = \"instagram\"\ntitle = \"Instagram ERR\""),
        err_goal("q", "period = \"2026-Q3\""),
    ]
    .concat();
    let out = ws(&goals).args(&["list", "goals"]).run();
    out.status(0);
    insta::assert_snapshot!(out.stdout);
}

#[test]
fn list_metrics_shows_a_declared_kind() {
    let config = HEAD.replace(
        "[[source]]",
        "[metrics]\nmy_metric = \"last\"\n\n[[source]]",
    );
    let out = Test::new()
        .file("kpiscope.toml", &config)
        .file("data.csv", DATA)
        .args(&["list", "metrics"])
        .run();
    out.status(0);
    let line = out
        .stdout
        .lines()
        .find(|l| l.starts_with("my_metric "))
        .unwrap_or_else(|| panic!("{}", out.stdout));
    let cells: Vec<&str> = line.split_whitespace().collect();
    assert_eq!(cells[1], "last", "{line}");
    assert_eq!(cells.last(), Some(&"workspace"), "{line}");
    let followers = out
        .stdout
        .lines()
        .find(|l| l.starts_with("followers "))
        .unwrap();
    assert_eq!(
        followers.split_whitespace().nth(1),
        Some("last"),
        "{followers}"
    );
    let reach = out
        .stdout
        .lines()
        .find(|l| l.starts_with("reach "))
        .unwrap();
    assert_eq!(reach.split_whitespace().nth(1), Some("sum"), "{reach}");
}

#[test]
fn list_sources() {
    let config = format!(
        "{}\n[[source]]\nplugin = \"canonical\"\npath = \"exports/*.csv\"\naccount = \"acme\"\n",
        HEAD
    );
    let out = Test::new()
        .file("kpiscope.toml", &config)
        .file("data.csv", DATA)
        .file("exports/a.csv", "date,network,reach\n")
        .file("exports/b.csv", "date,network,reach\n")
        .args(&["list", "sources"])
        .run();
    out.status(0);
    insta::assert_snapshot!(out.stdout);
}

#[test]
fn validate_without_params() {
    // [params] is optional (DESIGN §2); the workspace uses no KPI that reads a param.
    let out = ws(&err_goal("g", "")).args(&["validate"]).run();
    out.status(0);
}

#[test]
fn eval_all_kpis_without_params() {
    // sessions is there, params.benchmark_cpc is not: earned_media_value should be
    // no data with a reason naming the missing param, not stop the whole run.
    let data = "date,network,account,sessions,likes\n2026-09-01,instagram,acme,100,5\n";
    let out = Test::new()
        .file("kpiscope.toml", HEAD)
        .file("data.csv", data)
        .args(&["eval", "--format", "json"])
        .run();
    out.status(0);
    let rows = out.rows();
    let emv = rows
        .iter()
        .find(|r| r["kpi"] == "earned_media_value")
        .expect("earned_media_value row");
    assert_eq!(emv["value"], serde_json::Value::Null);
    assert!(
        emv["reason"]
            .as_str()
            .unwrap_or("")
            .contains("benchmark_cpc"),
        "{emv}"
    );
}

#[test]
fn globs_skip_office_lock_files_and_hidden_files() {
    // Excel keeps `~$name` beside an export it has open, and editors keep
    // hidden swap files: neither is an export, and reading them would fail.
    let out = Test::new()
        .file(
            "kpiscope.toml",
            "[workspace]\nname = \"w\"\n\n[[source]]\nplugin = \"canonical\"\npath = \"data/*.csv\"\n",
        )
        .file("data/posts.csv", "date,network,account,post,reach\n2026-10-01,x,acme,p1,100\n")
        .file("data/~$posts.csv", "\u{0}\u{1}binary lock")
        .file("data/.posts.csv.swp", "\u{0}\u{1}binary swap")
        .args(&["eval", "--kpi", "reach", "--grain", "all", "--format", "json"])
        .run();
    out.status(0);
    assert_eq!(out.value("reach", "all", None), Some(100.0));
}

#[test]
fn list_plugins_works_before_there_is_a_workspace() {
    // Which plugin reads which export is what one needs to write the
    // workspace file in the first place.
    let out = Test::new().args(&["list", "plugins"]).run();
    out.status(0);
    for name in ["canonical", "instagram", "meta_ads", "x"] {
        assert!(
            out.stdout
                .lines()
                .any(|l| l.starts_with(&format!("{name} "))),
            "{name}: {}",
            out.stdout
        );
    }
    // Other lists still need one.
    Test::new().args(&["list", "goals"]).run().status(2);
}

#[test]
fn inits_commented_goals_over_time_work_once_uncommented() {
    let out = Test::new().args(&["init", "w"]).run();
    out.status(0);
    let path = out.dir.join("w/kpiscope.toml");
    let text = std::fs::read_to_string(&path).expect("config");
    let mut inside = false;
    let uncommented: String = text
        .lines()
        .map(|l| {
            inside |= l.starts_with("# Goals over time");
            match (inside, l.strip_prefix("# ")) {
                (true, Some(rest)) if !l.starts_with("# Goals over time") => rest.to_string(),
                _ => l.to_string(),
            }
        })
        .collect::<Vec<_>>()
        .join("\n");
    std::fs::write(&path, uncommented).expect("write");
    let check = Test::new()
        .args(&[
            "--workspace",
            path.parent().unwrap().to_str().unwrap(),
            "check",
            "--format",
            "json",
        ])
        .run();
    // Followers 1000 (09-01), 1050 (09-30), 1090 (10-31) in the sample.
    // growth: (1090 - 1050) / 1050 = +3.81% → pass. engagement-every-month:
    // 2026-09 (60+8+4 + 30+2+1) / (1200+900) = 5% pass, 2026-10 3.85% fail.
    // followers-by-year-end: the trend of 1050, 1090 gives 1170 in December,
    // 830 short of 2000 (more than a tenth) → fail.
    check.status(1);
    let j = check.json();
    let got: Vec<(String, String, String)> = j["goals"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| {
            (
                g["id"].as_str().unwrap().to_string(),
                g["period"]["label"].as_str().unwrap().to_string(),
                g["status"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let want = [
        ("engagement", "2026-10", "warn"),
        ("saves", "2026-10", "pass"),
        ("growth", "2026-10", "pass"),
        ("engagement-every-month", "2026-09", "pass"),
        ("engagement-every-month", "2026-10", "fail"),
        ("followers-by-year-end", "2026-12", "fail"),
    ];
    let want: Vec<(String, String, String)> = want
        .iter()
        .map(|(a, b, c)| (a.to_string(), b.to_string(), c.to_string()))
        .collect();
    assert_eq!(got, want);
    assert_close(j["goals"][5]["value"].as_f64().unwrap(), 1170.0);
}

#[test]
fn a_locale_is_checked_where_it_is_written() {
    let with_locale = |tag: &str| {
        HEAD.replacen(
            "currency = \"EUR\"\n",
            &format!("currency = \"EUR\"\nlocale = \"{tag}\"\n"),
            1,
        ) + err_goal("g", "").as_str()
    };
    // A language kpiscope has no file for: an error at the value, line 4
    // column 10, with the languages there are.
    let out = Test::new()
        .file("kpiscope.toml", &with_locale("xx-YY"))
        .file("data.csv", DATA)
        .args(&["validate"])
        .run();
    out.status(2);
    assert!(
        out.stderr.contains(
            "kpiscope.toml:4:10: `locale`: unknown language `xx` in `xx-YY`: the languages are de (Deutsch), en (English), fr (français), ru (русский)"
        ),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("locale = \"xx-YY\""), "{}", out.stderr);
    assert!(
        out.stderr.contains("^^^^^^^"),
        "the caret under the value: {}",
        out.stderr
    );

    // Not a language tag at all.
    let out = Test::new()
        .file("kpiscope.toml", &with_locale("French"))
        .file("data.csv", DATA)
        .args(&["validate"])
        .run();
    out.status(2);
    assert!(
        out.stderr
            .contains("kpiscope.toml:4:10: `locale`: `French` is not a language tag"),
        "{}",
        out.stderr
    );

    // A known language with a region it has no conventions for is fine:
    // written as the language's default region.
    for good in ["fr-FR", "fr-SN", "en-GB", "en"] {
        let out = Test::new()
            .file("kpiscope.toml", &with_locale(good))
            .file("data.csv", DATA)
            .args(&["validate"])
            .run();
        out.status(0);
    }
}
