//! Prompt addresses, `prompt.<label>`, as the state and the command line name them.

use super::OpsError;
use crate::import::labels::is_label;

/// The label of `address`.
///
/// # Errors
///
/// [`OpsError::NotAnAddress`] when it is not `prompt.<label>`.
pub fn prompt_label(address: &str) -> Result<&str, OpsError> {
    address
        .strip_prefix("prompt.")
        .filter(|l| is_label(l))
        .ok_or_else(|| OpsError::NotAnAddress {
            address: address.to_owned(),
        })
}
