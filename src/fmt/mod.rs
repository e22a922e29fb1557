//! `assistform fmt`'s engine: canonical formatting of HCL source, in the
//! style of `terraform fmt`.
//!
//! The source is parsed with `hcl-edit` (for validation, error positions and
//! the block/attribute structure), re-lexed into tokens, and laid out again:
//!
//! * two spaces of indentation per nesting level (blocks and multi-line
//!   brackets);
//! * `=` aligned across runs of consecutive single-line attributes (a run
//!   ends at a blank line, a comment-only line, a block, a multi-line value;
//!   an attribute whose value is a heredoc ends its run);
//! * trailing comments aligned across consecutive lines that have one;
//! * canonical spacing between tokens (`["a", "b"]`, `{ a = 1 }`, `f(x)`,
//!   `a + -1`, ...); strings, templates and heredocs are kept verbatim;
//! * one-line blocks are expanded, empty blocks become `name {}`;
//! * at most one blank line in a row, none after `{` or before `}`, no
//!   trailing whitespace, one final newline, `\n` line endings.

mod layout;
pub(crate) mod lexer;
mod render;
#[cfg(test)]
mod tests;

/// Error returned by [`format`].
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum FormatError {
    /// The source does not parse; line/column 1-based, column counted in chars.
    #[error("{message}")]
    Syntax {
        line: usize,
        column: usize,
        message: String,
    },
}

/// Canonical formatting of one HCL file's source. Idempotent: format(format(x)) == format(x).
/// # Errors
/// `FormatError::Syntax` when `src` is not valid HCL.
pub fn format(src: &str) -> Result<String, FormatError> {
    hcl_edit::parser::parse_body(src).map_err(|e| syntax_error(src, &e))?;

    let normalized = src.replace("\r\n", "\n");
    let body =
        hcl_edit::parser::parse_body(&normalized).map_err(|e| syntax_error(&normalized, &e))?;
    let tokens = layout::body_tokens(&normalized, &body);
    let out = render::render(&tokens);

    // Only whitespace between tokens changes, so the result must parse to
    // the same structure (decor and spans are ignored by `==`). Never hand
    // back something that means something else: keep the input instead.
    let same = hcl_edit::parser::parse_body(&out)
        .is_ok_and(|reparsed| without_layout(reparsed) == without_layout(body));
    if !same {
        debug_assert!(false, "formatting changed the meaning:\n{out}");
        return Ok(src.to_owned());
    }
    Ok(out)
}

/// `body` with the whitespace and comments that `==` still compares removed
/// (the "trailing" text before a closing bracket).
fn without_layout(mut body: hcl_edit::structure::Body) -> hcl_edit::structure::Body {
    use hcl_edit::expr::{Array, FuncArgs, Object};
    use hcl_edit::visit_mut::{self, VisitMut};

    struct ClearTrailing;
    impl VisitMut for ClearTrailing {
        fn visit_array_mut(&mut self, node: &mut Array) {
            node.set_trailing("");
            visit_mut::visit_array_mut(self, node);
        }
        fn visit_object_mut(&mut self, node: &mut Object) {
            node.set_trailing("");
            visit_mut::visit_object_mut(self, node);
        }
        fn visit_func_args_mut(&mut self, node: &mut FuncArgs) {
            node.set_trailing("");
            visit_mut::visit_func_args_mut(self, node);
        }
    }

    ClearTrailing.visit_body_mut(&mut body);
    body
}

/// Maps a parser error to [`FormatError::Syntax`].
///
/// The parser's column is byte-based on some lines, so the position is
/// recomputed from the byte offset. For a string, comment or heredoc that is
/// never closed the parser reports where it backtracked to (the start of the
/// item, possibly lines earlier); when closing that token moves or removes
/// the error, the token's start is reported instead.
fn syntax_error(src: &str, err: &hcl_edit::parser::Error) -> FormatError {
    let mut offset = error_offset(src, err);
    let mut message = err.message().to_owned();
    if let Some(unclosed) = lexer::first_unclosed(src)
        && explains_error(src, &unclosed, offset)
    {
        offset = unclosed.start;
        unclosed.kind.message().clone_into(&mut message);
    }
    let (line, column) = line_column(src, offset);
    FormatError::Syntax {
        line,
        column,
        message,
    }
}

/// Whether the unclosed token is the cause of the parser error at `offset`:
/// closing it makes the source parse, or moves the error further on.
fn explains_error(src: &str, unclosed: &lexer::UnclosedToken, offset: usize) -> bool {
    let Some(closer) = unclosed.closer(src) else {
        return (unclosed.start..=unclosed.end).contains(&offset);
    };
    let fixed = [&src[..unclosed.end], &closer, &src[unclosed.end..]].concat();
    match hcl_edit::parser::parse_body(&fixed) {
        Ok(_) => true,
        Err(e) => error_offset(&fixed, &e) > offset,
    }
}

/// Byte offset of a parser error. The parser clamps its offset to the last
/// byte and adds one to the column when the error is at the end of input;
/// undo that.
fn error_offset(src: &str, err: &hcl_edit::parser::Error) -> usize {
    let loc = err.location();
    if src.is_empty() {
        return 0;
    }
    // May fall inside a multi-byte char at the end of input: work on bytes.
    let offset = loc.offset().min(src.len() - 1);
    let line_begin = src.as_bytes()[..offset]
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |i| i + 1);
    // The column as the parser computes it for `offset` itself.
    let column_at_offset = src
        .get(line_begin..=offset)
        .map_or(offset - line_begin + 1, |s| s.chars().count());
    (offset + loc.column().saturating_sub(column_at_offset)).min(src.len())
}

/// 1-based line and column (in chars) of a byte offset.
fn line_column(src: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(src.len());
    while !src.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &src[..offset];
    let line_begin = before.rfind('\n').map_or(0, |i| i + 1);
    let line = before.matches('\n').count() + 1;
    let column = before[line_begin..].chars().count() + 1;
    (line, column)
}
