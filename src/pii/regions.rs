//! Which countries' national phone formats count as phone numbers.
//!
//! Every country writes its numbers differently, and a digit run that is a
//! valid national number somewhere is a valid national number of some country
//! almost always. So national formats are recognised only for the countries an
//! org works in; `+` numbers are recognised for every country.

use std::fmt;
use std::str::FromStr;

use phonenumber::country::Id;

/// The countries whose national formats are phone numbers. Never empty: North
/// America (the NANP's US and Canada) unless a configuration or the org names others.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PhoneRegions(Vec<Id>);

/// A region code that libphonenumber's metadata does not know.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("unknown phone region `{code}`")]
pub struct UnknownRegion {
    pub code: String,
}

impl PhoneRegions {
    /// The US and Canada, which share the NANP's formats.
    pub fn north_america() -> PhoneRegions {
        PhoneRegions(vec![Id::US, Id::CA])
    }

    /// The regions named by ISO 3166 codes (`"GB"`, `"de"`); North America when
    /// `codes` is empty.
    ///
    /// # Errors
    ///
    /// [`UnknownRegion`] for the first code that names no region of the metadata.
    pub fn parse<S: AsRef<str>>(codes: &[S]) -> Result<PhoneRegions, UnknownRegion> {
        let mut ids = Vec::with_capacity(codes.len());
        for code in codes {
            let id = parse_id(code.as_ref())?;
            if !ids.contains(&id) {
                ids.push(id);
            }
        }
        Ok(if ids.is_empty() {
            PhoneRegions::north_america()
        } else {
            PhoneRegions(ids)
        })
    }

    /// An org's regions from its `defaultCountryCode`, North America when it has
    /// none or one the metadata does not know.
    pub fn for_country(code: Option<&str>) -> PhoneRegions {
        code.and_then(|c| parse_id(c).ok())
            .map_or_else(PhoneRegions::north_america, |id| PhoneRegions(vec![id]))
    }

    pub(super) fn ids(&self) -> &[Id] {
        &self.0
    }
}

impl Default for PhoneRegions {
    fn default() -> PhoneRegions {
        PhoneRegions::north_america()
    }
}

impl fmt::Display for PhoneRegions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<&str> = self.0.iter().map(AsRef::as_ref).collect();
        f.write_str(&names.join(", "))
    }
}

fn parse_id(code: &str) -> Result<Id, UnknownRegion> {
    let unknown = || UnknownRegion {
        code: code.to_owned(),
    };
    let upper = code.trim().to_ascii_uppercase();
    if upper.len() != 2 {
        return Err(unknown());
    }
    let id = Id::from_str(&upper).map_err(|_| unknown())?;
    // The metadata's Id enum also has entries (such as `001`-style
    // non-geographic ones) that are not countries; only those with metadata count.
    phonenumber::metadata::DATABASE
        .by_id(id.as_ref())
        .map(|_| id)
        .ok_or_else(unknown)
}
