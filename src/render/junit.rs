//! Goal results as JUnit XML, for CI systems that show test reports: one
//! `testcase` per goal result (per period for `each` goals), `failure` for
//! fail, `skipped` for no data; a warning passes, with its message kept in
//! `system-out` so that it shows in the report, unless `--fail-on warn` makes
//! it fail the run: then it is a `failure` too, so the report and the exit
//! code agree.

use crate::goals::{GoalResult, Status, Summary};

pub fn check(workspace: &str, results: &[GoalResult], fail_on_warn: bool) -> String {
    let s = Summary::of(results);
    let failures = s.fail + if fail_on_warn { s.warn } else { 0 };
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    out += &format!(
        "<testsuites name=\"kpiscope\" tests=\"{}\" failures=\"{}\" skipped=\"{}\">\n",
        results.len(),
        failures,
        s.no_data
    );
    out += &format!(
        "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" skipped=\"{}\">\n",
        escape(workspace),
        results.len(),
        failures,
        s.no_data
    );
    for r in results {
        let g = &r.goal;
        // The period is part of the name: an `each` goal has one case per period.
        let name = match &r.period {
            Some(p) => format!("{} [{}]", g.id, p.label),
            None => g.id.clone(),
        };
        out += &format!(
            "    <testcase classname=\"{}.{}\" name=\"{}\"",
            escape(workspace),
            escape(&g.kpi),
            escape(&name)
        );
        let message = format!("{}: {}", g.title, r.message);
        match r.status {
            Status::Pass => out += " />\n",
            Status::Warn if !fail_on_warn => {
                out += &format!(
                    ">\n      <system-out>warn: {}</system-out>\n    </testcase>\n",
                    escape(&message)
                )
            }
            Status::Fail | Status::Warn => {
                out += &format!(
                    ">\n      <failure message=\"{}\" type=\"goal\">{}</failure>\n    </testcase>\n",
                    escape(&r.message),
                    escape(&message)
                )
            }
            Status::NoData => {
                out += &format!(
                    ">\n      <skipped message=\"{}\" />\n    </testcase>\n",
                    escape(&r.message)
                )
            }
        }
    }
    out += "  </testsuite>\n</testsuites>\n";
    out
}

/// Text for XML attributes and elements.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out += "&amp;",
            '<' => out += "&lt;",
            '>' => out += "&gt;",
            '"' => out += "&quot;",
            '\'' => out += "&apos;",
            // Control characters are not allowed in XML 1.0.
            c if (c as u32) < 0x20 && !matches!(c, '\n' | '\t' | '\r') => {}
            c => out.push(c),
        }
    }
    out
}
