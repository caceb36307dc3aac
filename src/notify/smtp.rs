//! An e-mail alert over SMTP, with `lettre`'s blocking transport: STARTTLS
//! required by default (a server that does not offer it is an error, never
//! a silent fall back to plain text), the login from the environment.

use lettre::Transport;
use lettre::address::{Address, Envelope};
use lettre::transport::smtp::SmtpTransport;
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Certificate, CertificateStore, Tls, TlsParameters};

use super::error::NotifyError;
use super::target::{self, Email, Target};
use super::trust;

/// Sends `message` (RFC 5322, as built by `payload::email`) to the
/// target's recipients within its timeout.
pub fn send(target: &Target, e: &Email, message: &str) -> Result<(), NotifyError> {
    let name = target.describe();
    let fail = |reason: String| NotifyError::Send {
        target: name.clone(),
        reason,
    };
    let credentials = credentials(&name, e)?;
    let params = || -> Result<TlsParameters, NotifyError> {
        let mut b = TlsParameters::builder(e.host.clone());
        if let Some(pem) = trust::custom_roots(target)? {
            let cert = Certificate::from_pem(&pem).map_err(|err| NotifyError::CaFile {
                target: target.name.clone(),
                path: target.ca_file.clone().unwrap_or_default(),
                reason: err.to_string(),
            })?;
            b = b
                .certificate_store(CertificateStore::None)
                .add_root_certificate(cert);
        }
        b.build_rustls()
            .map_err(|err| fail(format!("TLS set-up: {err}")))
    };
    let tls = match e.tls {
        target::Tls::StartTls => Tls::Required(params()?),
        target::Tls::Implicit => Tls::Wrapper(params()?),
        target::Tls::None => Tls::None,
    };
    let mut builder = SmtpTransport::builder_dangerous(e.host.as_str())
        .port(e.port)
        .tls(tls)
        .timeout(Some(target.timeout));
    if let Some(c) = credentials {
        builder = builder.credentials(c);
    }
    let transport = builder.build();
    let parse = |a: &str| {
        a.parse::<Address>()
            .map_err(|err| fail(format!("`{a}`: {err}")))
    };
    let to =
        e.to.iter()
            .map(|a| parse(a))
            .collect::<Result<Vec<_>, _>>()?;
    let envelope = Envelope::new(Some(parse(&e.from)?), to).map_err(|err| fail(err.to_string()))?;
    transport
        .send_raw(&envelope, message.as_bytes())
        .map(|_| ())
        .map_err(|err| {
            if err.is_timeout() {
                NotifyError::Timeout {
                    target: name.clone(),
                    seconds: target.timeout.as_secs_f64(),
                }
            } else {
                fail(trust::hint(format!(
                    "the SMTP server {}:{}: {err}",
                    e.host, e.port
                )))
            }
        })
}

/// The login, when its user's variable is set; a user without a password
/// is an error rather than an attempt that the server refuses.
fn credentials(name: &str, e: &Email) -> Result<Option<Credentials>, NotifyError> {
    let user = match std::env::var(&e.user_env) {
        Ok(u) if !u.is_empty() => u,
        _ if e.user_required => {
            return Err(NotifyError::MissingEnv {
                target: name.to_string(),
                var: e.user_env.clone(),
            });
        }
        _ => return Ok(None),
    };
    match std::env::var(&e.password_env) {
        Ok(p) if !p.is_empty() => Ok(Some(Credentials::new(user, p))),
        _ => Err(NotifyError::MissingPassword {
            target: name.to_string(),
            user: e.user_env.clone(),
            password: e.password_env.clone(),
        }),
    }
}
