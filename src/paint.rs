//! Text a person reads: terminal colours, and counted nouns.

/// `text` in the terminal colour `code` (an SGR code such as `1;31`), or as it is
/// without `color`.
pub fn paint(color: bool, code: &str, text: &str) -> String {
    if color {
        format!("\x1b[{code}m{text}\x1b[0m")
    } else {
        text.to_owned()
    }
}

/// `1 change`, `2 changes`: any count, as it prints.
pub fn plural(n: impl std::fmt::Display, noun: &str) -> String {
    let n = n.to_string();
    if n == "1" {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}
