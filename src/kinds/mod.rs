//! The kinds of resource assistform manages, each in its own folder. The registry
//! below is the one list of them: adding a kind is a folder and a line here (see
//! `docs/adding-a-kind.md`).

pub mod agent_checklist;
pub mod assistant;
pub mod canned_response;
pub mod copilot;
pub(crate) mod findings;
pub mod prompt;
pub mod response_library;
#[cfg(test)]
mod toy;
pub mod wire;

use crate::config::KindDecoder;
use crate::kind::Kind;

// Libraries before responses: a refresh reads the responses of the libraries it
// has read.
#[cfg(not(test))]
static KINDS: &[KindDecoder] = &[
    prompt::DECODER,
    response_library::DECODER,
    canned_response::DECODER,
    agent_checklist::DECODER,
    assistant::DECODER,
    copilot::DECODER,
];
#[cfg(test)]
static KINDS: &[KindDecoder] = &[
    prompt::DECODER,
    response_library::DECODER,
    canned_response::DECODER,
    agent_checklist::DECODER,
    assistant::DECODER,
    copilot::DECODER,
    toy::DECODER,
];

/// Every kind, in the order they are documented.
pub fn all() -> impl ExactSizeIterator<Item = &'static dyn Kind> {
    KINDS.iter().map(|k| k.kind)
}

/// Every kind, with how the configuration decodes its blocks.
pub fn decoders() -> &'static [KindDecoder] {
    KINDS
}

/// The kind whose HCL block type, and address prefix, is `name`.
pub fn find(name: &str) -> Option<&'static dyn Kind> {
    all().find(|k| k.name() == name)
}

/// How an address is written, for messages: `prompt.<label>` when one kind is
/// registered, `<kind>.<label>` naming them when there are more.
pub fn address_form() -> String {
    let names: Vec<&str> = all().map(|k| k.name()).collect();
    crate::kind::address_form(&names)
}

/// `, the kind one of a, b, c` when more than one kind is registered, for a
/// message that shows [`address_form`].
pub fn kind_list() -> String {
    let names: Vec<&str> = all().map(|k| k.name()).collect();
    match names.as_slice() {
        [_] => String::new(),
        names => format!(" (the kind one of {})", names.join(", ")),
    }
}

/// The singular noun for objects of `kinds`: the kind's name when they are all of
/// one (or when there are none, and one kind is registered), `resource` otherwise.
pub fn noun<'a>(mut kinds: impl Iterator<Item = &'a str>) -> &'a str {
    match kinds.next() {
        Some(first) if kinds.all(|k| k == first) => first,
        Some(_) => "resource",
        None => match KINDS {
            [only] => only.kind.name(),
            _ => "resource",
        },
    }
}

/// `address` parsed, when its kind is one this build manages.
///
/// # Errors
///
/// A message naming the address and how one is written.
pub fn parse_address(address: &str) -> Result<crate::kind::Address, String> {
    address
        .parse::<crate::kind::Address>()
        .ok()
        .filter(|a| find(a.kind()).is_some())
        .ok_or_else(|| {
            let noun = noun(all().map(|k| k.name()));
            format!(
                "`{address}` is not a {noun} address: an address is `{}`{}, the label a letter or `_` then letters, digits, `_` and `-`",
                address_form(),
                kind_list()
            )
        })
}
