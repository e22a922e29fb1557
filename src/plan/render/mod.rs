//! Renderers: text, markdown and JSON.
