//! Where and how the CLI prints: colour only on a terminal, never with `--no-color`
//! or `NO_COLOR`.

use std::io::{IsTerminal, Write};

use crate::paint::paint;

#[derive(Clone, Copy, Debug)]
pub struct Output {
    pub color: bool,
}

impl Output {
    pub fn new(no_color: bool) -> Output {
        let no_color_env = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        Output {
            color: !no_color
                && !no_color_env
                && std::io::stdout().is_terminal()
                && std::io::stderr().is_terminal(),
        }
    }

    pub fn stdout(&self, text: &str) {
        let mut out = std::io::stdout().lock();
        let _ = out.write_all(text.as_bytes());
        let _ = out.flush();
    }

    pub fn stderr(&self, text: &str) {
        let mut err = std::io::stderr().lock();
        let _ = err.write_all(text.as_bytes());
    }

    pub fn error(&self, message: &str) {
        let label = self.paint("1;31", "error");
        self.stderr(&format!("{label}: {message}\n"));
    }

    pub fn warning(&self, message: &str) {
        let label = self.paint("1;33", "warning");
        self.stderr(&format!("{label}: {message}\n"));
    }

    pub fn paint(&self, code: &str, text: &str) -> String {
        paint(self.color, code, text)
    }
}
