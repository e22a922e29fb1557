//! The configuration as a workflow needs it: loaded and checked, and checked again
//! against the org it is planned for.

use std::path::Path;

use super::{Notice, Observer, OpsError};
use crate::config::{self, Config, LoadError, Loaded, VarInputs};
use crate::diagnostic::{self, Code, Diagnostic};
use crate::org::Organization;
use crate::pii::PhoneRegions;
use crate::validate::check_config;

/// The configuration in `dir` and every problem with it, offline: what `validate`
/// reports. A configuration that cannot be read is one diagnostic, `config.read`,
/// of an empty configuration.
pub fn validate(dir: &Path, vars: &VarInputs) -> Loaded {
    checked(dir, vars).unwrap_or_else(|err| Loaded {
        config: Config::default(),
        diagnostics: vec![Diagnostic::error(Code::ConfigRead, err.to_string())],
    })
}

/// The configuration in `dir`, with the problems decoding found and the checks
/// find, sorted by where they are.
fn checked(dir: &Path, vars: &VarInputs) -> Result<Loaded, LoadError> {
    let mut loaded = config::load(dir, vars, crate::kinds::decoders())?;
    loaded.diagnostics.extend(check_config(&loaded.config));
    diagnostic::sort(&mut loaded.diagnostics, &loaded.config.sources);
    Ok(loaded)
}

/// The configuration in `dir`, checked; its warnings told to `observer`.
///
/// # Errors
///
/// [`OpsError::Load`] when it cannot be read, [`OpsError::InvalidConfig`] with every
/// diagnostic when it has errors.
pub(super) fn load_checked(
    dir: &Path,
    vars: &VarInputs,
    observer: &dyn Observer,
) -> Result<Config, OpsError> {
    let Loaded {
        config,
        diagnostics,
    } = checked(dir, vars)?;
    if diagnostics.iter().any(Diagnostic::is_error) {
        return Err(OpsError::InvalidConfig {
            config: Box::new(config),
            diagnostics,
        });
    }
    if !diagnostics.is_empty() {
        observer.notice(Notice::Diagnostics {
            config: &config,
            diagnostics: &diagnostics,
        });
    }
    Ok(config)
}

/// Refuses phone numbers that are PII in the org's own country, which `validate`
/// (offline, North America) could not know. Nothing to refuse when the
/// configuration names its `phone_regions`, or the org's country adds nothing.
///
/// # Errors
///
/// [`OpsError::InvalidForOrg`], masked as the org's country reads them.
pub(super) fn check_for_org(config: &Config, org: &Organization) -> Result<(), OpsError> {
    let regions = PhoneRegions::for_country(org.default_country_code.as_deref());
    if config.phone_regions.is_some() || regions == PhoneRegions::north_america() {
        return Ok(());
    }
    let mut with_org = config.clone();
    with_org.phone_regions = Some(regions);
    let found: Vec<Diagnostic> = check_config(&with_org)
        .into_iter()
        .filter(|d| d.is_error() && d.code == Code::PiiPhone)
        .collect();
    if found.is_empty() {
        return Ok(());
    }
    Err(OpsError::InvalidForOrg {
        org: org.name.clone(),
        config: Box::new(with_org),
        diagnostics: found,
    })
}
