//! `assistform`: Genesys Cloud Agent Assist prompts as code.
//!
//! The modules follow the flow of data: [`config`] reads HCL into a [`config::Config`],
//! [`validate`] checks it, [`ops`] holds the workflows (plan, apply, import, the
//! state edits), and the CLI layer ([`cli`]) is the only one that prints.

pub mod apply;
pub mod audit;
pub mod backend;
pub mod cli;
pub mod clock;
pub mod config;
pub mod diagnostic;
pub mod emulator;
pub mod fmt;
pub mod graph;
pub mod hmac_key;
pub mod hooks;
pub mod import;
pub mod input_file;
pub mod kind;
pub mod kinds;
pub mod ops;
pub mod org;
pub mod paint;
pub mod pii;
pub mod plan;
pub mod region;
pub mod remote;
pub mod state;
pub mod suggest;
pub mod tls;
pub mod validate;
