//! `assistform state pull | push | migrate`.

use std::path::Path;

use super::{Error, Output, exit};
use crate::backend::Declared;
use crate::ops::{self, StateMoveOptions};

pub fn pull(options: &StateMoveOptions, out: &Output) -> Result<i32, Error> {
    out.stdout(&ops::state_pull(options)?);
    Ok(exit::OK)
}

pub fn push(options: &StateMoveOptions, file: &Path, out: &Output) -> Result<i32, Error> {
    let serial = ops::state_push(options, file)?;
    out.stdout(&format!(
        "Pushed `{}`: the state is now at serial {serial}.\n",
        file.display()
    ));
    Ok(exit::OK)
}

pub fn migrate(
    options: &StateMoveOptions,
    to: &str,
    schema_name: Option<String>,
    out: &Output,
) -> Result<i32, Error> {
    let to = match to {
        "pg" => Declared::Pg {
            schema_name: schema_name
                .or_else(|| match &options.backend.declared {
                    Some(Declared::Pg { schema_name }) => Some(schema_name.clone()),
                    _ => None,
                })
                .unwrap_or_else(|| "assistform".to_owned()),
        },
        _ => Declared::Local,
    };
    let moved = ops::state_migrate(options, &to)?;
    out.stdout(&format!(
        "Migrated the state ({} resources) and its audit record ({} records) from {} to {}.\nSet the configuration's `backend` block to match, and keep the source until `assistform audit verify` passes there.\n",
        moved.resources, moved.records, moved.from, moved.to
    ));
    Ok(exit::OK)
}
