//! Diagnostics: every problem found in one run, each with a source range, rendered
//! like rustc and Terraform render theirs. Rendering builds strings; printing them is
//! the CLI's job.

use std::fmt::Write as _;
use std::ops::Range;

use serde::Serialize;

#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}
mod code;

pub use code::Code;

use crate::pii;

/// A position in a source file: 1-based line and column (in characters), 0-based byte.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Pos {
    pub line: usize,
    pub column: usize,
    pub byte: usize,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SourceRange {
    pub filename: String,
    pub start: Pos,
    pub end: Pos,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    pub severity: Severity,
    pub code: Code,
    pub summary: String,
    pub detail: String,
    pub address: Option<String>,
    pub range: Option<SourceRange>,
}

impl Diagnostic {
    pub fn error(code: Code, summary: impl Into<String>) -> Diagnostic {
        Diagnostic {
            severity: Severity::Error,
            code,
            summary: summary.into(),
            detail: String::new(),
            address: None,
            range: None,
        }
    }

    pub fn warning(code: Code, summary: impl Into<String>) -> Diagnostic {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(code, summary)
        }
    }

    pub fn detail(mut self, detail: impl Into<String>) -> Diagnostic {
        self.detail = detail.into();
        self
    }

    pub fn address(mut self, address: impl Into<String>) -> Diagnostic {
        self.address = Some(address.into());
        self
    }

    pub fn range(mut self, range: Option<SourceRange>) -> Diagnostic {
        self.range = range;
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// This diagnostic with any PII in its texts masked.
    pub fn masked(&self, allow: &[String]) -> Diagnostic {
        Diagnostic {
            summary: pii::mask_text(&self.summary, allow),
            detail: pii::mask_text(&self.detail, allow),
            ..self.clone()
        }
    }
}

/// One configuration file's text, with an index of where its lines start.
#[derive(Clone, Debug)]
pub struct SourceFile {
    pub name: String,
    pub text: String,
    line_starts: Vec<usize>,
}

impl SourceFile {
    pub fn new(name: impl Into<String>, text: impl Into<String>) -> SourceFile {
        let text = text.into();
        let line_starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        SourceFile {
            name: name.into(),
            text,
            line_starts,
        }
    }

    pub fn pos(&self, byte: usize) -> Pos {
        let byte = floor_char_boundary(&self.text, byte.min(self.text.len()));
        let line = self.line_starts.partition_point(|&s| s <= byte);
        let start = self.line_starts[line - 1];
        Pos {
            line,
            column: self.text[start..byte].chars().count() + 1,
            byte,
        }
    }

    pub fn range(&self, bytes: Range<usize>) -> SourceRange {
        SourceRange {
            filename: self.name.clone(),
            start: self.pos(bytes.start),
            end: self.pos(bytes.end.max(bytes.start)),
        }
    }

    /// The text of 1-based line `line`, without its line break.
    pub fn line(&self, line: usize) -> &str {
        let start = self.line_starts[line - 1];
        let end = self
            .line_starts
            .get(line)
            .map_or(self.text.len(), |&next| next - 1);
        self.text[start..end].trim_end_matches('\r')
    }
}

fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// How to render: colour, and which strings the org says are not PII.
#[derive(Clone, Debug, Default)]
pub struct RenderOptions<'a> {
    pub color: bool,
    pub pii_allow: &'a [String],
    /// Whose national phone formats are masked in source lines.
    pub phone_regions: pii::PhoneRegions,
}

/// `diagnostic` as a person reads it: headline, location, the masked source line with
/// a caret underline, then the address and detail.
pub fn render(diagnostic: &Diagnostic, sources: &[SourceFile], options: &RenderOptions) -> String {
    let d = diagnostic.masked(options.pii_allow);
    let paint = |code: &str, s: &str| crate::paint::paint(options.color, code, s);
    let (label, color) = match d.severity {
        Severity::Error => ("error", "1;31"),
        Severity::Warning => ("warning", "1;33"),
    };
    let mut out = String::new();
    let headline = format!("{label}[{}]", d.code);
    let _ = writeln!(
        out,
        "{}: {}",
        paint(color, &headline),
        paint("1", &d.summary)
    );
    let source = d.range.as_ref().and_then(|r| {
        sources
            .iter()
            .find(|f| f.name == r.filename)
            .map(|f| (r, f))
    });
    let gutter = source.map_or(1, |(r, _)| r.start.line.to_string().len());
    let pad = " ".repeat(gutter);
    if let Some(range) = &d.range {
        let _ = writeln!(
            out,
            "{pad}{} {}:{}:{}",
            paint("1;34", "-->"),
            range.filename,
            range.start.line,
            range.start.column
        );
    }
    if let Some((range, file)) = source {
        let line = file.line(range.start.line);
        let (masked, map) = mask_line(line, options.pii_allow, &options.phone_regions);
        let start_char = range.start.column - 1;
        let end_char = if range.end.line == range.start.line {
            range.end.column - 1
        } else {
            line.chars().count()
        };
        let (start, end) = (map(start_char), map(end_char.max(start_char)));
        let carets = "^".repeat((end - start).max(1));
        let bar = paint("1;34", "|");
        let _ = writeln!(out, "{pad} {bar}");
        let _ = writeln!(
            out,
            "{} {bar} {masked}",
            paint("1;34", &range.start.line.to_string())
        );
        let underline: String = masked
            .chars()
            .take(start)
            .map(|c| if c == '\t' { '\t' } else { ' ' })
            .collect();
        let _ = writeln!(out, "{pad} {bar} {underline}{}", paint(color, &carets));
    }
    if let Some(address) = &d.address {
        let _ = writeln!(out, "{pad} = in {address}");
    }
    if !d.detail.is_empty() {
        let _ = writeln!(out, "{pad} = {}", d.detail);
    }
    out
}

/// `line` with PII masked, and a map from a character column of `line` to the
/// matching column of the masked line (a column inside a masked value maps to its
/// start, or to its end if it was the end).
fn mask_line(
    line: &str,
    allow: &[String],
    regions: &pii::PhoneRegions,
) -> (String, impl Fn(usize) -> usize) {
    let mut masked = String::new();
    // (original start, original end, masked start, masked end), in characters
    let mut spans: Vec<(usize, usize, usize, usize)> = Vec::new();
    let mut last = 0;
    for found in pii::scan_for(line, allow, regions) {
        masked.push_str(&line[last..found.range.start]);
        let start = line[..found.range.start].chars().count();
        let end = line[..found.range.end].chars().count();
        let masked_start = masked.chars().count();
        masked.push_str(&found.masked(line));
        spans.push((start, end, masked_start, masked.chars().count()));
        last = found.range.end;
    }
    masked.push_str(&line[last..]);
    let map = move |col: usize| {
        let mut shift: isize = 0;
        for &(start, end, m_start, m_end) in &spans {
            if col <= start {
                break;
            }
            if col < end {
                return m_start;
            }
            if col == end {
                return m_end;
            }
            shift = m_end as isize - end as isize;
        }
        col.saturating_add_signed(shift)
    };
    (masked, map)
}

/// `(errors, warnings)` among `diagnostics`.
pub fn counts(diagnostics: &[Diagnostic]) -> (usize, usize) {
    let errors = diagnostics.iter().filter(|d| d.is_error()).count();
    (errors, diagnostics.len() - errors)
}

/// Sorts `diagnostics` into reading order: those without a position first, then by
/// file (in the order the files were read) and position.
pub fn sort(diagnostics: &mut [Diagnostic], sources: &[SourceFile]) {
    diagnostics.sort_by_key(|d| {
        d.range.as_ref().map(|r| {
            let file = sources
                .iter()
                .position(|f| f.name == r.filename)
                .unwrap_or(usize::MAX);
            (file, r.start.byte)
        })
    });
}
