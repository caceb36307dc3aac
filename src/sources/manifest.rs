//! `plugin.toml`: a source plugin's manifest, parsed then validated.

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::diagnostic::Diagnostics;
use crate::records::{Kind, catalog::is_metric_name};
use crate::workspace::Located;

/// The manifest API version this kpiscope reads.
pub const API: u32 = 1;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawManifest {
    name: toml::Spanned<String>,
    title: Option<String>,
    version: Option<String>,
    api: toml::Spanned<u32>,
    kind: toml::Spanned<String>,
    network: Option<String>,
    input: Option<RawInput>,
    metrics: Option<BTreeMap<String, toml::Spanned<String>>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawInput {
    format: Option<String>,
    #[serde(default)]
    detect: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PluginKind {
    /// The generic CSV layout of DESIGN §3, read natively.
    Canonical,
}

#[derive(Debug, Clone)]
pub struct Manifest {
    pub name: String,
    pub title: String,
    pub version: String,
    pub kind: PluginKind,
    pub network: Option<String>,
    pub format: String,
    /// Header names that identify an export this plugin reads.
    pub detect: Vec<String>,
    pub metrics: Vec<(String, Kind)>,
}

impl Manifest {
    /// Parses `text` (shown as `file` in messages), reporting every problem.
    pub fn parse(file: &str, text: &str) -> Result<Manifest, Diagnostics> {
        let mut at = Located::new(file, text);
        let raw: RawManifest = match toml::from_str(text) {
            Ok(r) => r,
            Err(e) => {
                at.error(
                    e.span().unwrap_or(0..0),
                    e.message().trim().replace("unknown field", "unknown key"),
                );
                return Err(at.diagnostics);
            }
        };
        if *raw.api.get_ref() != API {
            at.error(
                raw.api.span(),
                format!(
                    "plugin API version {} is not supported: this kpiscope reads api = {API}",
                    raw.api.get_ref()
                ),
            );
        }
        let kind = match raw.kind.get_ref().as_str() {
            "canonical" => Some(PluginKind::Canonical),
            k @ ("table" | "rhai" | "command") => {
                at.error(
                    raw.kind.span(),
                    format!(
                        "`kind = \"{k}\"` plugins are not supported by this version of kpiscope yet"
                    ),
                );
                None
            }
            other => {
                at.error(
                    raw.kind.span(),
                    format!("unknown plugin kind `{other}`: use table, rhai or command"),
                );
                None
            }
        };
        let mut metrics = Vec::new();
        for (name, kind) in raw.metrics.unwrap_or_default() {
            match Kind::parse(kind.get_ref()) {
                Some(k) if is_metric_name(&name) => metrics.push((name, k)),
                Some(_) => at.error(
                    kind.span(),
                    format!("metric name `{name}` must be snake_case"),
                ),
                None => at.error(
                    kind.span(),
                    "a metric's kind is one of sum, last, max, min, mean",
                ),
            }
        }
        let input = raw.input.unwrap_or(RawInput {
            format: None,
            detect: Vec::new(),
        });
        match (kind, at.diagnostics.is_empty()) {
            (Some(kind), true) => Ok(Manifest {
                title: raw.title.unwrap_or_else(|| raw.name.get_ref().clone()),
                name: raw.name.into_inner(),
                version: raw.version.unwrap_or_else(|| "0.0.0".into()),
                kind,
                network: raw.network,
                format: input.format.unwrap_or_else(|| "csv".into()),
                detect: input.detect,
                metrics,
            }),
            _ => Err(at.diagnostics),
        }
    }
}
