//! Finding and reading a directory's configuration files.

use std::fs;
use std::path::{Path, PathBuf};

use hcl_edit::structure::Body;

use super::{LoadError, Located};
use crate::diagnostic::{Code, Diagnostic, SourceFile};
use crate::fmt::lexer::UnclosedBracket;
use crate::input_file;

/// One parsed file: its index in the source list and its syntax tree.
pub(super) struct Parsed {
    pub file: usize,
    pub body: Body,
}

/// What a directory holds: configuration files and `*.auto.vars.hcl` files, each in
/// name order. Other `*.vars.hcl` files load only through `--var-file`.
pub(super) struct Discovered {
    pub config: Vec<PathBuf>,
    pub auto_vars: Vec<PathBuf>,
}

pub(super) fn discover(dir: &Path) -> Result<Discovered, LoadError> {
    let io = |source| LoadError::Io {
        path: dir.to_path_buf(),
        source,
    };
    if !dir.is_dir() {
        return Err(LoadError::NotADirectory {
            path: dir.to_path_buf(),
        });
    }
    let mut names: Vec<String> = Vec::new();
    for entry in fs::read_dir(dir).map_err(io)? {
        let entry = entry.map_err(io)?;
        // Whatever the entry is — a link, a directory, a FIFO — a name that says
        // configuration is read as configuration, or is an error when it cannot be:
        // skipping it would plan the destruction of every prompt it declares.
        if let Some(name) = entry.file_name().to_str()
            && is_configuration_name(name)
        {
            names.push(name.to_owned());
        }
    }
    names.sort();
    let (vars, config): (Vec<_>, Vec<_>) =
        names.into_iter().partition(|n| n.ends_with(".vars.hcl"));
    if config.is_empty() {
        return Err(LoadError::NoConfiguration {
            path: dir.to_path_buf(),
        });
    }
    Ok(Discovered {
        config: config.iter().map(|n| dir.join(n)).collect(),
        auto_vars: vars
            .iter()
            .filter(|n| n.ends_with(".auto.vars.hcl"))
            .map(|n| dir.join(n))
            .collect(),
    })
}

/// Whether a directory entry named `name` is read as configuration: `*.hcl`, except
/// hidden names, which editors use for lock and swap files (Terraform ignores them
/// too).
pub fn is_configuration_name(name: &str) -> bool {
    name.ends_with(".hcl") && !name.starts_with('.')
}

/// The largest configuration file read: room for tens of thousands of prompts of
/// the longest content, small enough to hold in memory.
pub const MAX_CONFIG_FILE_BYTES: u64 = 64 * 1024 * 1024;

/// The largest file of variable values read (`*.vars.hcl`, `--var-file`).
pub const MAX_VARS_FILE_BYTES: u64 = 16 * 1024 * 1024;

/// Reads and parses one file of at most `limit` bytes, adding it to `sources`.
/// Problems with its contents become diagnostics; the file's text is kept (lossily,
/// if it is not UTF-8) so that they can show it.
pub(super) fn read(
    path: &Path,
    limit: u64,
    sources: &mut Vec<SourceFile>,
    diagnostics: &mut Vec<Diagnostic>,
) -> Result<Option<Parsed>, LoadError> {
    let bytes = input_file::read(path, limit)?;
    let name = input_file::display_name(path);
    let file = sources.len();
    let text = match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(err) => {
            let at = err.utf8_error().valid_up_to();
            let lossy = String::from_utf8_lossy(err.as_bytes()).into_owned();
            sources.push(SourceFile::new(name, lossy));
            let located = Located {
                file,
                bytes: at..at + 1,
            };
            diagnostics.push(
                Diagnostic::error(Code::SyntaxEncoding, "file is not valid UTF-8")
                    .detail(
                        "Configuration files must be UTF-8 text; the first invalid byte is marked.",
                    )
                    .range(Some(located.range(sources))),
            );
            return Ok(None);
        }
    };
    sources.push(SourceFile::new(name, text));
    let text = &sources[file].text;
    if let Some(at) = nesting_too_deep(text) {
        let located = Located {
            file,
            bytes: at..at + 1,
        };
        diagnostics.push(
            Diagnostic::error(Code::Syntax, "expressions nest too deeply")
                .detail(format!(
                    "Brackets and braces may nest at most {MAX_NESTING} levels deep."
                ))
                .range(Some(located.range(sources))),
        );
        return Ok(None);
    }
    match hcl_edit::parser::parse_body(text) {
        Ok(body) => Ok(Some(Parsed { file, body })),
        Err(err) => {
            let source = &sources[file];
            let offset = err.location().offset().min(source.text.len());
            // The parser backtracks to the start of the construct, so look at the
            // whole line it stopped on.
            let line_end = source.text[offset..]
                .find('\n')
                .map_or(source.text.len(), |i| offset + i + 1);
            let unclosed = unclosed_bracket(&source.text, offset);
            let diagnostic = match (unterminated_string(&source.text[..line_end]), unclosed) {
                (Some(quote), _) => Diagnostic::error(Code::Syntax, "unterminated string")
                    .detail("This string has no closing `\"` on its line; strings cannot span lines (use a heredoc, `<<-EOT … EOT`, for text over several lines).")
                    .range(Some(Located { file, bytes: quote..quote + 1 }.range(sources))),
                // The parser stops where it can go no further, often the end of the
                // file; the bracket left open is where the fix goes.
                (None, Some(bracket)) => {
                    let opener = &source.text[bracket.open..=bracket.open];
                    let gave_up = source.pos(offset);
                    Diagnostic::error(Code::Syntax, format!("unclosed `{opener}`"))
                        .detail(format!(
                            "Nothing closes this `{opener}`: parsing gave up at {}:{}:{} ({}). Add the `{}` where it should end.",
                            source.name, gave_up.line, gave_up.column, err.message(), bracket.closer
                        ))
                        .range(Some(Located { file, bytes: bracket.open..bracket.open + 1 }.range(sources)))
                }
                (None, None) => Diagnostic::error(Code::Syntax, format!("invalid HCL: {}", err.message()))
                    .detail("The file could not be parsed; fix the syntax at the marked position.")
                    .range(Some(Located { file, bytes: offset..offset + 1 }.range(sources))),
            };
            diagnostics.push(diagnostic);
            Ok(None)
        }
    }
}

const MAX_NESTING: usize = 128;

/// The parser recurses once per nesting level, so absurd nesting would overflow the
/// stack: refuse it up front. Counting brackets outside strings is enough for that.
fn nesting_too_deep(text: &str) -> Option<usize> {
    let mut depth = 0usize;
    let mut in_string = false;
    let mut escaped = false;
    for (i, b) in text.bytes().enumerate() {
        if in_string {
            match b {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                b'"' | b'\n' => in_string = false,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'{' | b'[' | b'(' => {
                depth += 1;
                if depth > MAX_NESTING {
                    return Some(i);
                }
            }
            b'}' | b']' | b')' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    None
}

/// The bracket left open that explains a parse error at `offset`: one opened before
/// it, whose closer, put where it most likely belongs, lets the text parse or moves
/// the error further on.
fn unclosed_bracket(text: &str, offset: usize) -> Option<UnclosedBracket> {
    let bracket = crate::fmt::lexer::unclosed_bracket(text)?;
    if bracket.open > offset {
        return None;
    }
    let added = format!("\n{}\n", bracket.closer);
    let explains = |&at: &usize| {
        let fixed = [&text[..at], &added, &text[at..]].concat();
        hcl_edit::parser::parse_body(&fixed)
            .map_or_else(|e| e.location().offset() > offset + added.len(), |_| true)
    };
    bracket.places.iter().any(explains).then_some(bracket)
}

/// The opening quote of a string left open on the last complete line before a syntax
/// error, which the parser reports only later and more vaguely.
fn unterminated_string(before_error: &str) -> Option<usize> {
    // Only the error's line and the one before: further up, a heredoc's text may
    // hold quotes of its own.
    let lines: Vec<(usize, &str)> = before_error
        .split_inclusive('\n')
        .scan(0, |start, line| {
            let at = *start;
            *start += line.len();
            Some((at, line))
        })
        .collect();
    lines[lines.len().saturating_sub(2)..]
        .iter()
        .find_map(|&(start, line)| {
            open_quote(line.trim_end_matches(['\r', '\n'])).map(|q| start + q)
        })
}

/// The byte offset of a `"` that `line` opens but does not close, skipping `#` comments.
fn open_quote(line: &str) -> Option<usize> {
    let mut open = None;
    let mut escaped = false;
    for (i, c) in line.char_indices() {
        match (open, c) {
            (Some(_), _) if escaped => escaped = false,
            (Some(_), '\\') => escaped = true,
            (Some(_), '"') => open = None,
            (None, '"') => open = Some(i),
            (None, '#') => return None,
            _ => {}
        }
    }
    open
}
