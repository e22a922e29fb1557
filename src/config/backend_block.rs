//! The `backend` block alone, for the commands that read no configuration
//! (`state`, `audit`, `workspace`, `apply PLANFILE`): they find the state where the
//! configuration in the working directory keeps it, as Terraform's do.

use std::path::Path;

use hcl_edit::expr::Expression;
use hcl_edit::structure::{BlockLabel, Structure};

use crate::backend::Declared;

/// The backend the `*.hcl` files in `dir` declare, if one does; a file that does
/// not parse is passed over (the commands that read the configuration report it).
pub fn declared_backend(dir: &Path) -> Option<Declared> {
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .ok()?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| {
            p.extension().is_some_and(|e| e == "hcl") && !p.to_string_lossy().ends_with(".vars.hcl")
        })
        .collect();
    files.sort();
    files.iter().find_map(|path| {
        let text = std::fs::read_to_string(path).ok()?;
        let body = hcl_edit::parser::parse_body(&text).ok()?;
        body.iter().find_map(|structure| match structure {
            Structure::Block(block) if block.ident.as_str() == "backend" => {
                let label = match block.labels.first()? {
                    BlockLabel::String(s) => s.as_str().to_owned(),
                    BlockLabel::Ident(i) => i.as_str().to_owned(),
                };
                match label.as_str() {
                    "local" => Some(Declared::Local),
                    "pg" => {
                        let schema_name = block
                            .body
                            .get_attribute("schema_name")
                            .and_then(|a| match &a.value {
                                Expression::String(s) => Some(s.as_str().to_owned()),
                                _ => None,
                            })
                            .unwrap_or_else(|| "assistform".to_owned());
                        Some(Declared::Pg { schema_name })
                    }
                    _ => None,
                }
            }
            _ => None,
        })
    })
}
