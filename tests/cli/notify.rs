//! Alerts (`[[notify]]`): the real binary sends to real servers on
//! 127.0.0.1 started by the tests (`crate::servers`), with the real SQLite
//! store as its outbox.
//!
//! The fixture is [`crate::history`]'s: goals `sep` (ERR of 2026-09, 3.2%,
//! warn) and `aug` (2026-08, 3%, warn). Re-downloading the export makes
//! `sep` 4.2% (pass): a restated figure whose status changed, so one change
//! for an `on = "change"` target. A goal `fails` (`aug` with a target of
//! 5%) fails on every run.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use crate::goals::DATA;
use crate::harness::{Output, workspace};
use crate::servers::{Http, Smtp};

const STORE: &str = ".kpiscope/history.db";

const FAILS: &str =
    "\n[[goal]]\nid = \"fails\"\nkpi = \"err\"\nperiod = \"2026-08\"\ntarget = \">= 5\"\n";

fn fixture(notify: &str, goals: &str) -> PathBuf {
    let config = format!("{}{goals}\n{notify}", crate::history::config(""));
    workspace(&[("kpiscope.toml", &config), ("data.csv", DATA)])
}

fn kp(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut c = Command::new(env!("CARGO_BIN_EXE_kpiscope"));
    c.args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env_remove("KPISCOPE_SMTP_USER")
        .env_remove("KPISCOPE_SMTP_PASSWORD")
        .env_remove("SSL_CERT_FILE")
        .env_remove("http_proxy")
        .env_remove("HTTP_PROXY")
        .env_remove("ALL_PROXY");
    for (k, v) in env {
        c.env(k, v);
    }
    crate::history::output_of(dir, c)
}

/// The rows of the `delivery` table, through the sqlite3 command line
/// when it is installed (the schema is for other tools too), else rusqlite:
/// `id|target|attempts|last_error|sent?`.
fn deliveries(dir: &Path) -> Vec<String> {
    let q = "SELECT id, target, attempts, COALESCE(last_error, ''), sent_at IS NOT NULL FROM delivery ORDER BY id;";
    if let Ok(out) = Command::new("sqlite3").arg(dir.join(STORE)).arg(q).output() {
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        return String::from_utf8_lossy(&out.stdout)
            .lines()
            .map(str::to_string)
            .collect();
    }
    let conn = rusqlite::Connection::open(dir.join(STORE)).expect("open");
    let mut stmt = conn.prepare(q).expect("prepare");
    stmt.query_map([], |r| {
        Ok(format!(
            "{}|{}|{}|{}|{}",
            r.get::<_, i64>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, i64>(2)?,
            r.get::<_, String>(3)?,
            r.get::<_, i64>(4)?
        ))
    })
    .expect("query")
    .collect::<Result<_, _>>()
    .expect("rows")
}

#[test]
fn a_status_change_sends_one_slack_alert_and_no_change_sends_none() {
    let http = Http::start();
    let dir = fixture(
        "[[notify]]\nname = \"team-slack\"\nwebhook = \"env:TEST_SLACK_HOOK\"\nformat = \"slack\"\n",
        "",
    );
    let hook = http.url("/services/T000/B000/SECRET-TOKEN");
    let env = [("TEST_SLACK_HOOK", hook.as_str())];
    // The first run has nothing to compare with: no change, no alert.
    kp(&dir, &["check"], &env).status(0);
    assert_eq!(http.requests().len(), 0);

    crate::history::redownload(&dir);
    let out = kp(&dir, &["check"], &env);
    out.status(0);
    assert!(
        out.stderr
            .contains("sent alert to `team-slack` (slack webhook, $TEST_SLACK_HOOK)"),
        "{}",
        out.stderr
    );
    let reqs = http.requests();
    assert_eq!(reqs.len(), 1);
    let r = &reqs[0];
    assert_eq!(r.method, "POST");
    assert_eq!(r.path, "/services/T000/B000/SECRET-TOKEN");
    assert_eq!(r.header("content-type"), Some("application/json"));
    let body = r.json();
    assert_eq!(body["text"], "kpiscope: 1 goal changed in Goals test");
    let blocks = body["blocks"].as_array().expect("blocks");
    assert_eq!(blocks[0]["type"], "header");
    assert_eq!(
        blocks[0]["text"]["text"],
        "kpiscope: 1 goal changed in Goals test"
    );
    assert_eq!(blocks[1]["type"], "section");
    let text = blocks[1]["text"]["text"].as_str().expect("text");
    assert!(
        text.starts_with("*Changes since the last run*\n• "),
        "{text}"
    );
    assert!(
        text.contains("sep 2026-09: restated: 3.2% → 4.2%; warn → pass"),
        "{text}"
    );
    assert!(text.contains("inputs: data.csv changed"), "{text}");
    let footer = blocks.last().expect("footer")["elements"][0]["text"]
        .as_str()
        .expect("footer");
    assert!(
        footer.starts_with("run 2 · data as of 2026-10-15 · 1 pass, 1 warn, 0 fail"),
        "{footer}"
    );

    // Nothing changed since: nothing sent.
    kp(&dir, &["check"], &env).status(0);
    assert_eq!(http.requests().len(), 1);
    assert_eq!(deliveries(&dir), vec!["1|team-slack|0||1"]);
}

#[test]
fn on_fail_sends_the_generic_json_on_each_failing_run() {
    let http = Http::start();
    let dir = fixture(
        &format!(
            "[[notify]]\nwebhook = \"{}\"\non = \"fail\"\ngoals = [\"fails\", \"sep\"]\n",
            http.url("/alerts")
        ),
        FAILS,
    );
    kp(&dir, &["check"], &[]).status(1);
    kp(&dir, &["check"], &[]).status(1);
    let reqs = http.requests();
    assert_eq!(reqs.len(), 2);
    for (i, r) in reqs.iter().enumerate() {
        let b = r.json();
        assert_eq!(b["kpiscope_alert"], 1);
        assert_eq!(b["workspace"], "Goals test");
        assert_eq!(b["run"], i as i64 + 1);
        assert_eq!(b["on"], "fail");
        assert_eq!(b["as_of"], "2026-10-15");
        assert_eq!(b["summary"], "kpiscope: 1 goal failing in Goals test");
        let failing = b["failing"].as_array().expect("failing");
        assert_eq!(failing.len(), 1);
        assert_eq!(failing[0]["goal"], "fails");
        assert_eq!(failing[0]["period"], "2026-08");
        assert_eq!(failing[0]["status"], "fail");
        assert_eq!(failing[0]["unit"], "%");
        assert!((failing[0]["value"].as_f64().expect("value") - 3.0).abs() < 1e-9);
        // `goals` narrows: `aug` warns but is not this target's.
        assert_eq!(b["counts"]["pass"], 0);
        assert_eq!(b["counts"]["warn"], 1);
        assert_eq!(b["counts"]["fail"], 1);
        assert_eq!(b["changes"].as_array().expect("changes").len(), 0);
    }
    // --no-notify: a dry run sends nothing.
    kp(&dir, &["check", "--no-notify"], &[]).status(1);
    assert_eq!(http.requests().len(), 2);
}

#[test]
fn a_failing_server_keeps_the_alert_and_the_next_run_delivers_it() {
    let http = Http::start();
    http.answer(500);
    let dir = fixture(
        &format!(
            "[[notify]]\nname = \"ops\"\nwebhook = \"{}\"\nformat = \"teams\"\non = \"always\"\n",
            http.url("/webhookb2/SECRET-TOKEN?sig=SECRET-SIG")
        ),
        "",
    );
    let out = kp(&dir, &["check"], &[]);
    // The check's own exit code: its goals warn, none fails.
    out.status(0);
    assert!(out.stdout.contains("sep"), "{}", out.stdout);
    assert!(
        out.stderr.contains(
            "warning: an alert was not delivered: `ops` (teams webhook, http://127.0.0.1:"
        ),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains("the server answered HTTP 500: server on fire; kept, and retried by the next run (attempt 1 of 5)"),
        "{}",
        out.stderr
    );
    assert!(!out.stderr.contains("SECRET"), "{}", out.stderr);
    let rows = deliveries(&dir);
    assert_eq!(rows.len(), 1);
    assert!(rows[0].starts_with("1|ops|1|"), "{rows:?}");
    assert!(rows[0].ends_with("|0"), "not sent: {rows:?}");
    assert!(rows[0].contains("HTTP 500"), "{rows:?}");
    assert!(!rows[0].contains("SECRET"), "{rows:?}");

    // Asked: a failed delivery fails the run.
    let out = kp(&dir, &["check", "--fail-on", "notify"], &[]);
    out.status(1);
    // The kept alert was retried and failed again; this run's own was not
    // tried against a server that just failed, and is kept.
    assert!(
        out.stderr.contains("(attempt 2 of 5)")
            && out.stderr.contains(
                "1 more alert to `ops` not tried after its failure: kept for the next run"
            ),
        "{}",
        out.stderr
    );
    let rows = deliveries(&dir);
    assert_eq!(rows.len(), 2);
    assert!(rows[0].starts_with("1|ops|2|"), "{rows:?}");
    assert!(rows[1].starts_with("2|ops|0||0"), "{rows:?}");

    http.answer(200);
    let out = kp(&dir, &["check"], &[]);
    out.status(0);
    assert!(
        out.stderr.contains("sent an earlier alert to `ops`"),
        "{}",
        out.stderr
    );
    // The two kept alerts first (oldest first), then this run's.
    let rows = deliveries(&dir);
    assert_eq!(rows.len(), 3, "{rows:?}");
    assert!(rows.iter().all(|r| r.ends_with("|1")), "all sent: {rows:?}");
    let reqs = http.requests();
    // 1 + 1 failed, then 3 delivered.
    assert_eq!(reqs.len(), 5);
    let runs: Vec<String> = reqs[2..]
        .iter()
        .map(|r| {
            let b = r.json();
            let card = &b["attachments"][0]["content"];
            assert_eq!(card["type"], "AdaptiveCard");
            assert_eq!(
                b["attachments"][0]["contentType"],
                "application/vnd.microsoft.card.adaptive"
            );
            card["body"]
                .as_array()
                .expect("body")
                .last()
                .expect("footer")["text"]
                .as_str()
                .expect("text")
                .split(" · ")
                .next()
                .expect("run")
                .to_string()
        })
        .collect();
    assert_eq!(runs, vec!["run 1", "run 2", "run 3"]);
}

#[test]
fn a_hanging_webhook_is_cut_by_its_timeout() {
    let http = Http::start();
    http.hang(Duration::from_secs(30));
    let dir = fixture(
        &format!(
            "[[notify]]\nwebhook = \"{}\"\non = \"always\"\ntimeout = \"1s\"\n",
            http.url("/slow")
        ),
        "",
    );
    let start = Instant::now();
    let out = kp(&dir, &["check"], &[]);
    out.status(0);
    assert!(
        start.elapsed() < Duration::from_secs(15),
        "{:?}",
        start.elapsed()
    );
    assert!(
        out.stderr
            .contains("`json` (json webhook, http://127.0.0.1:"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains("no answer within 1 s (its `timeout`)"),
        "{}",
        out.stderr
    );
    assert_eq!(http.requests().len(), 1);
    assert!(deliveries(&dir)[0].starts_with("1|json|1|"));
}

#[test]
fn without_history_alerts_are_sent_but_a_failure_is_not_retried() {
    let http = Http::start();
    let dir = fixture(
        "[[notify]]\nwebhook = \"env:TEST_HOOK\"\non = \"always\"\n",
        "",
    );
    let url = http.url("/h");
    kp(
        &dir,
        &["check", "--no-history"],
        &[("TEST_HOOK", url.as_str())],
    )
    .status(0);
    assert_eq!(http.requests().len(), 1);
    assert_eq!(http.requests()[0].json()["run"], serde_json::Value::Null);
    assert!(!dir.join(".kpiscope").exists());
    // A server that fails: the target is named by the variable and by the
    // host of the URL it held, never by its path.
    http.answer(500);
    let secret = http.url("/hook/SECRET");
    let out = kp(
        &dir,
        &["check", "--no-history"],
        &[("TEST_HOOK", secret.as_str())],
    );
    assert!(
        out.stderr
            .contains("`json` (json webhook, $TEST_HOOK) at http://127.0.0.1:"),
        "{}",
        out.stderr
    );
    assert!(!out.stderr.contains("SECRET"), "{}", out.stderr);
    // The variable unset: said by name, and not retried.
    let out = kp(&dir, &["check", "--no-history"], &[]);
    out.status(0);
    assert!(
        out.stderr.contains("the environment variable TEST_HOOK is not set (or empty): export it where kpiscope runs; it will not be retried (--no-history keeps no outbox)"),
        "{}",
        out.stderr
    );
}

#[test]
fn email_goes_over_starttls_with_the_login_from_the_environment() {
    let smtp = Smtp::start();
    let dir = fixture(
        &format!(
            "[[notify]]\nemail = [\"ana@agency.example\", \"bo@agency.example\"]\nsmtp = \"127.0.0.1:{}\"\nfrom = \"kpiscope@agency.example\"\non = \"fail\"\nca_file = \"ca.pem\"\ntimeout = \"5s\"\n",
            smtp.port
        ),
        FAILS,
    );
    std::fs::write(dir.join("ca.pem"), &smtp.ca.ca_pem).expect("ca");
    let env = [
        ("KPISCOPE_SMTP_USER", "kpiscope-bot"),
        ("KPISCOPE_SMTP_PASSWORD", "s3cret"),
    ];
    let out = kp(&dir, &["check"], &env);
    out.status(1);
    assert!(
        out.stderr.contains(
            "sent alert to `email` (e-mail to ana@agency.example, bo@agency.example via 127.0.0.1:"
        ),
        "{}",
        out.stderr
    );
    let mails = smtp.mails();
    assert_eq!(mails.len(), 1);
    let m = &mails[0];
    assert!(m.tls, "the message came after STARTTLS");
    assert_eq!(m.login, Some(("kpiscope-bot".into(), "s3cret".into())));
    assert_eq!(m.from, "kpiscope@agency.example");
    assert_eq!(m.to, vec!["ana@agency.example", "bo@agency.example"]);
    assert_eq!(
        m.header("Subject").as_deref(),
        Some("kpiscope: 1 goal failing in Goals test")
    );
    assert_eq!(m.header("From").as_deref(), Some("kpiscope@agency.example"));
    assert_eq!(
        m.header("To").as_deref(),
        Some("ana@agency.example, bo@agency.example")
    );
    assert_eq!(
        m.header("Auto-Submitted").as_deref(),
        Some("auto-generated")
    );
    assert!(m.header("Date").is_some());
    assert!(
        m.header("Content-Type")
            .is_some_and(|c| c.starts_with("multipart/alternative")),
        "{}",
        m.data
    );
    let text = m.text();
    assert!(
        text.contains("Content-Type: text/plain; charset=utf-8"),
        "{text}"
    );
    assert!(
        text.contains("Failing now:\r\n- 🔴 fails 2026-08: fail at 3%"),
        "{text}"
    );
    assert!(
        text.contains("Content-Type: text/html; charset=utf-8"),
        "{text}"
    );
    assert!(text.contains("<li>🔴 fails 2026-08: fail at 3%"), "{text}");
    // The password is in no file kpiscope wrote.
    let conn = rusqlite::Connection::open(dir.join(STORE)).expect("open");
    let payload: String = conn
        .query_row("SELECT payload FROM delivery", [], |r| r.get(0))
        .expect("payload");
    assert!(
        payload.contains("Subject: kpiscope: 1 goal failing"),
        "{payload}"
    );
    assert!(!payload.contains("s3cret"));
}

#[test]
fn an_smtp_server_refusing_the_recipient_is_reported_and_retried() {
    let smtp = Smtp::start();
    smtp.refuse_recipients(true);
    let dir = fixture(
        &format!(
            "[[notify]]\nname = \"client\"\nemail = [\"ana@agency.example\"]\nsmtp = \"127.0.0.1:{}\"\nfrom = \"kpiscope@agency.example\"\non = \"always\"\n",
            smtp.port
        ),
        "",
    );
    std::fs::write(dir.join("ca.pem"), &smtp.ca.ca_pem).expect("ca");
    let ca = dir.join("ca.pem");
    let env = [("SSL_CERT_FILE", ca.to_str().expect("path"))];
    let out = kp(&dir, &["check"], &env);
    out.status(0);
    assert!(
        out.stderr
            .contains("permanent error (550): 5.1.1 no such mailbox here"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr
            .contains("retried by the next run (attempt 1 of 5)"),
        "{}",
        out.stderr
    );
    assert!(smtp.mails().is_empty());
    let rows = deliveries(&dir);
    assert!(
        rows[0].starts_with("1|client|1|") && rows[0].ends_with("|0"),
        "{rows:?}"
    );
    assert!(rows[0].contains("550"), "{rows:?}");

    smtp.refuse_recipients(false);
    kp(&dir, &["check"], &env).status(0);
    let mails = smtp.mails();
    assert_eq!(mails.len(), 2, "the kept alert, then this run's");
    assert!(mails.iter().all(|m| m.tls && m.login.is_none()));
    assert!(deliveries(&dir).iter().all(|r| r.ends_with("|1")));
}

#[test]
fn a_certificate_of_an_unknown_ca_is_refused() {
    let smtp = Smtp::start();
    let dir = fixture(
        &format!(
            "[[notify]]\nemail = [\"ana@agency.example\"]\nsmtp = \"127.0.0.1:{}\"\nfrom = \"kpiscope@agency.example\"\non = \"always\"\ntimeout = \"5s\"\n",
            smtp.port
        ),
        "",
    );
    // The test CA is not trusted: the built-in roots do not know it.
    let out = kp(&dir, &["check"], &[]);
    out.status(0);
    assert!(
        out.stderr.contains("an alert was not delivered: `email`"),
        "{}",
        out.stderr
    );
    assert!(smtp.mails().is_empty());
}

#[test]
fn bad_notify_tables_are_each_reported_at_their_place() {
    let dir = fixture(
        "[[notify]]\nwebhook = \"env:HOOK\"\nformat = \"slak\"\n\n[[notify]]\nwebhook = \"ftp://x\"\nemail = [\"a@b.c\"]\n\n[[notify]]\nemail = [\"not an address\"]\nsmtp = \"smtp.example.com:587\"\nfrom = \"k@example.com\"\non = \"sometimes\"\ngoals = [\"sepp\"]\ntimeout = \"forever\"\n\n[[notify]]\nwebhok = \"x\"\n",
        "",
    );
    let out = kp(&dir, &["check"], &[]);
    out.status(2);
    for want in [
        "kpiscope.toml:25:10: `format` is slack",
        "kpiscope.toml:40:1: [[notify]]: unknown key `webhok`",
        "`format` is slack, teams or json, not `slak`; did you mean \"slack\"?",
        "a [[notify]] sends to a `webhook` or to an `email` list, not both",
        "`not an address` is not an e-mail address",
        "`on` is change, fail or always, not `sometimes`",
        "no goal has the id `sepp`; did you mean `sep`?",
        "`timeout = \"forever\"` is not a duration",
        "[[notify]]: unknown key `webhok`",
    ] {
        assert!(out.stderr.contains(want), "{want}\n{}", out.stderr);
    }
    let twins = fixture(
        "[[notify]]\nwebhook = \"env:A\"\n\n[[notify]]\nwebhook = \"env:B\"\n",
        "",
    );
    kp(&twins, &["check"], &[]).fails_with("two [[notify]] are named `json`");
}

#[test]
fn notify_lists_the_targets_and_test_sends_each_a_sample() {
    let http = Http::start();
    let dir = fixture(
        &format!(
            "[[notify]]\nname = \"chat\"\nwebhook = \"{}\"\nformat = \"slack\"\ngoals = [\"sep\"]\n\n[[notify]]\nname = \"down\"\nwebhook = \"http://127.0.0.1:9/x\"\non = \"always\"\n",
            http.url("/chat")
        ),
        "",
    );
    // `down` refuses: its alert is kept, and listed.
    kp(&dir, &["check"], &[]).status(0);
    let list = kp(&dir, &["notify"], &[]);
    list.status(0);
    let lines: Vec<&str> = list.stdout.lines().collect();
    assert!(lines[0].starts_with("name"), "{}", list.stdout);
    assert!(
        lines[1].starts_with("chat")
            && lines[1].contains("change")
            && lines[1].contains("sep")
            && lines[1].ends_with('0'),
        "{}",
        list.stdout
    );
    assert!(
        lines[2].starts_with("down") && lines[2].contains("always") && lines[2].ends_with('1'),
        "{}",
        list.stdout
    );

    let out = kp(&dir, &["notify", "--test", "chat"], &[]);
    out.status(0);
    assert!(
        out.stderr.contains("sent a test alert to `chat`"),
        "{}",
        out.stderr
    );
    let reqs = http.requests();
    assert_eq!(reqs.len(), 1);
    assert_eq!(
        reqs[0].json()["text"],
        "kpiscope: a test alert from Goals test"
    );
    // Nothing stored for a test.
    assert_eq!(deliveries(&dir).len(), 1);

    let out = kp(&dir, &["notify", "--test"], &[]);
    out.status(1);
    assert!(
        out.stderr
            .contains("the test alert was not delivered: `down`"),
        "{}",
        out.stderr
    );
    kp(&dir, &["notify", "chta"], &[])
        .fails_with("no [[notify]] is named `chta`; did you mean `chat`?");
}

#[test]
fn an_https_webhook_is_trusted_through_its_ca_file_only() {
    let ca = crate::servers::TestCa::new();
    let https = Http::start_tls(&ca);
    let url = https.url("/hook");
    assert!(url.starts_with("https://127.0.0.1:"));
    let dir = fixture(
        &format!(
            "[[notify]]\nname = \"trusted\"\nwebhook = \"{url}\"\non = \"always\"\nca_file = \"ca.pem\"\n\n[[notify]]\nname = \"untrusted\"\nwebhook = \"{url}\"\non = \"always\"\n"
        ),
        "",
    );
    std::fs::write(dir.join("ca.pem"), &ca.ca_pem).expect("ca");
    let out = kp(&dir, &["check"], &[]);
    out.status(0);
    assert!(
        out.stderr.contains("sent alert to `trusted`"),
        "{}",
        out.stderr
    );
    // The built-in roots do not know the test CA: no request is made.
    assert!(
        out.stderr.contains("an alert was not delivered: `untrusted`")
            && out.stderr.contains("invalid peer certificate: UnknownIssuer (a server whose certificate comes from a company's own CA: give its PEM file as `ca_file`, or in SSL_CERT_FILE)"),
        "{}",
        out.stderr
    );
    let reqs = https.requests();
    assert_eq!(reqs.len(), 1);
    assert_eq!(reqs[0].json()["kpiscope_alert"], 1);
}

/// An e-mail target on `server`, with `extra` lines.
fn email_target(port: u16, extra: &str) -> String {
    format!(
        "[[notify]]\nemail = [\"ana@agency.example\"]\nsmtp = \"127.0.0.1:{port}\"\nfrom = \"kpiscope@agency.example\"\non = \"always\"\ntimeout = \"5s\"\nca_file = \"ca.pem\"\n{extra}"
    )
}

#[test]
fn starttls_is_required_unless_tls_is_none_and_tls_speaks_it_from_the_start() {
    use crate::servers::SmtpTls;
    // A server that does not offer STARTTLS: nothing is sent in plain text.
    let plain = Smtp::start_with(SmtpTls::Plain);
    let dir = fixture(&email_target(plain.port, ""), "");
    std::fs::write(dir.join("ca.pem"), &plain.ca.ca_pem).expect("ca");
    let out = kp(&dir, &["check"], &[]);
    out.status(0);
    assert!(
        out.stderr.contains("an alert was not delivered: `email`"),
        "{}",
        out.stderr
    );
    assert!(plain.mails().is_empty());
    // Unless asked: a relay on the same host.
    let dir = fixture(&email_target(plain.port, "tls = \"none\"\n"), "");
    std::fs::write(dir.join("ca.pem"), &plain.ca.ca_pem).expect("ca");
    kp(&dir, &["check"], &[]).status(0);
    let mails = plain.mails();
    assert_eq!(mails.len(), 1);
    assert!(!mails[0].tls);

    // tls = "tls": TLS from the first byte (port 465's way).
    let implicit = Smtp::start_with(SmtpTls::Implicit);
    let dir = fixture(&email_target(implicit.port, "tls = \"tls\"\n"), "");
    std::fs::write(dir.join("ca.pem"), &implicit.ca.ca_pem).expect("ca");
    let out = kp(&dir, &["check"], &[]);
    out.status(0);
    assert!(
        out.stderr.contains("sent alert to `email`"),
        "{}",
        out.stderr
    );
    let mails = implicit.mails();
    assert_eq!(mails.len(), 1);
    assert!(mails[0].tls);
}

#[test]
fn a_kept_alert_is_not_sent_to_a_target_renamed_onto_another_kind() {
    let dir = fixture(
        "[[notify]]\nname = \"ops\"\nwebhook = \"http://127.0.0.1:9/down\"\non = \"always\"\n",
        "",
    );
    kp(&dir, &["check"], &[]).status(0);
    let smtp = Smtp::start();
    let config = std::fs::read_to_string(dir.join("kpiscope.toml")).expect("config");
    let at = config.find("[[notify]]").expect("notify");
    let config = format!(
        "{}[[notify]]\nname = \"ops\"\n{}",
        &config[..at],
        email_target(smtp.port, "").replacen("[[notify]]\n", "", 1)
    );
    std::fs::write(dir.join("kpiscope.toml"), config).expect("config");
    std::fs::write(dir.join("ca.pem"), &smtp.ca.ca_pem).expect("ca");
    let out = kp(&dir, &["check"], &[]);
    out.status(0);
    assert!(
        out.stderr.contains(
            "an alert kept for `ops` is not retried: it was made for a target of another kind"
        ),
        "{}",
        out.stderr
    );
    // Only this run's own alert went, as an e-mail.
    assert_eq!(smtp.mails().len(), 1);
    let rows = deliveries(&dir);
    assert!(
        rows[0].starts_with("1|ops|1|") && rows[0].ends_with("|0"),
        "{rows:?}"
    );
    assert!(rows[1].ends_with("|1"), "{rows:?}");
}
