//! Terminal colours, for whatever renders text a person reads on a terminal.

/// `text` in the terminal colour `code` (an SGR code such as `1;31`), or as it is
/// without `color`.
pub fn paint(color: bool, code: &str, text: &str) -> String {
    if color {
        format!("\x1b[{code}m{text}\x1b[0m")
    } else {
        text.to_owned()
    }
}
