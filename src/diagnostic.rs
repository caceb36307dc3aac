//! Diagnostics: a message tied to `file:line:col`, shown with the source line
//! and a caret, in the manner of rustc and typst. Every stage that reads user
//! files reports through this type so that all problems look alike.

use std::fmt;

/// The 1-based line of a byte offset of `text`.
pub fn line_of(text: &str, offset: usize) -> usize {
    text[..offset.min(text.len())].matches('\n').count() + 1
}

#[derive(Debug, Clone, PartialEq)]
pub struct Diagnostic {
    pub file: String,
    pub line: usize,
    pub col: usize,
    pub message: String,
    /// The offending source line, shown under the message with a caret.
    pub source_line: Option<String>,
    /// How many characters the caret underlines.
    pub width: usize,
    pub hint: Option<String>,
}

impl Diagnostic {
    /// A diagnostic at a 1-based line and column of `source`.
    pub fn at(
        file: &str,
        source: &str,
        line: usize,
        col: usize,
        message: impl Into<String>,
    ) -> Self {
        Diagnostic {
            file: file.to_string(),
            line,
            col,
            message: message.into(),
            source_line: source
                .lines()
                .nth(line.saturating_sub(1))
                .map(str::to_string),
            width: 1,
            hint: None,
        }
    }

    /// A diagnostic for a byte range of `source` (as TOML parsers report).
    pub fn at_span(
        file: &str,
        source: &str,
        span: std::ops::Range<usize>,
        message: impl Into<String>,
    ) -> Self {
        let start = span.start.min(source.len());
        let before = &source[..start];
        let line = line_of(source, start);
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let col = source[line_start..start].chars().count() + 1;
        let end = span.end.min(source.len()).max(start);
        let line_end = source[start..]
            .find('\n')
            .map_or(source.len(), |i| start + i);
        let width = source[start..end.min(line_end)].chars().count().max(1);
        Diagnostic {
            width,
            ..Diagnostic::at(file, source, line, col, message)
        }
    }

    /// A diagnostic about a whole file, with no position inside it.
    pub fn file(file: &str, message: impl Into<String>) -> Self {
        Diagnostic {
            file: file.to_string(),
            line: 0,
            col: 0,
            message: message.into(),
            source_line: None,
            width: 0,
            hint: None,
        }
    }

    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line == 0 {
            write!(f, "{}: {}", self.file, self.message)?;
        } else {
            write!(
                f,
                "{}:{}:{}: {}",
                self.file, self.line, self.col, self.message
            )?;
        }
        let num = self.line.to_string();
        let pad = " ".repeat(num.len());
        if let Some(src) = &self.source_line {
            // Tabs would shift the caret; show them as one space each.
            let shown = src.replace('\t', " ");
            write!(
                f,
                "\n{pad} |\n{num} | {shown}\n{pad} | {}{}",
                " ".repeat(self.col.saturating_sub(1)),
                "^".repeat(self.width.max(1))
            )?;
        }
        if let Some(hint) = &self.hint {
            let pad = if self.source_line.is_some() {
                pad.as_str()
            } else {
                ""
            };
            write!(f, "\n{pad} = hint: {hint}")?;
        }
        Ok(())
    }
}

/// Several diagnostics reported together: every problem at once.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl Diagnostics {
    pub fn push(&mut self, d: Diagnostic) {
        self.0.push(d);
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
    /// `Ok(value)` when nothing was reported, else every problem.
    pub fn into_result<T>(self, value: T) -> Result<T, crate::Error> {
        if self.0.is_empty() {
            Ok(value)
        } else {
            Err(crate::Error::Diagnostics(self))
        }
    }
}

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, d) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{d}")?;
        }
        if self.0.len() > 1 {
            write!(f, "\n{} problems found", self.0.len())?;
        }
        Ok(())
    }
}

/// `; did you mean "month"?` when `got` is a likely typo of one of `values`
/// (a closed list of the config's, such as a grain or a plugin kind), else
/// nothing: what a message naming the values ends with. Quoted as the value
/// is written in TOML.
pub fn did_you_mean<'a>(got: &str, values: impl IntoIterator<Item = &'a str>) -> String {
    suggest(got, values)
        // Debug quotes it as TOML does, escapes and all (a tab is "\t").
        .map(|near| format!("; did you mean {near:?}?"))
        .unwrap_or_default()
}

/// The closest of `candidates` to `name`, when close enough to be a likely typo.
pub fn suggest<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|c| (strsim::damerau_levenshtein(name, c), c))
        .filter(|(d, c)| *d <= (name.len().max(c.len()) / 3).max(1))
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}
