//! The documentation against the code: links that resolve, and every diagnostic
//! code listed in the README.

use std::path::Path;

use regex::Regex;

use crate::support::repo;

fn markdown_files() -> Vec<std::path::PathBuf> {
    let mut files = vec![repo().join("README.md")];
    for entry in std::fs::read_dir(repo().join("docs")).expect("docs/") {
        let path = entry.expect("entry").path();
        if path.extension().is_some_and(|e| e == "md") {
            files.push(path);
        }
    }
    files
}

#[test]
fn relative_links_resolve() {
    let link = Regex::new(r"\]\(([^)\s]+)\)").expect("regex");
    let mut broken = Vec::new();
    for file in markdown_files() {
        let text = std::fs::read_to_string(&file).expect("read");
        for target in link.captures_iter(&text).map(|c| c[1].to_owned()) {
            if target.contains("://") || target.starts_with('#') || target.starts_with("mailto:") {
                continue;
            }
            let path = target.split('#').next().unwrap_or_default();
            let dir = file.parent().unwrap_or(Path::new("."));
            if !dir.join(path).exists() {
                broken.push(format!("{}: {target}", file.display()));
            }
        }
    }
    assert!(broken.is_empty(), "broken links:\n{}", broken.join("\n"));
}

/// Every diagnostic code (the one list of them, `diagnostic::Code`) is named in the
/// README's list of codes, alone or as `prefix.*`.
#[test]
fn readme_lists_every_diagnostic_code() {
    let mut codes: Vec<String> = assistform::diagnostic::Code::ALL
        .iter()
        .map(|c| c.as_str().to_owned())
        .collect();
    codes.sort();
    codes.dedup();
    assert!(codes.len() > 30, "{codes:?}");
    let readme = std::fs::read_to_string(repo().join("README.md")).expect("README");
    let list = &readme[readme.find("Diagnostic codes:").expect("the list of codes")..];
    let list = &list[..list.find("\n\n").unwrap_or(list.len())];
    let missing: Vec<&String> = codes
        .iter()
        .filter(|code| {
            let family = code.split('.').next().unwrap_or_default();
            !list.contains(&format!("`{code}`")) && !list.contains(&format!("`{family}.*`"))
        })
        .collect();
    assert!(missing.is_empty(), "not in the README's list: {missing:?}");
}
