//! KPI titles for people: `Taux d'engagement par portée (ERR)`, not `err`.
//! A standard library KPI is titled by the language file (`kpi.err`); a
//! workspace's own KPI (or its override of a standard one, which may
//! compute something else) by its doc comment's title; a name with neither
//! (a metric a goal reads directly) by the language file's `metric.NAME`,
//! else as written.

use crate::kpi::library::Library;

use super::Locale;

/// The title of KPI (or metric) `kpi_name` in `locale`.
pub fn title_of(library: &Library, kpi_name: &str, locale: &Locale) -> String {
    match library.get(kpi_name) {
        Some(k) if k.standard && !k.overrides => locale.kpi_title(kpi_name, Some(&k.title), true),
        Some(k) => locale.kpi_title(kpi_name, Some(&k.title), false),
        None => locale.kpi_title(kpi_name, None, false),
    }
}

impl Locale {
    /// The title of a KPI given its name, its doc comment's title, and
    /// whether it is the standard library's own (whose titles the
    /// language files translate).
    pub fn kpi_title(&self, name: &str, doc_title: Option<&str>, standard: bool) -> String {
        if standard && let Some(t) = self.raw_text(&format!("kpi.{name}")) {
            return t.to_string();
        }
        if let Some(t) = doc_title.filter(|t| !t.trim().is_empty()) {
            return t.trim().to_string();
        }
        self.raw_text(&format!("metric.{name}"))
            .unwrap_or(name)
            .to_string()
    }
}
