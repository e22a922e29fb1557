//! Integration tests: one binary, one module per area.

mod cli;
mod emulator;
mod fmt;
mod remote;
mod support;
mod validate;
mod variables;
