//! `[[notify]]` checked: where one kind of alert goes. Every problem of
//! every table is reported at its place in kpiscope.toml, in one run; a
//! secret (a webhook URL's token, an SMTP password) is read from the
//! environment when the alert is sent, never kept in the model's messages.

use std::ops::Range;
use std::path::{Path, PathBuf};
use std::time::Duration;

use toml::Spanned;

use super::error::NotifyError;
use crate::limits::notify::{MAX_TIMEOUT, TIMEOUT};
use crate::workspace::Located;
use crate::workspace::raw::RawNotify;

/// One checked `[[notify]]`.
#[derive(Debug, Clone)]
pub struct Target {
    /// Unique among the workspace's targets: a stored alert is retried to
    /// the target of this name.
    pub name: String,
    pub on: On,
    /// Only these goals (empty: all).
    pub goals: Vec<String>,
    pub timeout: Duration,
    /// Certificates trusted instead of the built-in roots (absolute).
    pub ca_file: Option<PathBuf>,
    pub kind: Kind,
}

/// When a target is sent an alert.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum On {
    /// A goal's status changed, or a past figure was restated.
    Change,
    /// Any result fails (every run while it does).
    Fail,
    /// Every run: a digest of all the results.
    Always,
}

impl On {
    pub const NAMES: [&'static str; 3] = ["change", "fail", "always"];

    pub fn as_str(self) -> &'static str {
        match self {
            On::Change => "change",
            On::Fail => "fail",
            On::Always => "always",
        }
    }
}

#[derive(Debug, Clone)]
pub enum Kind {
    Webhook { url: Secret, format: Format },
    Email(Email),
}

/// The JSON a webhook is sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Slack's incoming webhooks (`text` + `blocks`); Mattermost and
    /// Rocket.Chat take it too.
    Slack,
    /// A Teams incoming webhook (Workflows): an Adaptive Card message.
    Teams,
    /// kpiscope's own, documented in docs/notify.md.
    Json,
}

impl Format {
    pub const NAMES: [&'static str; 3] = ["slack", "teams", "json"];

    pub fn as_str(self) -> &'static str {
        match self {
            Format::Slack => "slack",
            Format::Teams => "teams",
            Format::Json => "json",
        }
    }
}

/// A value given in the file, or the name of the variable that holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Secret {
    Literal(String),
    Env(String),
}

impl Secret {
    /// The value; a variable that is unset or empty is an error naming it.
    pub fn resolve(&self, target: &str) -> Result<String, NotifyError> {
        match self {
            Secret::Literal(v) => Ok(v.clone()),
            Secret::Env(var) => match std::env::var(var) {
                Ok(v) if !v.trim().is_empty() => Ok(v.trim().to_string()),
                _ => Err(NotifyError::MissingEnv {
                    target: target.to_string(),
                    var: var.clone(),
                }),
            },
        }
    }
}

/// An e-mail target: the recipients and the server that relays to them.
#[derive(Debug, Clone)]
pub struct Email {
    pub to: Vec<String>,
    pub from: String,
    pub host: String,
    pub port: u16,
    pub tls: Tls,
    /// The variables of the user and the password; without a user, no
    /// login is attempted (a relay that trusts the sender's address).
    pub user_env: String,
    pub password_env: String,
    /// Whether `user_env` was written in the file: then its variable must
    /// be set, where the default one may be left unset.
    pub user_required: bool,
}

/// How the SMTP connection is encrypted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tls {
    /// Plain connection upgraded with STARTTLS, which the server must offer
    /// (submission, port 587).
    StartTls,
    /// TLS from the first byte (port 465).
    Implicit,
    /// No encryption: a relay on the same host or network only.
    None,
}

impl Tls {
    pub const NAMES: [&'static str; 3] = ["starttls", "tls", "none"];

    fn default_port(self) -> u16 {
        match self {
            Tls::StartTls => 587,
            Tls::Implicit => 465,
            Tls::None => 25,
        }
    }
}

/// The SMTP credentials' variables when the file names none.
pub const USER_ENV: &str = "KPISCOPE_SMTP_USER";
pub const PASSWORD_ENV: &str = "KPISCOPE_SMTP_PASSWORD";

impl Target {
    /// What the target is, for messages: its name and where it sends.
    pub fn describe(&self) -> String {
        format!("`{}` ({})", self.name, self.destination())
    }

    /// Where it sends: a webhook by its host alone (its path and query
    /// hold the token), or by the variable that holds it.
    pub fn destination(&self) -> String {
        match &self.kind {
            Kind::Webhook { url, format } => match url {
                Secret::Literal(u) => format!("{} webhook, {}", format.as_str(), redact(u)),
                Secret::Env(v) => format!("{} webhook, ${v}", format.as_str()),
            },
            Kind::Email(e) => format!("e-mail to {} via {}:{}", e.to.join(", "), e.host, e.port),
        }
    }

    /// Whether this target is sent `goal`'s results and changes.
    pub fn covers(&self, goal: &str) -> bool {
        self.goals.is_empty() || self.goals.iter().any(|g| g == goal)
    }
}

/// A URL as it may be shown: its scheme and host, never its path, query
/// or credentials, where webhooks keep their tokens.
pub fn redact(url: &str) -> String {
    let (scheme, rest) = url.split_once("://").unwrap_or(("", url));
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host = authority.rsplit('@').next().unwrap_or(authority);
    if scheme.is_empty() {
        format!("{host}/…")
    } else {
        format!("{scheme}://{host}/…")
    }
}

/// Checks every `[[notify]]` table, reporting each problem into `at`.
/// `goals` are the workspace's goal ids, which `goals = [...]` must name.
pub fn check(
    raws: Vec<(Range<usize>, RawNotify)>,
    goals: &[&str],
    root: &Path,
    at: &mut Located,
) -> Vec<Target> {
    let mut out: Vec<Target> = Vec::new();
    let mut names: Vec<(String, Range<usize>)> = Vec::new();
    for (span, raw) in raws {
        let name_span = raw.name.as_ref().map_or(span.clone(), |n| n.span());
        if let Some(t) = check_one(span, raw, goals, root, at) {
            if names.iter().any(|(n, _)| *n == t.name) {
                at.error(
                    name_span.clone(),
                    format!(
                        "two [[notify]] are named `{}`: give each a `name = \"...\"` of its own (stored alerts are retried by name)",
                        t.name
                    ),
                );
            }
            names.push((t.name.clone(), name_span));
            out.push(t);
        }
    }
    out
}

fn check_one(
    span: Range<usize>,
    raw: RawNotify,
    goals: &[&str],
    root: &Path,
    at: &mut Located,
) -> Option<Target> {
    let errors_before = at.diagnostics.0.len();
    let on = match &raw.on {
        None => On::Change,
        Some(v) => match v.get_ref().as_str() {
            "change" => On::Change,
            "fail" => On::Fail,
            "always" => On::Always,
            other => {
                at.error(
                    v.span(),
                    format!(
                        "`on` is change, fail or always, not `{other}`{}",
                        crate::diagnostic::did_you_mean(other, On::NAMES)
                    ),
                );
                On::Change
            }
        },
    };
    let mut ids = Vec::new();
    for g in raw.goals.iter().flatten() {
        if goals.contains(&g.get_ref().as_str()) {
            ids.push(g.get_ref().clone());
        } else {
            let hint = crate::diagnostic::suggest(g.get_ref(), goals.iter().copied())
                .map(|s| format!("; did you mean `{s}`?"))
                .unwrap_or_else(|| "; `kpiscope list goals` shows them".into());
            at.error(
                g.span(),
                format!("no goal has the id `{}`{hint}", g.get_ref()),
            );
        }
    }
    let timeout = match &raw.timeout {
        None => TIMEOUT,
        Some(t) => match parse_duration(t.get_ref()) {
            Some(d) if !d.is_zero() && d <= MAX_TIMEOUT => d,
            Some(_) => {
                at.error(
                    t.span(),
                    format!(
                        "`timeout = \"{}\"`: a delivery's time limit is more than 0 and at most {} s",
                        t.get_ref(),
                        MAX_TIMEOUT.as_secs()
                    ),
                );
                TIMEOUT
            }
            None => {
                at.error(
                    t.span(),
                    format!(
                        "`timeout = \"{}\"` is not a duration: write it as \"10s\", \"500ms\" or \"1m\"",
                        t.get_ref()
                    ),
                );
                TIMEOUT
            }
        },
    };
    let ca_file = raw.ca_file.as_ref().and_then(|c| {
        let path = root.join(c.get_ref());
        if path.is_file() {
            Some(path)
        } else {
            at.error(
                c.span(),
                format!(
                    "`ca_file`: no file {} (paths are from the workspace's root)",
                    c.get_ref()
                ),
            );
            None
        }
    });
    let kind = match (&raw.webhook, &raw.email) {
        (Some(_), Some(e)) => {
            at.error(
                e.span(),
                "a [[notify]] sends to a `webhook` or to an `email` list, not both: write two [[notify]] tables",
            );
            None
        }
        (None, None) => {
            at.error(
                span.clone(),
                "a [[notify]] needs `webhook = \"env:VAR\"` (or a URL) or `email = [\"...\"]`",
            );
            None
        }
        (Some(w), None) => webhook(w, &raw, at),
        (None, Some(e)) => email(e, &raw, at),
    };
    let kind = kind?;
    let name = match &raw.name {
        Some(n) if n.get_ref().trim().is_empty() => {
            at.error(n.span(), "`name` is empty");
            return None;
        }
        Some(n) => n.get_ref().trim().to_string(),
        None => match &kind {
            Kind::Webhook { format, .. } => format.as_str().to_string(),
            Kind::Email(_) => "email".to_string(),
        },
    };
    // A table with a mistake is not half-used: its alerts could go where
    // they were not meant to.
    (at.diagnostics.0.len() == errors_before).then_some(Target {
        name,
        on,
        goals: ids,
        timeout,
        ca_file,
        kind,
    })
}

/// The keys of one kind that the other does not take.
const EMAIL_KEYS: [&str; 5] = ["smtp", "from", "tls", "user_env", "password_env"];

fn webhook(w: &Spanned<String>, raw: &RawNotify, at: &mut Located) -> Option<Kind> {
    for (key, value) in email_keys(raw) {
        if let Some(span) = value {
            at.error(
                span,
                format!("`{key}` is for an e-mail [[notify]]; this one is a webhook"),
            );
        }
    }
    let url = match secret(w, at)? {
        Secret::Literal(u) => {
            let lower = u.to_ascii_lowercase();
            if !(lower.starts_with("https://") || lower.starts_with("http://")) {
                at.error(
                    w.span(),
                    "`webhook` is an http(s):// URL, or `env:VAR` naming the variable that holds it",
                );
                return None;
            }
            Secret::Literal(u)
        }
        env => env,
    };
    let format = match &raw.format {
        None => Format::Json,
        Some(f) => match f.get_ref().as_str() {
            "slack" => Format::Slack,
            "teams" => Format::Teams,
            "json" => Format::Json,
            other => {
                at.error(
                    f.span(),
                    format!(
                        "`format` is slack, teams or json, not `{other}`{}",
                        crate::diagnostic::did_you_mean(other, Format::NAMES)
                    ),
                );
                return None;
            }
        },
    };
    Some(Kind::Webhook { url, format })
}

fn email_keys(raw: &RawNotify) -> [(&'static str, Option<Range<usize>>); 5] {
    let s = |v: &Option<Spanned<String>>| v.as_ref().map(|v| v.span());
    [
        (EMAIL_KEYS[0], s(&raw.smtp)),
        (EMAIL_KEYS[1], s(&raw.from)),
        (EMAIL_KEYS[2], s(&raw.tls)),
        (EMAIL_KEYS[3], s(&raw.user_env)),
        (EMAIL_KEYS[4], s(&raw.password_env)),
    ]
}

/// `env:VAR`, or the value itself.
fn secret(v: &Spanned<String>, at: &mut Located) -> Option<Secret> {
    match v.get_ref().trim().strip_prefix("env:") {
        Some(var) if is_env_name(var) => Some(Secret::Env(var.to_string())),
        Some(var) => {
            at.error(
                v.span(),
                format!("`env:{var}`: a variable's name is letters, digits and _, such as env:SLACK_WEBHOOK_URL"),
            );
            None
        }
        None => Some(Secret::Literal(v.get_ref().trim().to_string())),
    }
}

fn is_env_name(s: &str) -> bool {
    !s.is_empty()
        && !s.starts_with(|c: char| c.is_ascii_digit())
        && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

fn email(list: &Spanned<Vec<Spanned<String>>>, raw: &RawNotify, at: &mut Located) -> Option<Kind> {
    if let Some(f) = &raw.format {
        at.error(
            f.span(),
            "`format` is for a webhook; an e-mail alert is always plain text with an HTML version",
        );
    }
    if list.get_ref().is_empty() {
        at.error(list.span(), "`email` lists no recipient");
    }
    let mut to = Vec::new();
    for a in list.get_ref() {
        match address(a.get_ref()) {
            Some(addr) => to.push(addr),
            None => at.error(
                a.span(),
                format!("`{}` is not an e-mail address", a.get_ref()),
            ),
        }
    }
    let from = match &raw.from {
        None => {
            at.error(
                list.span(),
                "an e-mail [[notify]] needs `from = \"kpiscope@your-domain\"`, the sender's address",
            );
            None
        }
        Some(f) => match address(f.get_ref()) {
            Some(a) => Some(a),
            None => {
                at.error(
                    f.span(),
                    format!("`{}` is not an e-mail address", f.get_ref()),
                );
                None
            }
        },
    };
    let tls = match &raw.tls {
        None => Tls::StartTls,
        Some(t) => match t.get_ref().as_str() {
            "starttls" => Tls::StartTls,
            "tls" => Tls::Implicit,
            "none" => Tls::None,
            other => {
                at.error(
                    t.span(),
                    format!(
                        "`tls` is starttls (the default), tls or none, not `{other}`{}",
                        crate::diagnostic::did_you_mean(other, Tls::NAMES)
                    ),
                );
                Tls::StartTls
            }
        },
    };
    let server = match &raw.smtp {
        None => {
            at.error(
                list.span(),
                "an e-mail [[notify]] needs `smtp = \"host[:port]\"`, the server that relays it",
            );
            None
        }
        Some(s) => match host_port(s.get_ref(), tls.default_port()) {
            Some(hp) => Some(hp),
            None => {
                at.error(
                    s.span(),
                    format!(
                        "`smtp = \"{}\"`: write the server as host or host:port, such as smtp.example.com:587",
                        s.get_ref()
                    ),
                );
                None
            }
        },
    };
    let mut var = |v: &Option<Spanned<String>>, default: &str| match v {
        None => Some(default.to_string()),
        Some(name) if is_env_name(name.get_ref()) => Some(name.get_ref().clone()),
        Some(name) => {
            at.error(
                name.span(),
                format!(
                    "`{}` is not a variable's name: letters, digits and _, such as MY_SMTP_USER",
                    name.get_ref()
                ),
            );
            None
        }
    };
    let user_env = var(&raw.user_env, USER_ENV);
    let password_env = var(&raw.password_env, PASSWORD_ENV);
    let (host, port) = server?;
    Some(Kind::Email(Email {
        to,
        from: from?,
        host,
        port,
        tls,
        user_env: user_env?,
        password_env: password_env?,
        user_required: raw.user_env.is_some(),
    }))
}

/// A plain address (`ana@agency.com`): what SMTP's envelope takes.
fn address(s: &str) -> Option<String> {
    let s = s.trim();
    s.parse::<lettre::Address>().ok().map(|_| s.to_string())
}

/// `host` or `host:port`; `[v6]:port` for an IPv6 address.
fn host_port(s: &str, default: u16) -> Option<(String, u16)> {
    let s = s.trim();
    let (host, port) = if let Some(rest) = s.strip_prefix('[') {
        let (h, tail) = rest.split_once(']')?;
        match tail.strip_prefix(':') {
            Some(p) => (h, p.parse().ok()?),
            None if tail.is_empty() => (h, default),
            None => return None,
        }
    } else {
        match s.rsplit_once(':') {
            Some((h, p)) => (h, p.parse().ok()?),
            None => (s, default),
        }
    };
    let valid = !host.is_empty()
        && host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '_'));
    (valid && port != 0).then(|| (host.to_string(), port))
}

/// "10s", "500ms", "1m", or a bare number of seconds.
pub fn parse_duration(s: &str) -> Option<Duration> {
    let s = s.trim();
    let split = s
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(s.len());
    let (n, unit) = s.split_at(split);
    let n: f64 = n.parse().ok()?;
    let secs = match unit.trim() {
        "" | "s" => n,
        "ms" => n / 1000.0,
        "m" | "min" => n * 60.0,
        _ => return None,
    };
    (0.0..1e6)
        .contains(&secs)
        .then(|| Duration::from_secs_f64(secs))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_are_shown_without_their_tokens() {
        assert_eq!(
            redact("https://hooks.slack.com/services/T0/B0/XYZ"),
            "https://hooks.slack.com/…"
        );
        assert_eq!(
            redact("https://user:pw@example.com:8443/x?token=1"),
            "https://example.com:8443/…"
        );
    }

    #[test]
    fn durations_and_servers_are_read() {
        assert_eq!(parse_duration("10s"), Some(Duration::from_secs(10)));
        assert_eq!(parse_duration("500ms"), Some(Duration::from_millis(500)));
        assert_eq!(parse_duration("2m"), Some(Duration::from_secs(120)));
        assert_eq!(parse_duration("3"), Some(Duration::from_secs(3)));
        assert_eq!(parse_duration("soon"), None);
        assert_eq!(
            host_port("smtp.a.com", 587),
            Some(("smtp.a.com".into(), 587))
        );
        assert_eq!(
            host_port("smtp.a.com:25", 587),
            Some(("smtp.a.com".into(), 25))
        );
        assert_eq!(host_port("[::1]:2525", 587), Some(("::1".into(), 2525)));
        assert_eq!(host_port("smtp.a.com:x", 587), None);
        assert_eq!(host_port("a b", 587), None);
    }
}
