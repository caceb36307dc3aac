//! Warehouse sources against a real PostgreSQL (`pg_server`): the demo
//! loaded with `load --to postgres` and read back gives the demo's results
//! for every command; hand-counted cells from a table of our own; every way
//! the mapping, the table or the server can be wrong, each with its message.

use std::path::Path;

use crate::harness::{Output, Test};
use crate::pg_server::{PgDb, database};

const DEMO: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/demo");
const WAREHOUSE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/warehouse");

/// `kpiscope ARGS` with `KPISCOPE_PG` naming `db`, no history.
fn run(db: &PgDb, args: &[&str]) -> Output {
    let mut all = vec!["--no-history"];
    all.extend(args);
    Test::new().env("KPISCOPE_PG", &db.url).args(&all).run()
}

/// The two JSON documents agree: every string and count the same, every
/// number to 1e-9 of its size (the server adds in its own order), leaving
/// out what names the inputs and the time.
fn same_json(files: &serde_json::Value, warehouse: &serde_json::Value, path: &str) {
    use serde_json::Value;
    match (files, warehouse) {
        (Value::Object(a), Value::Object(b)) => {
            for k in a.keys().chain(b.keys()) {
                if matches!(
                    k.as_str(),
                    "generated_at" | "inputs" | "sources" | "workspace"
                ) {
                    continue;
                }
                same_json(&a[k], &b[k], &format!("{path}.{k}"));
            }
        }
        (Value::Array(a), Value::Array(b)) => {
            assert_eq!(a.len(), b.len(), "{path}: lengths differ");
            for (i, (x, y)) in a.iter().zip(b).enumerate() {
                same_json(x, y, &format!("{path}[{i}]"));
            }
        }
        (Value::Number(a), Value::Number(b)) => {
            let (a, b) = (a.as_f64().unwrap_or(0.0), b.as_f64().unwrap_or(0.0));
            assert!(
                (a - b).abs() <= 1e-9 * a.abs().max(1.0),
                "{path}: {a} from files, {b} from the warehouse"
            );
        }
        (a, b) => assert_eq!(a, b, "{path}"),
    }
}

/// `text` holds `want`, or the test fails showing `text`.
#[track_caller]
fn says(text: &str, want: impl AsRef<str>) {
    assert!(
        text.contains(want.as_ref()),
        "{}\nnot in:\n{text}",
        want.as_ref()
    );
}

/// `load --to postgres` of the demo into `db`'s `kpiscope.records`.
fn load_demo(db: &PgDb) -> Output {
    let args = ["--workspace", DEMO, "load", "--to", "postgres"];
    run(
        db,
        &[&args[..], &["--connection", "env:KPISCOPE_PG"]].concat(),
    )
}

#[test]
fn the_demo_from_the_warehouse_gives_the_demos_results_for_every_command() {
    let Some(db) = database("demo") else { return };
    let loaded = load_demo(&db);
    loaded.status(0);
    says(
        &loaded.stdout,
        "loaded 78 files into kpiscope.records and kpiscope.records_competitors: 7313 records, 6832 new",
    );
    // The tables hold what the files hold, record for record: 481 records
    // are account days that overlapping exports give twice; the
    // competitors' 72 records are in a table of their own.
    assert_eq!(db.psql("select count(*) from kpiscope.records"), "6760");
    assert_eq!(
        db.psql("select count(*) from kpiscope.records where post is not null"),
        "540"
    );
    assert_eq!(
        db.psql("select count(*) from kpiscope.records_competitors"),
        "72"
    );
    // Loading again changes nothing.
    let again = load_demo(&db);
    says(&again.stdout, "7313 records, 0 new");

    for args in [
        &[
            "eval", "--grain", "month", "--by", "network", "--format", "json",
        ][..],
        &[
            "eval",
            "--grain",
            "week",
            "--by",
            "account",
            "--format",
            "json",
            "--from",
            "2026-06-01",
        ],
        &[
            "eval",
            "--grain",
            "all",
            "--by",
            "post",
            "--kpi",
            "reach,likes",
            "--network",
            "instagram",
            "--format",
            "json",
        ],
        &[
            "eval", "--grain", "month", "--by", "campaign", "--format", "json",
        ],
        &["check", "--format", "json"],
        &["report", "--format", "json"],
    ] {
        let files = run(&db, &[&["--workspace", DEMO][..], args].concat());
        let warehouse = run(&db, &[&["--workspace", WAREHOUSE][..], args].concat());
        assert_eq!(
            files.status, warehouse.status,
            "{args:?}: {}",
            warehouse.stderr
        );
        same_json(&files.json(), &warehouse.json(), &args.join(" "));
    }
    let files = run(&db, &["--workspace", DEMO, "test"]);
    let warehouse = run(&db, &["--workspace", WAREHOUSE, "test"]);
    files.status(0);
    assert_eq!(files.stdout, warehouse.stdout);
}

#[test]
fn the_warehouse_variant_is_the_demo_goal_for_goal() {
    let demo = std::fs::read_to_string(Path::new(DEMO).join("kpiscope.toml")).unwrap();
    let warehouse = std::fs::read_to_string(Path::new(WAREHOUSE).join("kpiscope.toml")).unwrap();
    let goals = |text: &str| text[text.find("# Goals.").expect("goals")..].to_string();
    assert_eq!(goals(&demo), goals(&warehouse));
    let head = |text: &str| {
        let from = &text[text.find("[workspace]").expect("[workspace]")..];
        from[..from.find("\n#").expect("a comment after [params]")].to_string()
    };
    assert_eq!(head(&demo), head(&warehouse));
}

/// A table of posts and account days, and a workspace reading it.
fn posts_table(db: &PgDb, key: &str) {
    db.psql(&format!(
        "create schema social;
         create table social.post_metrics (
             published_at timestamptz, network text, account_id text, post_id text,
             campaign text, reach bigint, likes integer, comments numeric(10,0),
             followers_count bigint, label text{key});
         insert into social.post_metrics values
           ('2026-09-03 10:00+00', 'instagram', 'acme', 'p1', 'spring', 100, 10, 1, null, 'a'),
           ('2026-09-20 10:00+00', 'instagram', 'acme', 'p2', null, 200, 20, null, null, 'b'),
           ('2026-10-05 10:00+00', 'instagram', 'acme', 'p3', 'spring', 300, 30, 3, null, 'c'),
           ('2026-10-31 23:30+00', 'instagram', 'acme', 'p4', 'fall', 40, 4, 0, null, 'd'),
           ('2026-10-06 10:00+00', 'instagram', 'bolt', 'q1', 'fall', 50, 5, 0, null, 'e'),
           ('2026-09-30 12:00+00', 'instagram', 'acme', '', null, 1000, null, null, 500, 'f'),
           ('2026-09-30 13:00+00', 'instagram', 'acme', null, null, 10, null, null, null, 'g'),
           ('2026-10-30 12:00+00', 'instagram', 'acme', null, null, 1200, null, null, 520, 'h'),
           ('2026-10-30 12:00+00', 'instagram', 'bolt', null, null, null, null, null, 80, 'i');"
    ));
}

const MAPPED: &str = r#"[workspace]
timezone = "Europe/Paris"

[[source]]
plugin = "postgres"
connection = "env:KPISCOPE_PG"
table = "social.post_metrics"
network = "instagram"
[source.columns]
date = "published_at"
account = "account_id"
post = "post_id"
dims = { campaign = "campaign" }
metrics = { reach = "reach", likes = "likes", comments = "comments", followers = "followers_count" }
"#;

fn mapped(db: &PgDb, config: &str, args: &[&str]) -> Output {
    Test::new()
        .file("kpiscope.toml", config)
        .env("KPISCOPE_PG", &db.url)
        .args(&[&["--no-history"][..], args].concat())
        .run()
}

#[test]
fn cells_summed_by_the_server_count_as_the_rows_would() {
    let Some(db) = database("cells") else { return };
    posts_table(&db, ", unique (network, account_id, post_id)");
    for (dialect, cells) in [
        (
            "postgres",
            "the server summed 9 rows into 7 cells (month bucket)",
        ),
        (
            "cockroach",
            "the server summed 9 rows into 8 cells (day bucket)",
        ),
    ] {
        let config = MAPPED.replace(
            "[source.columns]",
            &format!("dialect = \"{dialect}\"\n[source.columns]"),
        );
        let out = mapped(
            &db,
            &config,
            &[
                "-v",
                "eval",
                "--grain",
                "month",
                "--by",
                "account",
                "--kpi",
                "reach,likes,comments,followers,posts",
                "--format",
                "json",
            ],
        );
        out.status(0);
        let value = |kpi: &str, account: &str, period: &str| -> Option<f64> {
            out.rows()
                .iter()
                .find(|r| {
                    r["kpi"] == kpi && r["account"] == account && r["period"]["label"] == period
                })
                .unwrap_or_else(|| panic!("no {kpi} {account} {period}"))["value"]
                .as_f64()
        };
        // acme, September: its own reach (1000 + 10 on the 30th, one account
        // day: the empty post id is the account's) wins over its posts' 300.
        assert_eq!(value("reach", "acme", "2026-09"), Some(1010.0));
        assert_eq!(value("likes", "acme", "2026-09"), Some(30.0));
        assert_eq!(value("comments", "acme", "2026-09"), Some(1.0));
        assert_eq!(value("posts", "acme", "2026-09"), Some(2.0));
        assert_eq!(value("followers", "acme", "2026-09"), Some(500.0));
        // October: p4, at 23:30 UTC on the 31st, is on 1 November in Paris.
        assert_eq!(value("posts", "acme", "2026-10"), Some(1.0));
        assert_eq!(value("likes", "acme", "2026-10"), Some(30.0));
        assert_eq!(value("posts", "acme", "2026-11"), Some(1.0));
        assert_eq!(value("followers", "acme", "2026-10"), Some(520.0));
        assert_eq!(value("reach", "bolt", "2026-10"), Some(50.0));
        // Nine rows, summed into cells: a month each where the engine takes a
        // stock's last day's value in a month (PostgreSQL), else a day each.
        says(&out.stderr, cells);
        says(&out.stderr, "AT TIME ZONE CAST($1 AS text)");
        says(&out.stderr, "parameters: Europe/Paris");
    }

    // Without the stock, months: seven cells (acme's posts and its days in
    // September and October, its posts in November, bolt's posts and days).
    let no_stock = MAPPED.replace(", followers = \"followers_count\"", "");
    let out = mapped(
        &db,
        &no_stock,
        &[
            "-v", "eval", "--grain", "month", "--kpi", "reach", "--format", "json",
        ],
    );
    says(
        &out.stderr,
        "the server summed 9 rows into 7 cells (month bucket)",
    );
    assert_eq!(out.value("reach", "2026-09", None), Some(1010.0));
    // October: acme's day (1200) and bolt's post (50); acme's posts give way.
    assert_eq!(out.value("reach", "2026-10", None), Some(1250.0));
}

#[test]
fn the_commands_filters_and_days_travel_as_parameters() {
    let Some(db) = database("filters") else {
        return;
    };
    posts_table(&db, "");
    let out = mapped(
        &db,
        MAPPED,
        &[
            "-v",
            "eval",
            "--grain",
            "all",
            "--kpi",
            "likes",
            "--account",
            "bolt",
            "--from",
            "2026-10-01",
            "--format",
            "json",
        ],
    );
    out.status(0);
    assert_eq!(out.value("likes", "all", None), Some(5.0));
    says(&out.stderr, "parameters: Europe/Paris, 2026-10-01, bolt");
    says(&out.stderr, "the server summed 2 rows");
    // A value made to break out of a string is a parameter like any other.
    let out = mapped(
        &db,
        MAPPED,
        &[
            "eval",
            "--grain",
            "all",
            "--kpi",
            "likes",
            "--account",
            "x' or '1'='1",
            "--format",
            "json",
        ],
    );
    says(&out.stderr, "account `x' or '1'='1` is in no record");
}

#[test]
fn a_post_on_two_rows_stops_the_run_unless_a_key_proves_there_is_none() {
    let Some(db) = database("twice") else { return };
    posts_table(&db, "");
    db.psql("insert into social.post_metrics values ('2026-10-02 10:00+00', 'instagram', 'acme', 'p1', null, 1, 1, null, null, 'z')");
    mapped(&db, MAPPED, &["eval", "--kpi", "likes"]).fails_with(
        "source #1 (postgres, social.post_metrics): post p1 of instagram/acme is on 2 rows (2026-09-03 to 2026-10-02): kpiscope counts a post once and cannot tell which row is right",
    );
}

#[test]
fn a_mapping_that_does_not_fit_the_table_is_told_at_its_place() {
    let Some(db) = database("mapping") else {
        return;
    };
    posts_table(&db, "");
    let config = MAPPED
        .replace("likes = \"likes\"", "likes = \"like\"")
        .replace("reach = \"reach\"", "reach = \"label\"")
        .replace("date = \"published_at\"", "date = \"account_id\"");
    let out = mapped(&db, &config, &["eval"]);
    out.status(2);
    for want in [
        "error: kpiscope.toml:10:8: source #1 (postgres): the date column `account_id` is of type text: a date column is a date, a timestamp or a timestamptz",
        "error: kpiscope.toml:14:",
        "the metric `likes` column `like` is not in social.post_metrics",
        "did you mean `likes`?",
        "the metric `reach` column `label` is of type text, not a number",
    ] {
        assert!(out.stderr.contains(want), "{want}\n{}", out.stderr);
    }
    mapped(
        &db,
        &MAPPED.replace("social.post_metrics", "social.post_metric"),
        &["eval"],
    )
    .fails_with(
        "table `social.post_metric` is not in the database; did you mean `social.post_metrics`?",
    );
    mapped(
        &db,
        &MAPPED.replace(
            "table = \"social.post_metrics\"",
            "table = \"social.post_metrics; drop table x\"",
        ),
        &["eval"],
    )
    .fails_with("is not a table name");
}

#[test]
fn a_query_reads_and_only_reads() {
    let Some(db) = database("query") else { return };
    posts_table(&db, "");
    let query = MAPPED.replace(
        "table = \"social.post_metrics\"",
        "query = \"select * from social.post_metrics where account_id = 'bolt'\"",
    );
    let out = mapped(
        &db,
        &query,
        &[
            "eval", "--grain", "all", "--kpi", "likes", "--format", "json",
        ],
    );
    assert_eq!(out.value("likes", "all", None), Some(5.0));
    db.psql("create sequence social.seq");
    let writes = MAPPED.replace(
        "table = \"social.post_metrics\"",
        "query = \"select * from social.post_metrics where setval('social.seq', 5) > 0\"",
    );
    mapped(&db, &writes, &["eval"]).fails_with(
        "source #1 (postgres, the source's query): cannot execute setval() in a read-only transaction (a source's query only reads",
    );
    assert_eq!(db.psql("select last_value from social.seq"), "1");
}

#[test]
fn a_server_that_cannot_be_had_is_told_with_what_to_do() {
    let Some(db) = database("server") else { return };
    // A port nothing listens on.
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let out = Test::new()
        .file("kpiscope.toml", MAPPED)
        .env(
            "KPISCOPE_PG",
            &format!("postgres://kp@127.0.0.1:{closed}/x"),
        )
        .args(&["--no-history", "eval"])
        .run();
    out.fails_with(&format!(
        "cannot connect to PostgreSQL at 127.0.0.1:{closed}/x as kp"
    ));
    says(
        &out.stderr,
        "is the server running, and are the host and port right?",
    );
    // A password that is not the user's.
    if let Some((before, after)) = db.url.split_once('@')
        && let Some((user, _)) = before.rsplit_once(':')
    {
        let wrong = format!("{user}:not-the-password@{after}");
        let out = Test::new()
            .file("kpiscope.toml", MAPPED)
            .env("KPISCOPE_PG", &wrong)
            .args(&["--no-history", "eval"])
            .run();
        out.fails_with("password authentication failed");
        says(&out.stderr, "check the password");
        assert!(!out.stderr.contains("not-the-password"), "{}", out.stderr);
    }
    // TLS required of a server that has none.
    let out = Test::new()
        .file("kpiscope.toml", MAPPED)
        .env("KPISCOPE_PG", &format!("{}?sslmode=require", db.url))
        .args(&["--no-history", "eval"])
        .run();
    out.fails_with("server does not support TLS");
    // The variable unset.
    Test::new()
        .file("kpiscope.toml", MAPPED)
        .args(&["--no-history", "eval"])
        .run()
        .fails_with("`connection = \"env:KPISCOPE_PG\"`: KPISCOPE_PG is not set");
}

#[test]
fn load_keeps_the_values_already_there_and_adds_what_they_lacked() {
    let Some(db) = database("load") else { return };
    let config = "[workspace]\ntimezone = \"UTC\"\n[[source]]\npath = \"data/*.csv\"\n";
    let first = "date,network,account,post,dim.campaign,reach,likes\n\
                 2026-10-01,x,acme,t1,spring,100,10\n\
                 2026-10-01,x,acme,,,500,\n\
                 2026-10-01,x,acme,,,20,\n\
                 2026-10-02,x,acme,,,300,\n";
    // An overlapping export: t1 restated (kept as first loaded) with a
    // value it lacked; 2 October again; 3 October new.
    let second = "date,network,account,post,dim.campaign,reach,likes,comments\n\
                  2026-10-01,x,acme,t1,spring,999,99,4\n\
                  2026-10-02,x,acme,,,300,,\n\
                  2026-10-03,x,acme,,,700,,\n";
    let out = Test::new()
        .file("kpiscope.toml", config)
        .file("data/a.csv", first)
        .file("data/b.csv", second)
        .env("KPISCOPE_PG", &db.url)
        .args(&[
            "--no-history",
            "load",
            "--to",
            "postgres",
            "--connection",
            "env:KPISCOPE_PG",
            "--table",
            "wh.records",
        ])
        .run();
    out.status(0);
    says(&out.stdout, "data/a.csv: 3 records, 3 new");
    says(&out.stdout, "data/b.csv: 3 records, 1 new");
    assert_eq!(
        db.psql("select day, coalesce(post, '-'), reach, coalesce(likes, -1), coalesce(comments, -1), dims from wh.records order by day, post"),
        "2026-10-01|t1|100|10|4|campaign=spring\n2026-10-01|-|520|-1|-1|\n2026-10-02|-|300|-1|-1|\n2026-10-03|-|700|-1|-1|"
    );
    // What the files give, the table gives.
    let files = Test::new()
        .file("kpiscope.toml", config)
        .file("data/a.csv", first)
        .file("data/b.csv", second)
        .args(&[
            "--no-history",
            "eval",
            "--grain",
            "day",
            "--kpi",
            "reach,likes,comments",
            "--format",
            "json",
        ])
        .run();
    let source = out
        .stdout
        .split("(instead of the file sources):\n\n")
        .nth(1)
        .expect("the [[source]]");
    let warehouse = mapped(
        &db,
        &format!("[workspace]\ntimezone = \"UTC\"\n{source}"),
        &[
            "eval",
            "--grain",
            "day",
            "--kpi",
            "reach,likes,comments",
            "--format",
            "json",
        ],
    );
    same_json(&files.json(), &warehouse.json(), "eval");
}

#[test]
fn a_plugin_of_kind_postgres_maps_the_table_once() {
    let Some(db) = database("plugin") else { return };
    posts_table(&db, "");
    let manifest = r#"name = "agency_wh"
title = "The agency's post table"
version = "1.0.0"
api = 1
kind = "postgres"
network = "instagram"

[postgres]
table = "social.post_metrics"
[postgres.columns]
date = "published_at"
account = "account_id"
post = "post_id"
metrics = { likes = "likes", reach = "reach" }
"#;
    let config = "[workspace]\ntimezone = \"UTC\"\n\n[[source]]\nplugin = \"agency_wh\"\nconnection = \"env:KPISCOPE_PG\"\n";
    let run = |manifest: &str, config: &str| {
        Test::new()
            .file("kpiscope.toml", config)
            .file("plugins/agency_wh/plugin.toml", manifest)
            .env("KPISCOPE_PG", &db.url)
            .args(&[
                "--no-history",
                "eval",
                "--grain",
                "all",
                "--kpi",
                "likes,reach",
                "--format",
                "json",
            ])
            .run()
    };
    let out = run(manifest, config);
    out.status(0);
    // 10 + 20 + 30 + 4 + 5 likes; reach: the posts' 690, but acme's own
    // 1,210 wins in September and October (its posts there give way).
    assert_eq!(out.value("likes", "all", None), Some(69.0));
    // The source's query replaces the manifest's table.
    let out = run(
        manifest,
        &format!(
            "{config}query = \"select * from social.post_metrics where account_id = 'bolt'\"\n"
        ),
    );
    assert_eq!(out.value("likes", "all", None), Some(5.0));
    // A column the table lacks, named in the manifest, is told at the
    // source that uses the plugin.
    run(&manifest.replace("likes = \"likes\"", "likes = \"like\""), config).fails_with(
        "kpiscope.toml:5:10: source #1 (agency_wh): the metric `likes` column `like` is not in social.post_metrics",
    );
    // A manifest names no server.
    let out = run(
        &manifest.replace("[postgres]\n", "[postgres]\nconnection = \"host=x\"\n"),
        config,
    );
    out.status(2);
    says(&out.stderr, "a manifest names no server");
}

#[test]
fn a_statement_past_its_time_is_stopped_by_the_server() {
    let Some(db) = database("timeout") else {
        return;
    };
    posts_table(&db, "");
    let slow = MAPPED
        .replace(
            "timezone = \"Europe/Paris\"",
            "timezone = \"Europe/Paris\"\n\n[limits]\nwarehouse_seconds = 0.5",
        )
        .replace(
            "table = \"social.post_metrics\"",
            "query = \"select * from social.post_metrics where pg_sleep(1) is not null\"",
        );
    mapped(&db, &slow, &["eval"]).fails_with(
        "canceling statement due to statement timeout (the statement ran past its time: raise `[limits] warehouse_seconds`)",
    );
}

/// A server that speaks just enough of PostgreSQL's protocol to take TLS
/// (answers the SSLRequest with `S`, then the handshake, then hangs up):
/// whether a connection gets past the certificate check is what it tells.
fn tls_endpoint(ip: &str, config: std::sync::Arc<rustls::ServerConfig>) -> u16 {
    use std::io::{Read, Write};
    let listener = std::net::TcpListener::bind((ip, 0)).expect("bind");
    let port = listener.local_addr().expect("addr").port();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut request = [0u8; 8];
            if stream.read_exact(&mut request).is_err() || stream.write_all(b"S").is_err() {
                continue;
            }
            let Ok(conn) = rustls::ServerConnection::new(config.clone()) else {
                continue;
            };
            let mut tls = rustls::StreamOwned::new(conn, stream);
            let mut startup = [0u8; 64];
            let _ = tls.read(&mut startup);
        }
    });
    port
}

#[test]
fn tls_checks_what_sslmode_says() {
    let ca = crate::servers::TestCa::new();
    // The certificate names 127.0.0.1 and localhost, not 127.0.0.2.
    let named = tls_endpoint("127.0.0.1", ca.server_config());
    let unnamed = tls_endpoint("127.0.0.2", ca.server_config());
    let trusted = "&sslrootcert=ca.pem";
    for (ip, port, mode, roots, refused) in [
        ("127.0.0.1", named, "verify-full", "", true),
        ("127.0.0.1", named, "verify-full", trusted, false),
        ("127.0.0.2", unnamed, "verify-full", trusted, true),
        ("127.0.0.2", unnamed, "verify-ca", trusted, false),
        ("127.0.0.1", named, "require", "", false),
    ] {
        let url = format!("postgres://kp@{ip}:{port}/x?sslmode={mode}{roots}&connect_timeout=5");
        let out = Test::new()
            .file("kpiscope.toml", MAPPED)
            .file("ca.pem", &ca.ca_pem)
            .env("KPISCOPE_PG", &url)
            .args(&["--no-history", "eval"])
            .run();
        // The endpoint hangs up after the handshake: every run fails, and
        // only a refused certificate says so.
        out.status(2);
        says(
            &out.stderr,
            format!("cannot connect to PostgreSQL at {ip}:{port}/x as kp"),
        );
        assert_eq!(
            out.stderr
                .contains("the server's certificate is not trusted"),
            refused,
            "{ip} {mode} {roots}: {}",
            out.stderr
        );
    }
}

#[test]
fn a_stocks_last_value_is_the_same_packed_or_not() {
    let Some(db) = database("stock") else { return };
    // A stock of integers, some outside 0..2^32 (packed with their day in
    // one bigint only inside it): the month's value is its last day's.
    db.psql(
        "create table t (day date, account text, balance bigint);
         insert into t values
           ('2026-09-03', 'a', 5), ('2026-09-20', 'a', -7),
           ('2026-10-02', 'a', 10000000000), ('2026-10-09', 'a', 3),
           ('2026-10-01', 'b', -1), ('2026-10-31', 'b', 4294967296),
           ('2026-11-05', 'c', 12), ('2026-11-05', 'c', -12);",
    );
    let config = "[workspace]\ntimezone = \"UTC\"\n[metrics]\nbalance = \"last\"\n\n[[source]]\nplugin = \"postgres\"\nconnection = \"env:KPISCOPE_PG\"\ntable = \"t\"\nnetwork = \"x\"\n[source.columns]\ndate = \"day\"\naccount = \"account\"\nmetrics = { balance = \"balance\" }\n";
    let out = mapped(
        &db,
        config,
        &[
            "eval", "--grain", "month", "--by", "account", "--kpi", "balance", "--format", "json",
        ],
    );
    let value = |account: &str, period: &str| {
        out.rows()
            .iter()
            .find(|r| r["account"] == account && r["period"]["label"] == period)
            .and_then(|r| r["value"].as_f64())
    };
    assert_eq!(value("a", "2026-09"), Some(-7.0));
    assert_eq!(value("a", "2026-10"), Some(3.0));
    assert_eq!(value("b", "2026-10"), Some(4294967296.0));
    // Two values on one day: the greatest, with a warning naming both.
    assert_eq!(value("c", "2026-11"), Some(12.0));
    says(
        &out.stderr,
        "1 cells of a stock have more than one value on their day (first: x/c 2026-11-05: -12 and 12)",
    );
}
