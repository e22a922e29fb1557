//! Addresses as the command line names them: `<kind>.<label>`, of a kind this build
//! manages.

use super::OpsError;
use crate::kind::Address;

/// `address`, parsed.
///
/// # Errors
///
/// [`OpsError::NotAnAddress`] when it is not the address of a kind this build
/// manages.
pub fn parse(address: &str) -> Result<Address, OpsError> {
    crate::kinds::parse_address(address).map_err(|_| OpsError::NotAnAddress {
        address: address.to_owned(),
    })
}
