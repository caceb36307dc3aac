//! JSON and NDJSON as tables: an array of objects (found at the top or under
//! one key, such as `data` or `response`), nested objects flattened with
//! dots, and the Graph API insights shape pivoted to one row per day.

use serde_json::Value;

use super::grid::{Grid, Row};

/// The grids of a JSON document: its table (an array of objects, or the
/// Graph API shape), then the whole document as one flattened row, so that
/// a plugin can also recognise a document by its top-level keys.
pub fn grids(doc: &Value, name: &str) -> Vec<Grid> {
    if let Some(g) = graph_insights(doc, name) {
        return vec![g];
    }
    let whole = objects_grid(std::iter::once((1, doc)), name);
    let table =
        |a: &Vec<Value>| objects_grid(a.iter().enumerate().map(|(i, v)| (i as u64 + 1, v)), name);
    match find_array(doc) {
        Some(a) if doc.is_array() => vec![table(a)],
        Some(a) => vec![table(a), whole],
        None => vec![whole],
    }
}

/// One grid from newline-delimited JSON; a bad line is reported by number.
pub fn ndjson_grid(text: &str, name: &str) -> Result<Grid, (u64, String)> {
    let mut docs = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let v: Value = serde_json::from_str(line).map_err(|e| (i as u64 + 1, e.to_string()))?;
        docs.push((i as u64 + 1, v));
    }
    Ok(objects_grid(docs.iter().map(|(l, v)| (*l, v)), name))
}

fn objects_grid<'a>(items: impl Iterator<Item = (u64, &'a Value)>, name: &str) -> Grid {
    let mut header: Vec<String> = Vec::new();
    let mut flat_rows = Vec::new();
    for (line, item) in items {
        let mut flat = Vec::new();
        flatten("", item, &mut flat);
        for (k, _) in &flat {
            if !header.contains(k) {
                header.push(k.clone());
            }
        }
        flat_rows.push((line, flat));
    }
    let mut rows = vec![Row {
        line: 0,
        cells: csv::StringRecord::from(header.clone()),
    }];
    for (line, flat) in flat_rows {
        let mut cells = vec![String::new(); header.len()];
        for (k, v) in flat {
            if let Some(i) = header.iter().position(|h| *h == k) {
                cells[i] = v;
            }
        }
        rows.push(Row {
            line,
            cells: cells.into(),
        });
    }
    Grid {
        name: name.to_string(),
        rows,
        ..Grid::default()
    }
}

/// The first array of objects: the document itself, or under a key.
fn find_array(v: &Value) -> Option<&Vec<Value>> {
    match v {
        Value::Array(a) if a.iter().all(Value::is_object) => Some(a),
        Value::Object(m) => m.values().find_map(|x| match x {
            Value::Array(a) if !a.is_empty() && a.iter().all(Value::is_object) => Some(a),
            Value::Object(_) => find_array(x),
            _ => None,
        }),
        _ => None,
    }
}

fn flatten(prefix: &str, v: &Value, out: &mut Vec<(String, String)>) {
    match v {
        Value::Object(m) => {
            for (k, x) in m {
                let key = if prefix.is_empty() {
                    k.clone()
                } else {
                    format!("{prefix}.{k}")
                };
                flatten(&key, x, out);
            }
        }
        _ => out.push((prefix.to_string(), cell(v))),
    }
}

/// A scalar's text as a cell holds it; arrays stay JSON text.
pub fn cell(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        other => other.to_string(),
    }
}

/// `{"data": [{"name": m, "values": [{"value": v, "end_time": t}]}]}`:
/// one row per `end_time`, one column per metric name (`name.key` for a
/// breakdown value).
fn graph_insights(doc: &Value, name: &str) -> Option<Grid> {
    let data = doc.get("data")?.as_array()?;
    if data.is_empty()
        || !data
            .iter()
            .all(|d| d.get("name").is_some() && d.get("values").is_some_and(Value::is_array))
    {
        return None;
    }
    let mut header = vec!["end_time".to_string()];
    let mut by_time: Vec<(String, Vec<(String, String)>)> = Vec::new();
    for d in data {
        // A request without `period` gives day, week and days_28 values under
        // one name: the daily (or lifetime) value keeps the name.
        let name = d.get("name").map(cell).unwrap_or_default();
        let metric = match d.get("period").map(cell).as_deref() {
            None | Some("day" | "lifetime" | "") => name,
            Some(p) => format!("{name}.{p}"),
        };
        for v in d.get("values")?.as_array()? {
            let time = v.get("end_time").map(cell).unwrap_or_default();
            let mut flat = Vec::new();
            flatten(&metric, v.get("value").unwrap_or(&Value::Null), &mut flat);
            let row = match by_time.iter_mut().find(|(t, _)| *t == time) {
                Some((_, r)) => r,
                None => {
                    by_time.push((time, Vec::new()));
                    &mut by_time.last_mut()?.1
                }
            };
            for (k, x) in flat {
                if !header.contains(&k) {
                    header.push(k.clone());
                }
                row.push((k, x));
            }
        }
    }
    let mut rows = vec![Row {
        line: 0,
        cells: csv::StringRecord::from(header.clone()),
    }];
    for (i, (time, values)) in by_time.into_iter().enumerate() {
        let mut cells = vec![String::new(); header.len()];
        cells[0] = time;
        for (k, x) in values {
            if let Some(j) = header.iter().position(|h| *h == k) {
                cells[j] = x;
            }
        }
        rows.push(Row {
            line: i as u64 + 1,
            cells: cells.into(),
        });
    }
    Some(Grid {
        name: name.to_string(),
        rows,
        ..Grid::default()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cells(g: &Grid) -> Vec<Vec<&str>> {
        g.rows.iter().map(|r| r.cells.iter().collect()).collect()
    }

    #[test]
    fn arrays_nested_objects_and_graph_insights() {
        let doc: Value = serde_json::from_str(
            r#"{"response": [{"period_from": "2026-01-01", "visitors": {"views": 5}}, {"period_from": "2026-01-02", "reach": {"reach": 7}}]}"#,
        )
        .unwrap();
        assert_eq!(
            cells(&grids(&doc, "vk.json")[0]),
            [
                vec!["period_from", "visitors.views", "reach.reach"],
                vec!["2026-01-01", "5", ""],
                vec!["2026-01-02", "", "7"]
            ]
        );
        let doc: Value = serde_json::from_str(
            r#"{"data": [{"name": "page_fans", "period": "day", "values": [{"value": 10, "end_time": "t1"}, {"value": 11, "end_time": "t2"}]},
                         {"name": "page_fan_adds", "period": "day", "values": [{"value": 1, "end_time": "t2"}]}]}"#,
        )
        .unwrap();
        assert_eq!(
            cells(&grids(&doc, "fb.json")[0]),
            [
                vec!["end_time", "page_fans", "page_fan_adds"],
                vec!["t1", "10", ""],
                vec!["t2", "11", "1"]
            ]
        );
        let g = ndjson_grid("{\"a\": 1}\n\n{\"a\": 2, \"b\": null}\n", "x.ndjson").unwrap();
        assert_eq!(cells(&g), [vec!["a", "b"], vec!["1", ""], vec!["2", ""]]);
        assert_eq!(ndjson_grid("{\"a\": 1}\n{oops\n", "x").unwrap_err().0, 2);
    }
}
