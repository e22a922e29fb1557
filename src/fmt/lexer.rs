//! A small HCL lexer that is just precise enough to re-space tokens.
//!
//! For formatting it runs only over text that `hcl-edit` already accepted.
//! Strings, heredocs and comments are kept as opaque tokens so that their
//! content is reproduced verbatim. On invalid input it is only used to find a
//! string, comment or heredoc that is never closed, for a better error
//! position.

/// The kind of a lexed token.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Kind {
    /// A `\n` line break.
    Newline,
    /// `# ...` or `// ...`, without the line break.
    LineComment,
    /// `/* ... */`, possibly spanning lines.
    BlockComment,
    /// `<<EOT` / `<<-EOT` through the closing marker, verbatim.
    Heredoc,
    /// A quoted string template, including nested interpolations.
    Str,
    /// A number literal.
    Number,
    /// An identifier or keyword.
    Ident,
    /// An operator or a bracket.
    Punct,
}

/// One token: its kind and its source text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Tok<'a> {
    pub(super) kind: Kind,
    pub(super) text: &'a str,
}

impl<'a> Tok<'a> {
    pub(super) const NEWLINE: Tok<'static> = Tok {
        kind: Kind::Newline,
        text: "\n",
    };
    pub(super) const OPEN_BRACE: Tok<'static> = Tok {
        kind: Kind::Punct,
        text: "{",
    };
    pub(super) const CLOSE_BRACE: Tok<'static> = Tok {
        kind: Kind::Punct,
        text: "}",
    };

    /// Whether this is the punctuation `p`.
    pub(super) fn is(&self, p: &str) -> bool {
        self.kind == Kind::Punct && self.text == p
    }

    pub(super) fn is_ident(&self, name: &str) -> bool {
        self.kind == Kind::Ident && self.text == name
    }

    pub(super) fn is_opener(&self) -> bool {
        self.is("{") || self.is("[") || self.is("(")
    }

    pub(super) fn is_closer(&self) -> bool {
        self.is("}") || self.is("]") || self.is(")")
    }

    pub(super) fn is_comment(&self) -> bool {
        matches!(self.kind, Kind::LineComment | Kind::BlockComment)
    }

    /// Whether the token's text runs over more than one line.
    pub(super) fn is_multiline(&self) -> bool {
        self.text.contains('\n')
    }
}

fn is_id_start(c: char) -> bool {
    c.is_alphabetic() || c == '_'
}

fn is_id_continue(c: char) -> bool {
    c.is_alphanumeric() || c == '_' || c == '-'
}

const PUNCT3: [&str; 1] = ["..."];
const PUNCT2: [&str; 8] = ["==", "!=", "<=", ">=", "&&", "||", "=>", "::"];

/// A kind of token that was opened but never closed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Unclosed {
    String,
    Comment,
    Heredoc,
    Interpolation,
}

impl Unclosed {
    pub(super) fn message(self) -> &'static str {
        match self {
            Unclosed::String => "unterminated string: no closing `\"` on this line",
            Unclosed::Comment => "unterminated comment: no closing `*/`",
            Unclosed::Heredoc => "unterminated heredoc: no closing marker line",
            Unclosed::Interpolation => "unterminated template interpolation: no closing `}`",
        }
    }
}

/// A token that was opened but never closed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct UnclosedToken {
    pub(super) kind: Unclosed,
    /// Byte offset of the token's start.
    pub(super) start: usize,
    /// Byte offset where the lexer gave up on it.
    pub(super) end: usize,
}

impl UnclosedToken {
    /// Text that closes the token when inserted at `end`, if there is a
    /// simple one.
    pub(super) fn closer(&self, src: &str) -> Option<String> {
        match self.kind {
            Unclosed::String => Some("\"".to_owned()),
            Unclosed::Comment => Some("*/".to_owned()),
            Unclosed::Heredoc => {
                let rest = src[self.start..]
                    .trim_start_matches('<')
                    .trim_start_matches('-');
                let len = rest
                    .find(|c: char| !is_id_continue(c))
                    .unwrap_or(rest.len());
                Some(format!("\n{}\n", &rest[..len]))
            }
            Unclosed::Interpolation => None,
        }
    }
}

/// End offset of a scanned token, and what is missing when it is not closed.
type Scanned = (usize, Option<Unclosed>);

/// Iterator over the tokens of a piece of HCL source. Whitespace other than
/// line breaks is skipped.
pub(super) struct Lexer<'a> {
    src: &'a str,
    pos: usize,
    /// Start offset and kind of the first unclosed token seen.
    unterminated: Option<(usize, Unclosed)>,
}

impl<'a> Lexer<'a> {
    pub(super) fn new(src: &'a str) -> Self {
        Lexer::at(src, 0)
    }

    fn at(src: &'a str, pos: usize) -> Self {
        Lexer {
            src,
            pos,
            unterminated: None,
        }
    }

    /// Byte offset just past the last token returned.
    pub(super) fn offset(&self) -> usize {
        self.pos
    }

    /// Scans the token starting at `start`.
    fn scan_token(&self, start: usize) -> (Kind, Scanned) {
        let src = self.src;
        let rest = &src[start..];
        let c = rest.chars().next().unwrap_or('\0');
        if c == '\n' {
            return (Kind::Newline, (start + 1, None));
        }
        if c == '#' || rest.starts_with("//") {
            let end = rest.find('\n').map_or(src.len(), |i| start + i);
            return (Kind::LineComment, (end, None));
        }
        if let Some(body) = rest.strip_prefix("/*") {
            let scanned = match body.find("*/") {
                Some(i) => (start + 2 + i + 2, None),
                None => (src.len(), Some(Unclosed::Comment)),
            };
            return (Kind::BlockComment, scanned);
        }
        if c == '"' {
            return (Kind::Str, scan_string(src, start));
        }
        if rest.starts_with("<<")
            && let Some(scanned) = scan_heredoc(src, start)
        {
            return (Kind::Heredoc, scanned);
        }
        if c.is_ascii_digit() {
            return (Kind::Number, (scan_number(src, start), None));
        }
        if is_id_start(c) {
            let len = rest
                .find(|ch: char| !is_id_continue(ch))
                .unwrap_or(rest.len());
            return (Kind::Ident, (start + len, None));
        }
        for p in PUNCT3.iter().chain(PUNCT2.iter()) {
            if rest.starts_with(p) {
                return (Kind::Punct, (start + p.len(), None));
            }
        }
        (Kind::Punct, (start + c.len_utf8(), None))
    }
}

impl<'a> Iterator for Lexer<'a> {
    type Item = Tok<'a>;

    fn next(&mut self) -> Option<Tok<'a>> {
        let rest = &self.src[self.pos..];
        let skip = rest
            .find(|c: char| c == '\n' || !c.is_whitespace())
            .unwrap_or(rest.len());
        let start = self.pos + skip;
        if start >= self.src.len() {
            self.pos = self.src.len();
            return None;
        }
        let (kind, (end, problem)) = self.scan_token(start);
        if let Some(problem) = problem {
            self.unterminated.get_or_insert((start, problem));
        }
        self.pos = end;
        Some(Tok {
            kind,
            text: &self.src[start..end],
        })
    }
}

/// The first token of `src` that is not closed (string, comment, heredoc or
/// template interpolation).
pub(super) fn first_unclosed(src: &str) -> Option<UnclosedToken> {
    let mut lexer = Lexer::new(src);
    while lexer.next().is_some() {
        if let Some((start, kind)) = lexer.unterminated {
            return Some(UnclosedToken {
                kind,
                start,
                end: lexer.offset(),
            });
        }
    }
    None
}

/// An opening bracket whose closing one never comes, by bracket count or by
/// indentation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct UnclosedBracket {
    /// Byte offset of the `{`, `[` or `(`.
    pub(crate) open: usize,
    /// The bracket that would close it.
    pub(crate) closer: &'static str,
    /// Where the closer may belong, likeliest first: the end of the opener's line
    /// when a list starts there and runs on (`["chat", "sms"` and no `]`); before
    /// the line of a bracket that closes an outer one; the end of the text.
    pub(crate) places: Vec<usize>,
}

/// The innermost bracket of `src` left open: one still open at the end, one that
/// meets the closer of another kind (`[` … `}`), or one whose matching closer starts
/// a line indented less than the line that opened it (a nested block's `}` forgotten,
/// so its parent's `}` closes it). `None` when a string, comment or heredoc is left
/// open, which explains the error better.
pub(crate) fn unclosed_bracket(src: &str) -> Option<UnclosedBracket> {
    let line_start = |at: usize| src[..at].rfind('\n').map_or(0, |i| i + 1);
    let indentation = |at: usize| {
        let line = line_start(at);
        let indent = src[line..]
            .find(|c: char| c != ' ' && c != '\t')
            .map_or(src.len(), |i| line + i);
        (indent - line, indent == at)
    };
    // A `[` or `(` followed by more on its own line was likely meant to close there.
    let found = |opened: usize, opener: &str, place: usize| {
        let line_end = src[opened..].find('\n').map_or(src.len(), |i| opened + i);
        let runs_on = !src[opened + 1..line_end].trim().is_empty();
        let mut places = Vec::new();
        if opener != "{" && runs_on && line_end < place {
            places.push(line_end);
        }
        places.push(place);
        UnclosedBracket {
            open: opened,
            closer: closer_of(opener),
            places,
        }
    };
    let mut open: Vec<(usize, &str)> = Vec::new();
    let mut lexer = Lexer::new(src);
    while let Some(tok) = lexer.next() {
        if lexer.unterminated.is_some() {
            return None;
        }
        let at = lexer.offset() - tok.text.len();
        if tok.is_opener() {
            open.push((at, tok.text));
            continue;
        }
        if !tok.is_closer() {
            continue;
        }
        let (opened, opener) = open.pop()?;
        let (indent, first_on_line) = indentation(at);
        if tok.text != closer_of(opener) || (first_on_line && indent < indentation(opened).0) {
            return Some(found(opened, opener, line_start(at)));
        }
    }
    let (opened, opener) = open.pop()?;
    Some(found(opened, opener, src.len()))
}

fn closer_of(opener: &str) -> &'static str {
    match opener {
        "{" => "}",
        "[" => "]",
        _ => ")",
    }
}

fn char_len_at(src: &str, i: usize) -> usize {
    src[i..].chars().next().map_or(1, char::len_utf8)
}

/// Scans a quoted template starting at the opening `"`.
fn scan_string(src: &str, start: usize) -> Scanned {
    let mut i = start + 1;
    while i < src.len() {
        let rest = &src[i..];
        if rest.starts_with('\\') {
            i += 1;
            if i < src.len() {
                i += char_len_at(src, i);
            }
        } else if rest.starts_with("$${") || rest.starts_with("%%{") {
            i += 3;
        } else if rest.starts_with("${") || rest.starts_with("%{") {
            let (end, problem) = scan_interpolation(src, i + 2);
            if problem.is_some() {
                return (end, problem);
            }
            i = end;
        } else if rest.starts_with('"') {
            return (i + 1, None);
        } else if rest.starts_with('\n') {
            // A quoted string cannot span lines.
            return (i, Some(Unclosed::String));
        } else {
            i += char_len_at(src, i);
        }
    }
    (src.len(), Some(Unclosed::String))
}

/// Scans the inside of `${ ... }` / `%{ ... }` starting after the opener, up
/// to and including the matching `}`.
fn scan_interpolation(src: &str, start: usize) -> Scanned {
    let mut depth = 0usize;
    let mut lexer = Lexer::at(src, start);
    while let Some(tok) = lexer.next() {
        if let Some((_, problem)) = lexer.unterminated {
            return (lexer.offset(), Some(problem));
        }
        if tok.is("{") {
            depth += 1;
        } else if tok.is("}") {
            if depth == 0 {
                return (lexer.offset(), None);
            }
            depth -= 1;
        }
    }
    (src.len(), Some(Unclosed::Interpolation))
}

/// Scans a heredoc starting at `<<` through its closing marker, or returns
/// `None` when the text is not a heredoc opener.
fn scan_heredoc(src: &str, start: usize) -> Option<Scanned> {
    let mut i = start + 2;
    if src[i..].starts_with('-') {
        i += 1;
    }
    let rest = &src[i..];
    if !rest.chars().next().is_some_and(is_id_start) {
        return None;
    }
    let len = rest
        .find(|ch: char| !is_id_continue(ch))
        .unwrap_or(rest.len());
    let delim = &rest[..len];
    i += len;
    if !src[i..].starts_with('\n') {
        return None;
    }
    i += 1;
    loop {
        if let Some(end) = closing_marker(src, i, delim) {
            return Some((end, None));
        }
        // Scan to the end of this line, skipping over interpolations.
        loop {
            if i >= src.len() {
                return Some((src.len(), Some(Unclosed::Heredoc)));
            }
            let rest = &src[i..];
            if rest.starts_with("$${") || rest.starts_with("%%{") {
                i += 3;
            } else if rest.starts_with("${") || rest.starts_with("%{") {
                let (end, problem) = scan_interpolation(src, i + 2);
                if problem.is_some() {
                    return Some((end, problem));
                }
                i = end;
            } else if rest.starts_with('\n') {
                i += 1;
                break;
            } else {
                i += char_len_at(src, i);
            }
        }
    }
}

/// If the line starting at `line_start` is the closing marker `delim`
/// (optionally indented), the offset just past the marker.
fn closing_marker(src: &str, line_start: usize, delim: &str) -> Option<usize> {
    let rest = &src[line_start..];
    let indent = rest
        .find(|c: char| c != ' ' && c != '\t')
        .unwrap_or(rest.len());
    let tail = rest[indent..].strip_prefix(delim)?;
    if tail.chars().next().is_some_and(is_id_continue) {
        return None;
    }
    Some(line_start + indent + delim.len())
}

fn scan_number(src: &str, start: usize) -> usize {
    let bytes = src.as_bytes();
    let is_digit = |i: usize| bytes.get(i).is_some_and(u8::is_ascii_digit);
    let digits = |mut i: usize| {
        while is_digit(i) {
            i += 1;
        }
        i
    };
    let mut i = digits(start);
    if bytes.get(i) == Some(&b'.') && is_digit(i + 1) {
        i = digits(i + 1);
    }
    if matches!(bytes.get(i), Some(b'e' | b'E')) {
        if is_digit(i + 1) {
            i = digits(i + 1);
        } else if matches!(bytes.get(i + 1), Some(b'+' | b'-')) && is_digit(i + 2) {
            i = digits(i + 2);
        }
    }
    i
}
