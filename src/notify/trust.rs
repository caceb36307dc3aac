//! The certificates a target trusts: the Mozilla roots built into kpiscope
//! (the same on every machine, nothing to install), or instead the PEM file
//! of `ca_file`, else of the `SSL_CERT_FILE` variable (a company's own CA,
//! a test server's).

use std::path::PathBuf;

use super::error::NotifyError;
use super::target::Target;

/// The variable naming a PEM bundle trusted instead of the built-in roots,
/// as OpenSSL and curl read it.
pub const CERT_FILE_ENV: &str = "SSL_CERT_FILE";

/// The PEM text to trust instead of the built-in roots, if any.
pub fn custom_roots(target: &Target) -> Result<Option<Vec<u8>>, NotifyError> {
    let path = match &target.ca_file {
        Some(p) => p.clone(),
        None => match std::env::var_os(CERT_FILE_ENV) {
            Some(p) if !p.is_empty() => PathBuf::from(p),
            _ => return Ok(None),
        },
    };
    let err = |reason: String| NotifyError::CaFile {
        target: target.name.clone(),
        path: path.clone(),
        reason,
    };
    let pem = std::fs::read(&path).map_err(|e| err(e.to_string()))?;
    if !String::from_utf8_lossy(&pem).contains("-----BEGIN CERTIFICATE-----") {
        return Err(err("no PEM certificate in it".into()));
    }
    Ok(Some(pem))
}

/// `reason` with what to do when it is a certificate that was not
/// trusted: the server's CA is not among the built-in roots.
pub fn hint(reason: String) -> String {
    if reason.contains("UnknownIssuer") || reason.contains("certificate") {
        format!(
            "{reason} (a server whose certificate comes from a company's own CA: give its PEM file as `ca_file`, or in {CERT_FILE_ENV})"
        )
    } else if reason.contains("InvalidContentType") || reason.contains("corrupt message") {
        format!(
            "{reason} (the server did not answer in TLS: is its URL http:// rather than https://?)"
        )
    } else {
        reason
    }
}
