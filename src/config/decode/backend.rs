//! The `backend` block: where the state, its lock, the journal and the audit record
//! live. Only settings that may be written down go here; the connection string
//! comes from the environment or `--backend-config`.

use hcl_edit::Span;
use hcl_edit::structure::Block;

use super::{Decoder, Schema};
use crate::backend::Declared;
use crate::config::eval::Scope;
use crate::diagnostic::{Code, Diagnostic};

const PG: Schema = Schema {
    what: "a `backend \"pg\"` block",
    attrs: &["schema_name"],
    blocks: &[],
};
const LOCAL: Schema = Schema {
    what: "a `backend \"local\"` block",
    attrs: &[],
    blocks: &[],
};

impl Decoder<'_> {
    pub(super) fn backend(
        &mut self,
        file: usize,
        block: &Block,
        scope: &Scope,
    ) -> Option<Declared> {
        let (kind, at) = self.label(
            file,
            block,
            "backend \"pg\" { schema_name = \"assistform\" }",
        )?;
        match kind.as_str() {
            "local" => {
                self.fields(file, &block.body, &LOCAL, None);
                Some(Declared::Local)
            }
            "pg" => {
                let fields = self.fields(file, &block.body, &PG, None);
                let schema_name = match fields.attrs.get("schema_name") {
                    Some(attr) => {
                        let (name, _) = self.string(scope, file, attr, None)?;
                        if !crate::backend::pg::valid_schema_name(&name) {
                            self.report(
                                Diagnostic::error(Code::BackendInvalid, format!("`{name}` is not a schema name"))
                                    .detail("A schema name is a lowercase letter or `_`, then lowercase letters, digits and `_`, at most 63 in all."),
                                &Self::located(file, attr.value.span()),
                                None,
                            );
                            return None;
                        }
                        name
                    }
                    None => "assistform".to_owned(),
                };
                Some(Declared::Pg { schema_name })
            }
            other => {
                self.report(
                    Diagnostic::error(Code::BackendInvalid, format!("unknown backend `{other}`"))
                        .detail("The backends are `local` (files in the state directory, the default) and `pg` (PostgreSQL)."),
                    &at,
                    None,
                );
                None
            }
        }
    }
}
