//! Cursor paging as Agent Copilot's listings answer it: `pageSize` (a string in the
//! SDK, default 25) and `after` or `before` in; `{entities, nextUri, previousUri,
//! selfUri}` out, with no total. The next page is reached only through `nextUri`.
//!
//! A cursor is opaque to clients. Here it is the sort key of the entity a page ends
//! (or starts) at, as base64url JSON: it stays valid when that entity is changed or
//! deleted, and a page never repeats or skips an entity that stayed put.

use std::cmp::Ordering;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Map, Value};

use super::error::ApiError;
use super::listing::parameter;

pub(crate) const DEFAULT_PAGE_SIZE: usize = 25;

/// Where a page is: at the start, or next to the entity with this sort key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Position {
    First,
    /// The entities that follow the key.
    After(Vec<String>),
    /// The entities that precede the key, the nearest ones.
    Before(Vec<String>),
}

/// What a request asks for: a page size and a position.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Cursor {
    pub size: usize,
    pub position: Position,
}

/// `pageSize` (1 to `max`, default 25) and the `after` or `before` cursor, whose
/// sort key `fits` must accept: one made for another order is refused.
pub(crate) fn from_query(
    parameters: &[(String, String)],
    max: usize,
    fits: impl Fn(&[String]) -> bool,
) -> Result<Cursor, ApiError> {
    let size = page_size(parameters, "pageSize", max)?.unwrap_or(DEFAULT_PAGE_SIZE);
    let given = |name: &str| parameter(parameters, name).filter(|v| !v.is_empty());
    let position = match (given("after"), given("before")) {
        (Some(_), Some(_)) => {
            return Err(ApiError::bad_request(
                "Give `after` or `before`, not both: a page is reached from one side.",
            )
            .param("parameter", "before"));
        }
        (Some(after), None) => Position::After(decode(after, "after", &fits)?),
        (None, Some(before)) => Position::Before(decode(before, "before", &fits)?),
        (None, None) => Position::First,
    };
    Ok(Cursor { size, position })
}

/// The page size in parameter `name` (`pageSize`, or an older name for it), 1 to
/// `max`; `None` when not given.
pub(crate) fn page_size(
    parameters: &[(String, String)],
    name: &str,
    max: usize,
) -> Result<Option<usize>, ApiError> {
    let Some(value) = parameter(parameters, name) else {
        return Ok(None);
    };
    value
        .trim()
        .parse::<usize>()
        .ok()
        .filter(|n| (1..=max).contains(n))
        .map(Some)
        .ok_or_else(|| {
            ApiError::bad_request(format!(
                "`{name}` must be a whole number from 1 to {max}, not `{value}`."
            ))
            .param("parameter", name)
        })
}

fn encode(key: &[String]) -> String {
    URL_SAFE_NO_PAD.encode(serde_json::to_vec(key).unwrap_or_default())
}

fn decode(
    cursor: &str,
    name: &str,
    fits: impl Fn(&[String]) -> bool,
) -> Result<Vec<String>, ApiError> {
    URL_SAFE_NO_PAD
        .decode(cursor)
        .ok()
        .and_then(|bytes| serde_json::from_slice::<Vec<String>>(&bytes).ok())
        .filter(|key| fits(key))
        .ok_or_else(|| {
            ApiError::bad_request(format!(
                "`{name}` is not a cursor of this listing: use the `nextUri` or `previousUri` of a page listed in the same order."
            ))
            .param("parameter", name)
        })
}

/// A page of rows, and where the pages next to it are.
#[derive(Debug)]
pub(crate) struct Page<T> {
    pub items: Vec<T>,
    pub next: Option<Position>,
    pub previous: Option<Position>,
}

/// The page `cursor` asks for out of `rows` (sort key, row), which are in listing
/// order under `order`.
pub(crate) fn page<T>(
    mut rows: Vec<(Vec<String>, T)>,
    cursor: &Cursor,
    order: impl Fn(&[String], &[String]) -> Ordering,
) -> Page<T> {
    let (start, end) = match &cursor.position {
        Position::First => (0, cursor.size.min(rows.len())),
        Position::After(key) => {
            let start = rows.partition_point(|(k, _)| order(k, key) != Ordering::Greater);
            (start, start.saturating_add(cursor.size).min(rows.len()))
        }
        Position::Before(key) => {
            let end = rows.partition_point(|(k, _)| order(k, key) == Ordering::Less);
            (end.saturating_sub(cursor.size), end)
        }
    };
    let len = rows.len();
    rows.truncate(end);
    let items: Vec<(Vec<String>, T)> = rows.drain(start..).collect();
    let next = match items.last() {
        Some((key, _)) if end < len => Some(Position::After(key.clone())),
        _ => None,
    };
    let previous = match (items.first(), &cursor.position) {
        (Some((key, _)), _) if start > 0 => Some(Position::Before(key.clone())),
        // Past the end: the way back is from the cursor itself.
        (None, Position::After(key)) if start > 0 => Some(Position::Before(key.clone())),
        _ => None,
    };
    Page {
        items: items.into_iter().map(|(_, item)| item).collect(),
        next,
        previous,
    }
}

/// `path?filters&pageSize=…&after=…` (or `before=…`), the filters encoded.
pub(crate) fn uri(path: &str, filters: &[(&str, String)], size: usize, at: &Position) -> String {
    let mut query = url::form_urlencoded::Serializer::new(String::new());
    for (key, value) in filters {
        query.append_pair(key, value);
    }
    query.append_pair("pageSize", &size.to_string());
    match at {
        Position::First => {}
        Position::After(key) => {
            query.append_pair("after", &encode(key));
        }
        Position::Before(key) => {
            query.append_pair("before", &encode(key));
        }
    }
    format!("{path}?{}", query.finish())
}

/// The listing's answer: `nextUri` and `previousUri` only where there is such a page.
pub(crate) fn answer(
    entities: Vec<Value>,
    path: &str,
    filters: &[(&str, String)],
    cursor: &Cursor,
    next: Option<&Position>,
    previous: Option<&Position>,
) -> Value {
    let link = |at: &Position| Value::from(uri(path, filters, cursor.size, at));
    let mut out = Map::new();
    out.insert("entities".into(), Value::Array(entities));
    if let Some(at) = next {
        out.insert("nextUri".into(), link(at));
    }
    if let Some(at) = previous {
        out.insert("previousUri".into(), link(at));
    }
    out.insert("selfUri".into(), link(&cursor.position));
    Value::Object(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(n: usize) -> Vec<(Vec<String>, usize)> {
        (0..n).map(|i| (vec![format!("{i:02}")], i)).collect()
    }

    fn key(i: usize) -> Vec<String> {
        vec![format!("{i:02}")]
    }

    fn at(position: Position, size: usize) -> Cursor {
        Cursor { size, position }
    }

    #[test]
    fn pages_follow_each_other_both_ways() {
        let asc = |a: &[String], b: &[String]| a.cmp(b);
        let first = page(rows(7), &at(Position::First, 3), asc);
        assert_eq!(first.items, [0, 1, 2]);
        assert_eq!(first.next, Some(Position::After(key(2))));
        assert_eq!(first.previous, None);
        let last = page(rows(7), &at(Position::After(key(5)), 3), asc);
        assert_eq!((last.items, last.next), (vec![6], None));
        assert_eq!(last.previous, Some(Position::Before(key(6))));
        let back = page(rows(7), &at(Position::Before(key(6)), 3), asc);
        assert_eq!(back.items, [3, 4, 5]);
        assert_eq!(back.previous, Some(Position::Before(key(3))));
        let start = page(rows(7), &at(Position::Before(key(2)), 3), asc);
        assert_eq!((start.items, start.previous), (vec![0, 1], None));
        // The entity a cursor names may be gone: the page starts after its key.
        let gone = page(rows(7), &at(Position::After(vec!["03x".into()]), 2), asc);
        assert_eq!(gone.items, [4, 5]);
        let past = page(rows(7), &at(Position::After(key(9)), 2), asc);
        assert!(past.items.is_empty() && past.next.is_none());
        assert_eq!(past.previous, Some(Position::Before(key(9))));
    }

    #[test]
    fn a_descending_order_pages_from_the_top() {
        let desc = |a: &[String], b: &[String]| b.cmp(a);
        let mut reversed = rows(5);
        reversed.reverse();
        let first = page(reversed.clone(), &at(Position::First, 2), desc);
        assert_eq!(first.items, [4, 3]);
        let second = page(reversed, &at(first.next.unwrap(), 2), desc);
        assert_eq!(second.items, [2, 1]);
    }

    #[test]
    fn cursors_round_trip_and_bad_ones_are_named() {
        let one = |key: &[String]| key.len() == 1;
        let cursor = from_query(
            &[
                ("pageSize".into(), "10".into()),
                ("after".into(), encode(&key(4))),
            ],
            100,
            one,
        )
        .unwrap();
        assert_eq!(cursor, at(Position::After(key(4)), 10));
        for (name, value) in [
            ("pageSize", "101"),
            ("pageSize", "0"),
            ("pageSize", "ten"),
            ("after", "not-a-cursor"),
            ("before", "WyJhIiwiYiJd"),
        ] {
            let error = from_query(&[(name.into(), value.into())], 100, one).unwrap_err();
            assert_eq!(error.params["parameter"], name, "{name}={value}");
            assert!(error.message.contains(&format!("`{name}`")));
        }
        assert_eq!(from_query(&[], 100, one).unwrap().size, DEFAULT_PAGE_SIZE);
    }
}
