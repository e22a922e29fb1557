//! Integration tests: one binary, one module per area.

mod audit;
mod cli;
mod emulator;
mod fmt;
mod plan;
mod remote;
mod support;
mod validate;
mod variables;
