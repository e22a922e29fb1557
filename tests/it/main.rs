//! Integration tests: one binary, one module per area.

mod cli;
mod emulator;
mod fmt;
mod support;
mod validate;
mod variables;
