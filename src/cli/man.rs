//! `assistform man [COMMAND]`: the manual page, in roff, generated from the clap
//! definitions like `--help`.

use super::{Error, Output, exit};

/// Print the manual page (roff) of assistform, or of one of its commands.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  assistform man | man -l -\n  assistform man > /usr/local/share/man/man1/assistform.1\n  assistform man plan > /usr/local/share/man/man1/assistform-plan.1"
)]
pub struct Args {
    /// A command, for its own page (`assistform-plan(1)`).
    command: Option<String>,
}

pub fn run(args: Args, out: &Output) -> Result<i32, Error> {
    let mut root = super::command();
    // Building names each command as a page (`assistform-plan`) and its synopsis
    // as it is typed (`assistform plan`).
    root.build();
    let command = match &args.command {
        None => root,
        Some(name) => match root.find_subcommand(name) {
            Some(sub) => sub.clone(),
            None => {
                let names: Vec<&str> = root.get_subcommands().map(|s| s.get_name()).collect();
                return Err(format!(
                    "`{name}` is not an assistform command; the commands are {}",
                    names.join(", ")
                )
                .into());
            }
        },
    };
    let source = format!("assistform {}", env!("CARGO_PKG_VERSION"));
    let mut page = Vec::new();
    clap_mangen::Man::new(command)
        .source(source)
        .render(&mut page)?;
    out.stdout(&title_first(&String::from_utf8(page)?));
    Ok(exit::OK)
}

/// `page` with its `.TH` line first: man-pages(7) asks for it as a page's first
/// request, and clap_mangen writes its apostrophe definitions before it.
fn title_first(page: &str) -> String {
    let Some(start) = page.find("\n.TH ").map(|i| i + 1) else {
        return page.to_owned();
    };
    let end = page[start..]
        .find('\n')
        .map_or(page.len(), |i| start + i + 1);
    [&page[start..end], &page[..start], &page[end..]].concat()
}
