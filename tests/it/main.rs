//! Integration tests: one binary, one module per area.

mod adopt_blocks;
mod apply;
mod audit;
mod canned;
mod checklists;
mod cli;
mod config_files;
mod destroy;
mod docs;
mod emulator;
mod fmt;
mod history;
mod hold;
mod import;
mod managed;
mod org;
mod outside_numbers;
mod plan;
mod plan_file;
mod recovery;
mod remote;
mod resource_limits;
mod state_cmd;
mod support;
mod validate;
mod variables;
