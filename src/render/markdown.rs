//! Goal results and the periodic report as GitHub-flavoured Markdown: for a
//! pull request comment, a wiki page or an e-mail. Charts become a small
//! table of values per period with a Unicode sparkline.

use super::report::{
    self, Chart, NONE, Report, Section, result_target, result_value, status_label, summary_line,
};
use crate::goals::GoalResult;

/// Text for a table cell or a line: Markdown's special characters escaped
/// with a backslash (GFM accepts one before any ASCII punctuation), line
/// breaks folded, so that a title can neither break the table nor turn
/// into a link, emphasis or HTML. `>` and `#` only matter at the start of a
/// line, where no escaped text is put, and are left readable (`>= 4%`).
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' | '|' | '`' | '*' | '_' | '[' | ']' | '~' => {
                out.push('\\');
                out.push(c);
            }
            // Only `<` before a letter, `/`, `!` or `?` can open HTML; `<= 10%` stays as written.
            '<' if chars
                .peek()
                .is_some_and(|n| n.is_ascii_alphabetic() || matches!(n, '/' | '!' | '?')) =>
            {
                out.push_str("\\<");
            }
            '\n' | '\r' => out.push(' '),
            _ => out.push(c),
        }
    }
    out
}

/// An id or a name as code; a `|` still needs its backslash inside a table.
fn code(s: &str) -> String {
    if s.contains('`') || s.contains('\n') {
        return escape(s);
    }
    format!("`{}`", s.replace('|', "\\|"))
}

/// A GFM table: `right` says which columns are numbers (right-aligned).
fn table(header: &[&str], right: &[bool], rows: &[Vec<String>]) -> String {
    let mut out = format!("| {} |\n|", header.join(" | "));
    for (i, _) in header.iter().enumerate() {
        out += if right.get(i).copied().unwrap_or(false) {
            " --: |"
        } else {
            " --- |"
        };
    }
    out.push('\n');
    for r in rows {
        out += &format!("| {} |\n", r.join(" | "));
    }
    out
}

fn goal_rows(results: &[GoalResult], currency: Option<&str>) -> Vec<Vec<String>> {
    results
        .iter()
        .map(|r| {
            vec![
                status_label(r.status).to_string(),
                format!("{} {}", code(&r.goal.id), escape(&r.goal.title)),
                r.period
                    .as_ref()
                    .map_or_else(|| NONE.to_string(), |p| escape(&p.label)),
                escape(&result_value(r, currency)),
                escape(&result_target(r, currency)),
                escape(&r.message),
            ]
        })
        .collect()
}

fn goal_table(results: &[GoalResult], currency: Option<&str>) -> String {
    table(
        &["Status", "Goal", "Period", "Value", "Target", "Result"],
        &[false, false, false, true, false, false],
        &goal_rows(results, currency),
    )
}

/// `kpiscope check --format markdown`.
pub fn check(workspace: &str, currency: Option<&str>, results: &[GoalResult]) -> String {
    let mut out = format!("# {}: goals\n\n", escape(workspace));
    if results.is_empty() {
        out += "No goals.\n";
        return out;
    }
    out += &goal_table(results, currency);
    out += &format!("\n{}\n", summary_line(results));
    out
}

/// `kpiscope report --format markdown`.
pub fn report(r: &Report) -> String {
    let currency = r.currency.as_deref();
    let mut out = format!(
        "# {}: social media report for {}\n\n",
        escape(&r.workspace),
        escape(&r.period.label)
    );
    out += &intro(r);
    out += "\n## Goals\n\n";
    if r.results.is_empty() {
        out += "The workspace has no goals.\n";
    } else {
        out += &goal_table(&r.results, currency);
        out += &format!("\n{}\n", summary_line(&r.results));
        if let Some(note) = report::other_results_note(r) {
            out += &format!("\n{}\n", escape(&note));
        }
        out += &super::changes::markdown("Since the last report", &r.since, currency);
    }
    for s in &r.sections {
        out += &section(r, s);
    }
    if !r.quiet_networks.is_empty() {
        out += &format!(
            "\n---\n\nNot shown: {}, with records but none of the figures above.\n",
            r.quiet_networks
                .iter()
                .map(|n| escape(n))
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    out
}

/// The lines under the title: the period, what it is compared with, the data.
fn intro(r: &Report) -> String {
    let mut out = format!(
        "Period: {} to {}",
        escape(&r.period.start),
        escape(&r.period.end)
    );
    if let Some(p) = &r.previous {
        out += &format!(", compared with {}", escape(p));
    }
    out += &format!(
        ". Data from {} to {}; goals judged as of {}.\n",
        r.data.0, r.data.1, r.as_of
    );
    if r.in_progress {
        out += &format!(
            "\n**The period is still in progress:** the data ends on {}.\n",
            r.data.1
        );
    }
    out
}

fn section(r: &Report, s: &Section) -> String {
    let mut out = format!("\n## {}\n\n", escape(&s.title()));
    let previous = r.previous.as_deref().unwrap_or("Previous");
    let rows: Vec<Vec<String>> = s
        .figures
        .iter()
        .map(|f| {
            vec![
                escape(&f.label),
                f.value_text(r.currency.as_deref()),
                f.previous_text(r.currency.as_deref()),
                f.change_text(),
            ]
        })
        .collect();
    out += &table(
        &[
            "Figure",
            &escape(&r.period.label),
            &escape(previous),
            "Change",
        ],
        &[false, true, true, true],
        &rows,
    );
    if let Some(line) =
        super::report::missing_line(s, &crate::locale::Locale::default(), &|m| m.label.clone())
    {
        out += &format!("\n{}\n", escape(&line));
    }

    out += &format!("\n### {}\n\n", report::PostTable::title(s));
    out += &top_posts(r, s);

    if !s.charts.is_empty() {
        out += "\n### Goals over time\n";
        for c in &s.charts {
            out += &chart(r, c);
        }
    }
    if let Some(p) = &s.panel {
        out += &panel(r, p);
    }
    out
}

/// The "vs competitors" section: each account's value and rank of the
/// panel's KPIs, ER by followers per period, and the share of voice.
fn panel(r: &Report, p: &crate::report::model::PanelSection) -> String {
    let currency = r.currency.as_deref();
    let mut out = "\n### vs competitors\n\n".to_string();
    let name = |a: &crate::report::model::PanelAccount| match a.own {
        true => format!("**{}** (own)", escape(&a.account)),
        false => escape(&a.account),
    };
    if p.kpis.is_empty() {
        out += "The panel has no comparable KPI with a value in this period.\n";
    } else {
        let mut header = vec!["Account".to_string()];
        header.extend(p.kpis.iter().map(|k| code(&k.name)));
        let rows: Vec<Vec<String>> = p
            .accounts
            .iter()
            .map(|a| {
                let mut row = vec![name(a)];
                row.extend(
                    a.cells
                        .iter()
                        .zip(&p.kpis)
                        .map(|(c, k)| match (c.value, c.rank) {
                            (Some(v), Some(rank)) => format!(
                                "{} (#{rank} of {})",
                                escape(&report::with_unit(v, &k.unit, currency)),
                                c.of
                            ),
                            (Some(v), None) => escape(&report::with_unit(v, &k.unit, currency)),
                            _ => report::NONE.to_string(),
                        }),
                );
                row
            })
            .collect();
        let refs: Vec<&str> = header.iter().map(String::as_str).collect();
        let mut right = vec![false];
        right.extend(std::iter::repeat_n(true, p.kpis.len()));
        out += &table(&refs, &right, &rows);
        let reasons: Vec<String> = p
            .accounts
            .iter()
            .flat_map(|a| a.cells.iter().filter_map(|c| c.reason.clone()))
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .map(|r| escape(&r))
            .collect();
        if !reasons.is_empty() {
            out += &format!("\n{} is no data: {}.\n", report::NONE, reasons.join("; "));
        }
    }
    if !p.er_lines.is_empty() {
        out += "\n#### Engagement rate by followers (ER) over time\n\n";
        let mut header = vec!["Account".to_string()];
        header.extend(p.er_chart.points.iter().map(|q| match q.highlight {
            true => format!("**{}**", escape(&q.label)),
            false => escape(&q.label),
        }));
        let rows: Vec<Vec<String>> = p
            .er_lines
            .iter()
            .map(|l| {
                let mut row = vec![match l.own {
                    true => format!("**{}** (own)", escape(&l.account)),
                    false => escape(&l.account),
                }];
                row.extend(l.values.iter().map(|v| escape(&p.er_chart.value_text(*v))));
                row
            })
            .collect();
        let refs: Vec<&str> = header.iter().map(String::as_str).collect();
        let mut right = vec![false];
        right.extend(std::iter::repeat_n(true, p.er_chart.points.len()));
        out += &table(&refs, &right, &rows);
    }
    let pct = |v: Option<f64>| {
        v.map_or(report::NONE.to_string(), |v| {
            report::with_unit(v, "%", None)
        })
    };
    out += &format!(
        "\nShare of voice: {} of the mentions, {} of the engagements (`share_of_voice`, `share_of_voice_engagement`){}.\n",
        pct(p.share_of_voice),
        pct(p.share_of_voice_engagement),
        p.share_of_voice_reason
            .as_deref()
            .map_or_else(String::new, |r| format!("; no data: {r}"))
    );
    out
}

fn top_posts(r: &Report, s: &Section) -> String {
    if s.top_posts.is_empty() {
        return if s.posts_seen == 0 {
            format!("No post was published in {}.\n", escape(&r.period.label))
        } else {
            format!(
                "None of the {} published in {} has a reach, impressions or views figure.\n",
                super::count(s.posts_seen, "post", "posts"),
                escape(&r.period.label)
            )
        };
    }
    let t = report::PostTable::of(s);
    let rows: Vec<Vec<String>> = t
        .rows
        .iter()
        .zip(&t.posts)
        .map(|(row, post)| {
            row.iter()
                .enumerate()
                .map(|(c, v)| match c == t.post_column {
                    true => post_cell(post),
                    false => escape(v),
                })
                .collect()
        })
        .collect();
    table(&t.header, &t.numeric, &rows)
}

/// A post's headline as a link to it (its id as code when it has no text).
fn post_cell(p: &report::PostCell) -> String {
    let text = match p.is_id {
        true => code(&p.text),
        false => escape(&p.text),
    };
    match &p.url {
        Some(url) if url.starts_with("https://") || url.starts_with("http://") => {
            // Characters that would end the link or the table cell, encoded.
            let mut safe = String::with_capacity(url.len());
            for c in url.chars() {
                match c {
                    ' ' => safe.push_str("%20"),
                    '(' => safe.push_str("%28"),
                    ')' => safe.push_str("%29"),
                    '|' => safe.push_str("%7C"),
                    '<' => safe.push_str("%3C"),
                    '>' => safe.push_str("%3E"),
                    '\\' => safe.push_str("%5C"),
                    _ => safe.push(c),
                }
            }
            format!("[{text}]({safe})")
        }
        _ => text,
    }
}

fn chart(r: &Report, c: &Chart) -> String {
    let mut out = format!("\n#### {} ({})\n\n", escape(&c.title), code(&c.goal_id));
    for &i in &c.results {
        let res = &r.results[i];
        let period = res
            .period
            .as_ref()
            .map_or(String::new(), |p| format!(" {}:", escape(&p.label)));
        out += &format!(
            "- **{}**{period} {}\n",
            status_label(res.status),
            escape(&res.message)
        );
    }
    if !c.results.is_empty() {
        out.push('\n');
    }
    let header: Vec<String> = std::iter::once("Period".to_string())
        .chain(c.points.iter().map(|p| {
            if p.highlight {
                format!("**{}**", escape(&p.label))
            } else {
                escape(&p.label)
            }
        }))
        .collect();
    let values: Vec<String> = std::iter::once(code(&c.kpi))
        .chain(c.points.iter().map(|p| {
            let mut v = escape(&c.value_text(p.value));
            if p.partial && p.value.is_some() {
                v += "\\*";
            }
            if p.highlight { format!("**{v}**") } else { v }
        }))
        .collect();
    let (mut header, mut values) = (header, values);
    // A deadline goal's projection is a column of its own, after the periods.
    if let Some(p) = c.projection.as_ref().filter(|p| p.periods_after > 0) {
        header.push(format!("{} (projected)", escape(&p.label)));
        values.push(format!("→ {}", escape(&c.value_text(Some(p.value)))));
    }
    let header_refs: Vec<&str> = header.iter().map(String::as_str).collect();
    let mut right = vec![false];
    right.extend(std::iter::repeat_n(true, header.len() - 1));
    out += &table(&header_refs, &right, &[values]);
    if let Some(p) = &c.projection {
        out += &format!("\nProjection: {}.\n", escape(&p.text(c)));
    }
    if c.points.iter().any(|p| p.partial && p.value.is_some()) {
        out += "\n\\* the data covers only part of that period.\n";
    }
    out += &format!("\nTrend: `{}`", sparkline(c));
    if let Some(t) = c.target_text() {
        out += &format!(" ({})", escape(&t));
    }
    out += "\n";
    out
}

/// One block character per period, from the lowest value to the highest; a
/// space where there is no data.
fn sparkline(c: &Chart) -> String {
    const BARS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];
    let values: Vec<f64> = c.points.iter().filter_map(|p| p.value).collect();
    // On the chart's honest scale: from zero (counts, rates and money are
    // drawn from zero, as the HTML charts are), so that a 3% change is a
    // step of a bar, not the whole height.
    let lo = values.iter().copied().fold(0.0, f64::min);
    let hi = values.iter().copied().fold(0.0, f64::max);
    c.points
        .iter()
        .map(|p| match p.value {
            None => ' ',
            Some(_) if hi <= lo => BARS[0],
            Some(v) => BARS[(((v - lo) / (hi - lo)) * 7.0).round() as usize],
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_cannot_break_the_table() {
        assert_eq!(escape("a|b\nc"), "a\\|b c");
        assert_eq!(escape("<script>"), "\\<script>");
        assert_eq!(escape("<= 10%"), "<= 10%");
        assert_eq!(code("x|y"), "`x\\|y`");
    }

    #[test]
    fn tables_align_numbers_right() {
        let t = table(&["a", "b"], &[false, true], &[vec!["x".into(), "1".into()]]);
        assert_eq!(t, "| a | b |\n| --- | --: |\n| x | 1 |\n");
    }
}
