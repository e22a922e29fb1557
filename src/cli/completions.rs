//! `assistform completions SHELL`: a completion script generated from the very clap
//! definitions the command line is parsed with, so it cannot drift from them.

use super::{Error, Output, exit};

/// Print a shell completion script.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  assistform completions bash > ~/.local/share/bash-completion/completions/assistform\n  assistform completions zsh > ~/.zfunc/_assistform   # a directory on $fpath\n  assistform completions fish > ~/.config/fish/completions/assistform.fish\n  assistform completions powershell >> $PROFILE"
)]
pub struct Args {
    /// The shell.
    #[arg(value_enum)]
    shell: clap_complete::Shell,
}

pub fn run(args: Args, out: &Output) -> Result<i32, Error> {
    let mut command = super::command();
    let name = command.get_name().to_owned();
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut command, name, &mut script);
    out.stdout(&String::from_utf8(script)?);
    Ok(exit::OK)
}
