//! Integration tests: one binary, one module per area.

mod fmt;
mod support;
mod validate;
mod variables;
