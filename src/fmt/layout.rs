//! Turns a parsed body into a flat token stream with canonical line breaks.
//!
//! The structure (which items exist, where blocks open and close) comes from
//! the `hcl-edit` syntax tree; the tokens themselves are re-lexed from the
//! source spans so that nothing the parser keeps in decor is lost.

use super::lexer::{Kind, Lexer, Tok};
use hcl_edit::Span;
use hcl_edit::structure::{Block, Body, Structure};
use std::ops::Range;

/// Token stream for a whole file body parsed from `src`.
pub(super) fn body_tokens<'a>(src: &'a str, body: &Body) -> Vec<Tok<'a>> {
    let mut out = Vec::new();
    emit_items(src, body, 0..src.len(), &mut out);
    out
}

fn span_of(structure: &Structure) -> Range<usize> {
    structure
        .span()
        .expect("structures produced by the parser carry spans")
}

/// Emits the items of `body` which lie within `region`, with the comments and
/// line breaks found between them.
fn emit_items<'a>(src: &'a str, body: &Body, region: Range<usize>, out: &mut Vec<Tok<'a>>) {
    let mut pos = region.start;
    for structure in body.iter() {
        let span = span_of(structure);
        emit_gap(&src[pos..span.start], out);
        match structure {
            Structure::Attribute(_) => out.extend(Lexer::new(&src[span.clone()])),
            Structure::Block(block) => emit_block(src, block, span.clone(), out),
        }
        pos = span.end;
    }
    emit_gap(&src[pos..region.end], out);
}

/// Keeps the comments and line breaks of text between items.
fn emit_gap<'a>(gap: &'a str, out: &mut Vec<Tok<'a>>) {
    for tok in Lexer::new(gap) {
        debug_assert!(
            matches!(
                tok.kind,
                Kind::Newline | Kind::LineComment | Kind::BlockComment
            ),
            "unexpected token {tok:?} between items"
        );
        out.push(tok);
    }
}

fn emit_block<'a>(src: &'a str, block: &Block, span: Range<usize>, out: &mut Vec<Tok<'a>>) {
    // Header: identifier, labels and any inline comments, up to `{`.
    let text = &src[span.clone()];
    let mut lexer = Lexer::new(text);
    for tok in lexer.by_ref() {
        if tok.is("{") {
            break;
        }
        out.push(tok);
    }
    let body_start = span.start + lexer.offset();
    let body_end = span.end - 1;
    debug_assert_eq!(&src[body_end..span.end], "}");

    let mut inner = Vec::new();
    emit_items(src, &block.body, body_start..body_end, &mut inner);

    out.push(Tok::OPEN_BRACE);
    if inner.iter().all(|t| t.kind == Kind::Newline) {
        // Empty block: `name {}`.
    } else if inner.iter().any(|t| t.kind == Kind::Newline) {
        out.extend(inner);
    } else {
        // A one-line block `name { key = value }` is expanded.
        out.push(Tok::NEWLINE);
        out.extend(inner);
        out.push(Tok::NEWLINE);
    }
    out.push(Tok::CLOSE_BRACE);
}
