//! `canned_response`: a text agents send with a click, shared through response
//! libraries (Genesys Response Management).

pub mod placeholders;
