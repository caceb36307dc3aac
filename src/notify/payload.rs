//! An alert written for its target: Slack's `text` + `blocks`, a Teams
//! Adaptive Card message, kpiscope's generic JSON, or an e-mail (plain text
//! and HTML). The body is built once, stored in the outbox as it is, and
//! sent as it is by every attempt.

use serde_json::{Value, json};

use super::alert::{Alert, capped};
use super::target::{Email, Format, Kind, Target};
use crate::render::mime::{Message, Part};

/// The body `target` is sent for `alert`.
pub fn build(target: &Target, alert: &Alert) -> String {
    match &target.kind {
        Kind::Webhook { format, .. } => match format {
            Format::Slack => slack(alert).to_string(),
            Format::Teams => teams(alert).to_string(),
            // The struct itself, not a `Value`: its fields in the order
            // docs/notify.md gives them, the version first.
            Format::Json => serde_json::to_string(alert).unwrap_or_default(),
        },
        Kind::Email(e) => {
            // The message is ASCII (its text quoted-printable, its headers
            // encoded words): stored as text like the JSON bodies.
            String::from_utf8_lossy(&email(e, alert, &crate::render::email::now()).to_bytes())
                .into_owned()
        }
    }
}

/// The sections of an alert: a title and its lines.
fn sections(alert: &Alert) -> Vec<(&'static str, Vec<String>)> {
    let mut out = Vec::new();
    let changes = alert.change_lines();
    if !changes.is_empty() {
        out.push(("Changes since the last run", capped(changes)));
    }
    let failing = alert.failing_lines();
    if !failing.is_empty() {
        out.push(("Failing now", capped(failing)));
    }
    out
}

/// Slack's mrkdwn takes `&`, `<` and `>` as markup: escaped, so a goal's
/// title cannot make a link or a mention.
fn slack_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// Slack's limits: a header's text 150 characters, a section's 3,000.
fn cut(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_string();
    }
    let mut out: String = s.chars().take(max - 1).collect();
    out.push('…');
    out
}

fn slack(alert: &Alert) -> Value {
    let mut blocks = vec![json!({
        "type": "header",
        "text": {"type": "plain_text", "text": cut(&alert.summary, 150), "emoji": true}
    })];
    for (title, lines) in sections(alert) {
        let text = format!(
            "*{title}*\n{}",
            lines
                .iter()
                .map(|l| format!("• {}", slack_escape(l)))
                .collect::<Vec<_>>()
                .join("\n")
        );
        blocks.push(json!({
            "type": "section",
            "text": {"type": "mrkdwn", "text": cut(&text, 3000)}
        }));
    }
    blocks.push(json!({
        "type": "context",
        "elements": [{"type": "mrkdwn", "text": slack_escape(&alert.footer())}]
    }));
    // `text` is what notifications and clients without blocks show.
    json!({"text": alert.summary, "blocks": blocks})
}

/// A Teams incoming webhook (the Workflows kind, and the older connector)
/// takes a message whose attachment is an Adaptive Card.
fn teams(alert: &Alert) -> Value {
    let mut body = vec![json!({
        "type": "TextBlock",
        "size": "Medium",
        "weight": "Bolder",
        "text": alert.summary,
        "wrap": true
    })];
    for (title, lines) in sections(alert) {
        body.push(json!({
            "type": "TextBlock",
            "weight": "Bolder",
            "text": title,
            "wrap": true,
            "spacing": "Medium"
        }));
        for l in lines {
            body.push(json!({"type": "TextBlock", "text": format!("- {l}"), "wrap": true, "spacing": "None"}));
        }
    }
    body.push(json!({
        "type": "TextBlock",
        "text": alert.footer(),
        "isSubtle": true,
        "size": "Small",
        "wrap": true
    }));
    json!({
        "type": "message",
        "summary": alert.summary,
        "attachments": [{
            "contentType": "application/vnd.microsoft.card.adaptive",
            "contentUrl": null,
            "content": {
                "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
                "type": "AdaptiveCard",
                "version": "1.4",
                "body": body
            }
        }]
    })
}

/// The e-mail: plain text, and the same as HTML for clients that show it.
pub fn email(e: &Email, alert: &Alert, date: &str) -> Message {
    let mut text = format!("{}\n", alert.summary);
    let mut html = format!(
        "<!DOCTYPE html>\n<html><body style=\"font-family: sans-serif\">\n<h2>{}</h2>\n",
        escape(&alert.summary)
    );
    for (title, lines) in sections(alert) {
        text += &format!("\n{title}:\n");
        html += &format!("<h3>{}</h3>\n<ul>\n", escape(title));
        for l in &lines {
            text += &format!("- {l}\n");
            html += &format!("<li>{}</li>\n", escape(l));
        }
        html += "</ul>\n";
    }
    text += &format!("\n{}\n", alert.footer());
    html += &format!(
        "<p style=\"color: #666; font-size: small\">{}</p>\n</body></html>\n",
        escape(&alert.footer())
    );
    let body = Part::multipart(
        "alternative",
        vec![
            Part::text("text/plain", text),
            Part::text("text/html", html),
        ],
    );
    let domain = e.from.rsplit('@').next().unwrap_or("kpiscope");
    let id = xxhash_rust::xxh3::xxh3_64(format!("{}{}{date}", alert.summary, alert.at).as_bytes());
    Message::new(body)
        .header("From", &e.from)
        .header("To", &e.to.join(", "))
        .header("Subject", &alert.summary)
        .header("Date", date)
        .header(
            "Message-ID",
            &format!("<kpiscope.{}.{id:016x}@{domain}>", alert.run.unwrap_or(0)),
        )
        // RFC 3834: an automatic message, which auto-replies leave alone.
        .header("Auto-Submitted", "auto-generated")
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}
