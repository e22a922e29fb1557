//! Terraform's spelling of long flags with one dash (`-out=tfplan`, `-var 'a=b'`,
//! `-auto-approve`). Habit types them, and clap would read `-out` as the short flags
//! `-o -u -t`; so the names assistform shares with Terraform are rewritten to
//! `--out` before clap parses. Any other single-dash word is left for clap to refuse.

use std::ffi::OsString;

/// The long flags assistform shares with Terraform, which spells them with one dash.
pub(super) const SHARED: &[&str] = &[
    "auto-approve",
    "check",
    "chdir",
    "detailed-exitcode",
    "diff",
    "help",
    "json",
    "lock-timeout",
    "no-color",
    "out",
    "parallelism",
    "recursive",
    "refresh-only",
    "target",
    "var",
    "var-file",
    "version",
];

/// `args` (program name first) with the shared flags in their `--long` form; nothing
/// after a `--` is touched, since it is no flag.
pub(super) fn rewrite(args: impl IntoIterator<Item = OsString>) -> Vec<OsString> {
    let mut args = args.into_iter();
    let mut out: Vec<OsString> = args.next().into_iter().collect();
    for arg in args.by_ref() {
        let end_of_flags = arg == "--";
        out.push(long_form(arg));
        if end_of_flags {
            break;
        }
    }
    out.extend(args);
    out
}

fn long_form(arg: OsString) -> OsString {
    let Some(flag) = arg
        .to_str()
        .and_then(|a| a.strip_prefix('-'))
        .filter(|f| !f.starts_with('-'))
    else {
        return arg;
    };
    let name = flag.split_once('=').map_or(flag, |(name, _)| name);
    if SHARED.contains(&name) {
        format!("--{flag}").into()
    } else {
        arg
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rewritten(args: &[&str]) -> Vec<String> {
        rewrite(args.iter().map(OsString::from))
            .into_iter()
            .map(|a| a.into_string().expect("utf-8"))
            .collect()
    }

    /// The list names flags this CLI really has (clap's own `--help` and `--version`
    /// aside), so that no word is rewritten into a flag that does not exist.
    #[test]
    fn every_shared_name_is_a_long_flag_of_some_command() {
        fn longs(command: &clap::Command, into: &mut Vec<String>) {
            into.extend(
                command
                    .get_arguments()
                    .filter_map(|a| a.get_long().map(str::to_owned)),
            );
            for sub in command.get_subcommands() {
                longs(sub, into);
            }
        }
        let mut all = Vec::new();
        longs(
            &<super::super::Cli as clap::CommandFactory>::command(),
            &mut all,
        );
        for name in SHARED.iter().filter(|n| !["help", "version"].contains(n)) {
            assert!(all.iter().any(|l| l == name), "no command has `--{name}`");
        }
    }

    #[test]
    fn shared_names_get_two_dashes_and_nothing_else_changes() {
        assert_eq!(
            rewritten(&[
                "assistform",
                "-chdir=conf",
                "plan",
                "-out=tfplan",
                "-var",
                "a=-b",
                "-h",
                "-output",
                "--json",
                "-",
                "--",
                "-json",
            ]),
            [
                "assistform",
                "--chdir=conf",
                "plan",
                "--out=tfplan",
                "--var",
                "a=-b",
                "-h",
                "-output",
                "--json",
                "-",
                "--",
                "-json",
            ]
        );
    }
}
