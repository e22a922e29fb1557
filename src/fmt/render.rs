//! Lays a token stream out as text: blank lines, indentation, spacing and
//! alignment of `=` signs and trailing comments.

use super::lexer::{Kind, Tok};

const INDENT: usize = 2;

/// Renders a token stream (with explicit [`Kind::Newline`] tokens) as
/// canonical text. The result is empty or ends with exactly one newline.
pub(super) fn render(tokens: &[Tok<'_>]) -> String {
    let lines = normalize_blank_lines(tokens.split(|t| t.kind == Kind::Newline));
    let indents = indents(&lines);
    let spaces = spacing(&lines);
    let mut rows: Vec<Row> = lines
        .iter()
        .zip(indents)
        .zip(spaces)
        .map(|((line, indent), space)| Row::new(line, indent, &space))
        .collect();
    align_assignments(&mut rows);
    align_comments(&mut rows);

    let mut out = String::new();
    for row in &rows {
        row.write(&mut out);
        out.push('\n');
    }
    out
}

/// Drops leading and trailing blank lines, collapses runs of blank lines and
/// removes blank lines right after an opening or before a closing bracket.
fn normalize_blank_lines<'t, 'a: 't>(
    lines: impl Iterator<Item = &'t [Tok<'a>]>,
) -> Vec<&'t [Tok<'a>]> {
    let mut out: Vec<&[Tok]> = Vec::new();
    for line in lines {
        if line.is_empty() {
            let keep = out
                .last()
                .is_some_and(|prev| !prev.is_empty() && !opens(prev));
            if keep {
                out.push(line);
            }
        } else {
            if line[0].is_closer() && out.last().is_some_and(|prev| prev.is_empty()) {
                out.pop();
            }
            out.push(line);
        }
    }
    while out.last().is_some_and(|l| l.is_empty()) {
        out.pop();
    }
    out
}

/// Whether the last non-comment token of `line` opens a bracket.
fn opens(line: &[Tok<'_>]) -> bool {
    line.iter()
        .rev()
        .find(|t| !t.is_comment())
        .is_some_and(Tok::is_opener)
}

/// Indentation (in nesting levels) of each line.
///
/// Brackets opened on one line indent the following lines by one level, no
/// matter how many were opened (`foo({`). Closing brackets at the start of a
/// line dedent that line itself; when they close only part of a level that
/// the same line then reopens (`}, {` inside `[{ ... }]`), the line sits at
/// the outer level and the level continues.
fn indents(lines: &[&[Tok<'_>]]) -> Vec<usize> {
    // Each frame is one indentation level and counts the brackets it holds.
    let mut frames: Vec<usize> = Vec::new();
    let mut out = Vec::with_capacity(lines.len());
    for line in lines {
        let leading = line.iter().take_while(|t| t.is_closer()).count();
        let mut partial = close(&mut frames, leading);
        out.push(frames.len() - usize::from(partial));
        let mut opened = 0usize;
        for tok in &line[leading..] {
            if tok.is_opener() {
                opened += 1;
            } else if tok.is_closer() {
                if opened > 0 {
                    opened -= 1;
                } else {
                    close(&mut frames, 1);
                    partial = false;
                }
            }
        }
        match frames.last_mut() {
            Some(top) if partial => *top += opened,
            _ if opened > 0 => frames.push(opened),
            _ => {}
        }
    }
    out
}

/// Closes `n` brackets from the innermost frames; returns whether the last
/// frame touched was only partly closed (and so is still open).
fn close(frames: &mut Vec<usize>, mut n: usize) -> bool {
    while n > 0 {
        let Some(top) = frames.last_mut() else {
            return false;
        };
        if n >= *top {
            n -= *top;
            frames.pop();
        } else {
            *top -= n;
            return true;
        }
    }
    false
}

/// For each line, whether a space goes before each token (index 0 unused).
fn spacing(lines: &[&[Tok<'_>]]) -> Vec<Vec<bool>> {
    let mut before: Option<Tok<'_>> = None;
    let mut out = Vec::with_capacity(lines.len());
    for line in lines {
        let mut space = vec![false; line.len()];
        for i in 0..line.len() {
            if i > 0 {
                space[i] = space_between(before.as_ref(), &line[i - 1], &line[i]);
                if !line[i - 1].is_comment() {
                    before = Some(line[i - 1]);
                }
            }
        }
        if let Some(last) = line.iter().rev().find(|t| !t.is_comment()) {
            before = Some(*last);
        }
        out.push(space);
    }
    out
}

/// Whether a space separates `a` and `b`; `before` is the last non-comment
/// token before `a`.
fn space_between(before: Option<&Tok<'_>>, a: &Tok<'_>, b: &Tok<'_>) -> bool {
    if a.is("{") && b.is("}") {
        return false;
    }
    if a.is("{") || b.is("}") {
        return true;
    }
    if a.is(".") || b.is(".") || b.is(",") || b.is("...") || b.is(")") || b.is("]") {
        return false;
    }
    if a.is("(") || a.is("[") {
        return false;
    }
    if a.is(",") {
        return true;
    }
    if a.is("::") || b.is("::") {
        return false;
    }
    // `for x in [a, b]`: `in` is a keyword here, not a value being indexed.
    if a.is_ident("in") && before.is_some_and(|t| t.kind == Kind::Ident) {
        return true;
    }
    if b.is("(") && a.kind == Kind::Ident {
        return false;
    }
    if b.is("[") && (matches!(a.kind, Kind::Ident | Kind::Number) || a.is_closer()) {
        return false;
    }
    if a.is("!") {
        return false;
    }
    if a.is("-") && !ends_operand(before) {
        // Negation rather than subtraction.
        return false;
    }
    true
}

/// Whether `tok` can end an operand, making a following `-` binary.
fn ends_operand(tok: Option<&Tok<'_>>) -> bool {
    tok.is_some_and(|t| {
        matches!(
            t.kind,
            Kind::Ident | Kind::Number | Kind::Str | Kind::Heredoc
        ) || t.is_closer()
    })
}

fn token_text(tok: &Tok<'_>) -> String {
    match tok.kind {
        Kind::LineComment => tok.text.trim_end().to_owned(),
        Kind::BlockComment => tok
            .text
            .split('\n')
            .map(str::trim_end)
            .collect::<Vec<_>>()
            .join("\n"),
        _ => tok.text.to_owned(),
    }
}

fn join(toks: &[Tok<'_>], space: &[bool]) -> String {
    let mut s = String::new();
    for (i, tok) in toks.iter().enumerate() {
        if i > 0 && space[i] {
            s.push(' ');
        }
        s.push_str(&token_text(tok));
    }
    s
}

fn width(s: &str) -> usize {
    s.chars().count()
}

/// One output line split into cells: `lead`, then optionally an `assign`
/// cell starting at `=`, then optionally a trailing `comment`.
struct Row {
    indent: usize,
    lead: String,
    assign: Option<String>,
    comment: Option<String>,
    /// The line may take part in `=` alignment.
    assign_alignable: bool,
    /// The assign cell spans lines (a heredoc): alignment ends after it.
    ends_assign_run: bool,
    /// The line may take part in trailing-comment alignment.
    comment_alignable: bool,
    assign_pad: usize,
    comment_pad: usize,
}

impl Row {
    fn new(line: &[Tok<'_>], level: usize, space: &[bool]) -> Row {
        let n = line.len();
        let comment_at = if n > 1 && line[n - 1].is_comment() {
            Some(n - 1)
        } else {
            None
        };
        let lead_end = comment_at.unwrap_or(n);
        let assign_at = (1..lead_end)
            .find(|&i| line[i].is("="))
            .filter(|&i| net_brackets(&line[i..lead_end]) == 0);
        let head_end = assign_at.unwrap_or(lead_end);
        let multiline = |toks: &[Tok<'_>]| toks.iter().any(Tok::is_multiline);
        Row {
            indent: level * INDENT,
            lead: join(&line[..head_end], space),
            assign: assign_at.map(|i| join(&line[i..lead_end], &space[i..])),
            comment: comment_at.map(|i| token_text(&line[i])),
            assign_alignable: assign_at.is_some() && !multiline(&line[..head_end]),
            ends_assign_run: multiline(&line[head_end..lead_end]),
            comment_alignable: comment_at.is_some() && !multiline(&line[..lead_end]),
            assign_pad: 1,
            comment_pad: 1,
        }
    }

    fn lead_width(&self) -> usize {
        self.indent + width(&self.lead)
    }

    fn content_width(&self) -> usize {
        self.lead_width()
            + self
                .assign
                .as_ref()
                .map_or(0, |a| self.assign_pad + width(a))
    }

    fn write(&self, out: &mut String) {
        if self.lead.is_empty() {
            return; // blank line
        }
        out.extend(std::iter::repeat_n(' ', self.indent));
        out.push_str(&self.lead);
        if let Some(assign) = &self.assign {
            out.extend(std::iter::repeat_n(' ', self.assign_pad));
            out.push_str(assign);
        }
        if let Some(comment) = &self.comment {
            out.extend(std::iter::repeat_n(' ', self.comment_pad));
            out.push_str(comment);
        }
    }
}

fn net_brackets(toks: &[Tok<'_>]) -> isize {
    toks.iter()
        .map(|t| isize::from(t.is_opener()) - isize::from(t.is_closer()))
        .sum()
}

/// Aligns `=` across runs of consecutive lines that have an assign cell.
fn align_assignments(rows: &mut [Row]) {
    let mut i = 0;
    while i < rows.len() {
        if !rows[i].assign_alignable {
            i += 1;
            continue;
        }
        let mut end = i + 1;
        while !rows[end - 1].ends_assign_run && end < rows.len() && rows[end].assign_alignable {
            end += 1;
        }
        let max = rows[i..end].iter().map(Row::lead_width).max().unwrap_or(0);
        for row in &mut rows[i..end] {
            row.assign_pad = max - row.lead_width() + 1;
        }
        i = end;
    }
}

/// Aligns trailing comments across runs of consecutive lines that have one.
fn align_comments(rows: &mut [Row]) {
    let mut i = 0;
    while i < rows.len() {
        if !rows[i].comment_alignable {
            i += 1;
            continue;
        }
        let mut end = i + 1;
        while end < rows.len() && rows[end].comment_alignable {
            end += 1;
        }
        let max = rows[i..end]
            .iter()
            .map(Row::content_width)
            .max()
            .unwrap_or(0);
        for row in &mut rows[i..end] {
            row.comment_pad = max - row.content_width() + 1;
        }
        i = end;
    }
}
