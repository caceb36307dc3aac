//! `{name}` placeholders, the one templating of the language files: in
//! messages (`Data from {first} to {last}`) and in number and date patterns
//! (`{n} {symbol}`, `{month} {year}`).

/// `pattern` with each `{name}` of `args` replaced by its value. A
/// placeholder without a value stays as written, so that a missing
/// argument shows in the output instead of silently vanishing; a value is
/// never scanned again (a post title with `{n}` in it stays as it is).
pub fn fill(pattern: &str, args: &[(&str, &str)]) -> String {
    let mut out = String::with_capacity(pattern.len() + 16);
    let mut rest = pattern;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        match after.find('}').map(|close| (&after[..close], close)) {
            Some((name, close)) if is_name(name) => {
                match args.iter().find(|(k, _)| *k == name) {
                    Some((_, v)) => out.push_str(v),
                    None => out.push_str(&rest[open..open + close + 2]),
                }
                rest = &after[close + 1..];
            }
            _ => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// The placeholders of `pattern`, in order, each once.
pub fn placeholders(pattern: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut rest = pattern;
    while let Some(open) = rest.find('{') {
        let after = &rest[open + 1..];
        match after.find('}') {
            Some(close) if is_name(&after[..close]) => {
                let name = after[..close].to_string();
                if !out.contains(&name) {
                    out.push(name);
                }
                rest = &after[close + 1..];
            }
            _ => rest = after,
        }
    }
    out
}

/// A placeholder's name: lowercase ASCII letters, digits and `_`, as the
/// keys of the files are; anything else between braces is text.
fn is_name(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_filled_once() {
        for (pattern, args, want) in [
            ("{n} %", &[("n", "12,5")][..], "12,5 %"),
            (
                "Data from {first} to {last}",
                &[("first", "1 Oct"), ("last", "{last}")][..],
                "Data from 1 Oct to {last}",
            ),
            ("{missing} stays", &[][..], "{missing} stays"),
            ("a {Not A Name} and {", &[][..], "a {Not A Name} and {"),
            ("{a}{a}", &[("a", "x")][..], "xx"),
        ] {
            assert_eq!(fill(pattern, args), want, "{pattern}");
        }
    }

    #[test]
    fn placeholders_are_listed_once_in_order() {
        assert_eq!(placeholders("{b} {a} {b} {A}"), vec!["b", "a"]);
    }
}
