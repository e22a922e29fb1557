//! Which configuration a state manages. A state names the prompts of one
//! configuration; planning another against it would propose destroying all of them.
//! The state records the configuration's path — relative to the repository root, so
//! that it is the same on every clone and CI machine, or, outside a repository,
//! relative to the state directory — and a plan of another path is refused.

use std::path::{Component, Path, PathBuf};

use super::{State, StateError};

/// The identity of the configuration in `config_dir` for the state in `state_dir`:
/// its path from the root of the git repository holding it, or from the state
/// directory when it is in none. Always `/`-separated; `.` for the root itself.
///
/// # Errors
///
/// [`StateError::Io`] when the configuration directory cannot be resolved.
pub fn config_identity(config_dir: &Path, state_dir: &Path) -> Result<String, StateError> {
    let config = config_dir.canonicalize().map_err(|source| StateError::Io {
        action: "resolve",
        path: config_dir.to_path_buf(),
        source,
    })?;
    let base = match repository_root(&config) {
        Some(root) => root,
        None => resolved(state_dir),
    };
    Ok(relative(&config, &base))
}

/// Refuses a state that records another configuration than `identity`, unless the
/// user says the configuration moved.
///
/// # Errors
///
/// [`StateError::OtherConfiguration`] naming both.
pub fn check(
    state: &State,
    place: &str,
    identity: &str,
    config_moved: bool,
) -> Result<(), StateError> {
    match &state.config {
        Some(recorded) if recorded != identity && !config_moved => {
            Err(StateError::OtherConfiguration {
                place: place.to_owned(),
                recorded: recorded.clone(),
                given: identity.to_owned(),
            })
        }
        _ => Ok(()),
    }
}

/// The nearest ancestor of `dir` (itself included) that holds `.git`.
fn repository_root(dir: &Path) -> Option<PathBuf> {
    dir.ancestors()
        .find(|d| d.join(".git").exists())
        .map(Path::to_path_buf)
}

/// `dir` made absolute with its links resolved, as far as it exists: a state
/// directory is often created by the first apply.
fn resolved(dir: &Path) -> PathBuf {
    let absolute = std::path::absolute(dir).unwrap_or_else(|_| dir.to_path_buf());
    let mut missing = Vec::new();
    let mut existing = absolute.as_path();
    loop {
        if let Ok(real) = existing.canonicalize() {
            return missing.iter().rev().fold(real, |p, c| p.join(c));
        }
        match (existing.parent(), existing.file_name()) {
            (Some(parent), Some(name)) => {
                missing.push(name.to_owned());
                existing = parent;
            }
            _ => return absolute,
        }
    }
}

/// `path` relative to `base`, both absolute and normalised.
fn relative(path: &Path, base: &Path) -> String {
    let path: Vec<Component> = path.components().collect();
    let base: Vec<Component> = base.components().collect();
    let common = path.iter().zip(&base).take_while(|(a, b)| a == b).count();
    let mut parts: Vec<String> =
        std::iter::repeat_n("..".to_owned(), base.len() - common).collect();
    parts.extend(
        path[common..]
            .iter()
            .map(|c| c.as_os_str().to_string_lossy().into_owned()),
    );
    if parts.is_empty() {
        ".".to_owned()
    } else {
        parts.join("/")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_paths_climb_and_descend() {
        let rel = |p: &str, b: &str| relative(Path::new(p), Path::new(b));
        assert_eq!(rel("/r/examples/quickstart", "/r"), "examples/quickstart");
        assert_eq!(rel("/r/proj", "/r/proj/state"), "..");
        assert_eq!(rel("/r/a", "/r/b/state"), "../../a");
        assert_eq!(rel("/r", "/r"), ".");
    }

    #[test]
    fn inside_a_repository_the_path_is_from_its_root_wherever_the_state_is() {
        let repo = tempfile::tempdir().unwrap();
        std::fs::create_dir(repo.path().join(".git")).unwrap();
        std::fs::create_dir_all(repo.path().join("teams/billing")).unwrap();
        let config = repo.path().join("teams/billing");
        for state in [repo.path().join("state"), PathBuf::from("/nowhere/state")] {
            assert_eq!(config_identity(&config, &state).unwrap(), "teams/billing");
        }
    }

    #[test]
    fn outside_a_repository_the_path_is_from_the_state_directory() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("config")).unwrap();
        let identity =
            config_identity(&dir.path().join("config"), &dir.path().join("state")).unwrap();
        assert_eq!(identity, "../config");
    }

    #[test]
    fn another_configuration_is_refused_unless_it_moved() {
        let state = State {
            config: Some("examples/quickstart".into()),
            ..State::default()
        };
        let dir = "`state`";
        assert!(check(&state, dir, "examples/quickstart", false).is_ok());
        let refused = check(&state, dir, "examples/lifecycle", false).unwrap_err();
        assert!(
            refused.to_string().contains("`examples/quickstart`")
                && refused.to_string().contains("`examples/lifecycle`"),
            "{refused}"
        );
        assert!(check(&state, dir, "examples/lifecycle", true).is_ok());
        assert!(check(&State::default(), dir, "anything", false).is_ok());
    }
}
