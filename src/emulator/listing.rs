//! Page-number paging as Response Management answers it: `pageSize` and
//! `pageNumber` in, `{entities, pageSize, pageNumber, total, pageCount, firstUri,
//! nextUri, previousUri, lastUri, selfUri}` out.

use serde_json::{Map, Value};

use super::error::ApiError;

pub(crate) const DEFAULT_PAGE_SIZE: usize = 25;

/// Which page a request asks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Paging {
    pub size: usize,
    pub number: usize,
}

impl Paging {
    /// Checks a page size against `max` and a page number against 1.
    pub fn new(size: usize, number: usize, max: usize) -> Result<Paging, ApiError> {
        if !(1..=max).contains(&size) {
            return Err(ApiError::bad_request(format!(
                "`pageSize` must be between 1 and {max}, not {size}."
            ))
            .param("parameter", "pageSize"));
        }
        if number < 1 {
            return Err(
                ApiError::bad_request("`pageNumber` starts at 1.").param("parameter", "pageNumber")
            );
        }
        Ok(Paging { size, number })
    }

    pub fn skip(self) -> usize {
        (self.number - 1).saturating_mul(self.size)
    }
}

/// The query's parameters, decoded, in order.
pub(crate) fn parameters(query: Option<&str>) -> Vec<(String, String)> {
    url::form_urlencoded::parse(query.unwrap_or("").as_bytes())
        .into_owned()
        .collect()
}

/// The last value of parameter `name`.
pub(crate) fn parameter<'a>(parameters: &'a [(String, String)], name: &str) -> Option<&'a str> {
    parameters
        .iter()
        .rev()
        .find(|(key, _)| key == name)
        .map(|(_, value)| value.as_str())
}

/// `pageSize` (default 25, at most `max`) and `pageNumber` (default 1) from a query.
pub(crate) fn from_query(parameters: &[(String, String)], max: usize) -> Result<Paging, ApiError> {
    let number = |name: &str, default: usize| match parameter(parameters, name) {
        None => Ok(default),
        Some(value) => value.parse::<usize>().map_err(|_| {
            ApiError::bad_request(format!("`{name}` must be a whole number, not `{value}`."))
                .param("parameter", name)
        }),
    };
    Paging::new(
        number("pageSize", DEFAULT_PAGE_SIZE)?,
        number("pageNumber", 1)?,
        max,
    )
}

/// A page of a listing; `uri` gives the address of page `n` (the page size and any
/// filter included).
pub(crate) fn page(
    entities: Vec<Value>,
    total: usize,
    paging: Paging,
    uri: Option<&dyn Fn(usize) -> String>,
) -> Value {
    let page_count = total.div_ceil(paging.size);
    let mut out = Map::new();
    out.insert("entities".into(), Value::Array(entities));
    out.insert("pageSize".into(), paging.size.into());
    out.insert("pageNumber".into(), paging.number.into());
    out.insert("total".into(), total.into());
    out.insert("pageCount".into(), page_count.into());
    if let Some(uri) = uri {
        out.insert("firstUri".into(), uri(1).into());
        out.insert("selfUri".into(), uri(paging.number).into());
        out.insert("lastUri".into(), uri(page_count.max(1)).into());
        if paging.number < page_count {
            out.insert("nextUri".into(), uri(paging.number + 1).into());
        }
        if paging.number > 1 {
            out.insert("previousUri".into(), uri(paging.number - 1).into());
        }
    }
    Value::Object(out)
}

/// `path?filters&pageSize=…&pageNumber=n`, the filters encoded.
pub(crate) fn uri(path: &str, filters: &[(&str, &str)], size: usize, number: usize) -> String {
    let mut query = url::form_urlencoded::Serializer::new(String::new());
    for (key, value) in filters {
        query.append_pair(key, value);
    }
    query.append_pair("pageSize", &size.to_string());
    query.append_pair("pageNumber", &number.to_string());
    format!("{path}?{}", query.finish())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_middle_page_links_both_ways() {
        let uri = |n: usize| uri("/x", &[("libraryId", "a b")], 2, n);
        let page = page(vec![], 5, Paging::new(2, 2, 100).unwrap(), Some(&uri));
        assert_eq!(page["pageCount"], 3);
        assert_eq!(page["nextUri"], "/x?libraryId=a+b&pageSize=2&pageNumber=3");
        assert_eq!(
            page["previousUri"],
            "/x?libraryId=a+b&pageSize=2&pageNumber=1"
        );
        assert_eq!(page["lastUri"], "/x?libraryId=a+b&pageSize=2&pageNumber=3");
    }

    #[test]
    fn sizes_outside_the_cap_are_refused() {
        assert!(Paging::new(101, 1, 100).is_err());
        assert!(Paging::new(0, 1, 100).is_err());
        assert!(Paging::new(100, 0, 100).is_err());
        let parameters = parameters(Some("pageSize=ten"));
        assert_eq!(
            from_query(&parameters, 100).unwrap_err().params["parameter"],
            "pageSize"
        );
    }
}
