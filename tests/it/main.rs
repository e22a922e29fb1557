//! Integration tests: one binary, one module per area.

mod adopt_blocks;
mod apply;
mod audit;
mod cli;
mod config_files;
mod emulator;
mod fmt;
mod import;
mod org;
mod outside_numbers;
mod plan;
mod remote;
mod resource_limits;
mod state_cmd;
mod support;
mod validate;
mod variables;
