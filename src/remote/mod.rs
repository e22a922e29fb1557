//! The Genesys Cloud client: the only module that speaks HTTP.

pub mod region;
