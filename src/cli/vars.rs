//! The variable flags shared by every command that reads a configuration.

use std::path::PathBuf;

use crate::config::VarInputs;

#[derive(Debug, Clone, clap::Args)]
pub struct VarArgs {
    /// Set a variable: `--var name=value` (repeatable; wins over files and environment).
    #[arg(long = "var", value_name = "NAME=VALUE")]
    vars: Vec<String>,
    /// Read variable values from a `*.vars.hcl` file (repeatable).
    #[arg(long = "var-file", value_name = "FILE")]
    var_files: Vec<PathBuf>,
}

impl VarArgs {
    /// The inputs, with `ASSISTFORM_VAR_*` taken from this process's environment.
    pub fn inputs(&self) -> VarInputs {
        VarInputs {
            env: VarInputs::env_from(std::env::vars()),
            var_files: self.var_files.clone(),
            vars: self.vars.clone(),
        }
    }
}
