//! A webhook's POST, over `ureq` (blocking, rustls): a run sends its few
//! alerts one after the other, so an async runtime would buy nothing.

use std::io::Read;

use super::error::NotifyError;
use super::target::{Secret, Target, redact};
use super::trust;
use crate::limits::notify::ERROR_BODY_BYTES;

/// POSTs `body` (JSON) to the target's URL within its timeout; any answer
/// but a 2xx is a failure, with the start of what the server said.
pub fn post(target: &Target, secret: &Secret, body: &str) -> Result<(), NotifyError> {
    let name = target.describe();
    let url = secret.resolve(&name)?;
    // A URL from the environment is named by its host too, once read.
    let name = match secret {
        Secret::Env(_) => format!("{name} at {}", redact(&url)),
        Secret::Literal(_) => name,
    };
    let lower = url.to_ascii_lowercase();
    if !(lower.starts_with("https://") || lower.starts_with("http://")) {
        // A URL in the file was checked when the workspace loaded.
        let var = match secret {
            Secret::Env(var) => var.clone(),
            Secret::Literal(_) => "webhook".into(),
        };
        return Err(NotifyError::NotAUrl { target: name, var });
    }
    let mut tls = ureq::tls::TlsConfig::builder();
    if let Some(pem) = trust::custom_roots(target)? {
        let certs: Vec<ureq::tls::Certificate<'static>> = ureq::tls::parse_pem(&pem)
            .filter_map(|item| match item {
                Ok(ureq::tls::PemItem::Certificate(c)) => Some(c),
                _ => None,
            })
            .collect();
        tls = tls.root_certs(ureq::tls::RootCerts::new_with_certs(&certs));
    }
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(target.timeout))
        // A status is an answer to read, not an error without its body.
        .http_status_as_error(false)
        // A webhook that moved is a configuration to fix; following it
        // would POST the alert somewhere it was not sent.
        .max_redirects(0)
        .user_agent(concat!("kpiscope/", env!("CARGO_PKG_VERSION")))
        .tls_config(tls.build())
        .build()
        .into();
    let scrub = |s: String| scrub(&s, &url);
    let response = agent
        .post(&url)
        .header("Content-Type", "application/json")
        .send(body)
        .map_err(|e| match e {
            ureq::Error::Timeout(_) => NotifyError::Timeout {
                target: name.clone(),
                seconds: target.timeout.as_secs_f64(),
            },
            e => NotifyError::Send {
                target: name.clone(),
                reason: trust::hint(scrub(e.to_string())),
            },
        })?;
    let status = response.status().as_u16();
    if (200..300).contains(&status) {
        return Ok(());
    }
    let mut head = Vec::new();
    let _ = response
        .into_body()
        .into_reader()
        .take(ERROR_BODY_BYTES as u64)
        .read_to_end(&mut head);
    let text: String = String::from_utf8_lossy(&head)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    Err(NotifyError::Status {
        target: name,
        status,
        body: match text.is_empty() {
            true => String::new(),
            false => format!(": {}", scrub(text)),
        },
    })
}

/// `text` with the URL (and its path, where tokens are) replaced by its
/// redacted form: an error's words may quote what was asked.
pub fn scrub(text: &str, url: &str) -> String {
    let mut out = text.replace(url, &redact(url));
    if let Some((_, rest)) = url.split_once("://")
        && let Some(i) = rest.find(['/', '?'])
        && rest.len() - i > 1
    {
        out = out.replace(&rest[i..], "/…");
    }
    out
}
