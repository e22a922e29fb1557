//! The org: who it is, and what it lets through validation beyond the built-in
//! rules.

use serde::{Deserialize, Serialize};

/// An org, as `GET /api/v2/organizations/me` names it: its `id` tells two orgs of
/// one region apart.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Organization {
    pub id: String,
    pub name: String,
    /// Whose national phone formats count as PII when the configuration names none.
    #[serde(
        default,
        rename = "defaultCountryCode",
        skip_serializing_if = "Option::is_none"
    )]
    pub default_country_code: Option<String>,
}

/// The org's own additions to what passes validation; the configuration's
/// `validation` block mirrors them. They only ever widen what passes.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrgSettings {
    #[serde(default)]
    pub context_variables: Vec<String>,
    #[serde(default)]
    pub pii_allow: Vec<String>,
}
