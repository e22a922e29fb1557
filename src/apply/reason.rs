//! Why a change did not end as done: facts, which the report, the audit record and
//! the CLI render as one sentence each.

use std::fmt;

use crate::kind::Address;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Reason {
    /// 409: the object changed in Genesys since the plan read it; the other edit is
    /// kept. `detail` is the server's answer.
    Conflict { address: Address, detail: String },
    /// The server refused the write, or it failed before it was sent: nothing
    /// changed. `detail` names the request, the status and the server's message.
    Refused { detail: String },
    /// The answer was lost, and reading the object back showed the write had not
    /// landed: nothing changed.
    NotLanded { id: String, delete: bool },
    /// The answer was lost and reading the object back failed too: it may have
    /// landed, and the next plan or apply settles it.
    Unsettled {
        id: String,
        lost: String,
        read: String,
    },
    /// A create's answer was lost, and more than one object holding what it sent
    /// was made since: which one it made cannot be told, so none is adopted.
    Several { ids: Vec<String> },
    /// A change it depends on did not apply, so it was not attempted.
    Upstream { address: Address },
    /// An atomic run stopped at the first failure, before this change.
    Stopped,
    /// The journal could not record the write, so it was not sent (or its landing
    /// could not be recorded).
    Journal { detail: String },
    /// The plan's change lacks what the write needs: a plan not made by `plan`.
    Malformed { missing: &'static str },
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Reason::Conflict { address, detail } => write!(
                f,
                "`{address}` changed in Genesys since the plan was made, so it was not overwritten (the other edit is kept); run `assistform plan` again. {detail}"
            ),
            Reason::Refused { detail } | Reason::Journal { detail } => f.write_str(detail),
            Reason::NotLanded { id, delete: false } => write!(
                f,
                "the write to `{id}` got no answer and did not land; nothing changed"
            ),
            Reason::NotLanded { id, delete: true } => write!(
                f,
                "the delete of `{id}` got no answer and did not land; nothing changed"
            ),
            Reason::Unsettled { id, lost, read } => write!(
                f,
                "the write to `{id}` got no answer ({lost}) and reading it back failed too ({read}); it may have landed: the next plan or apply settles it"
            ),
            Reason::Several { ids } => write!(
                f,
                "the create got no answer, and {} objects holding what it sent were made since ({}); none was adopted, since which one it made cannot be told. Import the right one (`assistform import`) and delete the others",
                ids.len(),
                ids.iter()
                    .map(|i| format!("`{i}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            Reason::Upstream { address } => write!(f, "`{address}` did not apply"),
            Reason::Stopped => f.write_str("the run stopped after a failure"),
            Reason::Malformed { missing } => write!(f, "a change without {missing}"),
        }
    }
}
