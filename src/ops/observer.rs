//! What a workflow tells its caller while it runs: warnings, progress, the plan it
//! is about to carry out, and the question whether to go ahead.

use crate::apply::{self, recovery::Recovered};
use crate::config::Config;
use crate::diagnostic::Diagnostic;
use crate::plan::Plan;
use crate::state::LockInfo;

/// Something a person running a workflow should hear of, as it happens.
#[derive(Debug)]
#[non_exhaustive]
pub enum Notice<'a> {
    /// The run that held the state's lock before did not finish: its journal is
    /// recovered first.
    Unfinished(&'a LockInfo),
    /// The configuration is valid, with these warnings.
    Diagnostics {
        config: &'a Config,
        diagnostics: &'a [Diagnostic],
    },
    /// `done` of `total` pages of the org's prompts have been read.
    Refreshing { done: usize, total: usize },
    /// The org's prompts have been read.
    Refreshed,
    /// An unfinished run's journal was folded into the state.
    Recovered(Recovered),
    /// The plan apply is about to carry out, before it asks for approval.
    Planned(&'a Plan),
    /// The writes start: `total` of them.
    Applying { total: usize },
    /// A write started, ended or was undone.
    Change(&'a apply::Event<'a>),
    /// Every write has ended (and been undone, with `atomic`).
    Applied,
    /// This many sync hook runs failed; the changes themselves landed.
    HooksFailed(usize),
}

/// The caller of a workflow: told of every [`Notice`], and asked before apply
/// changes anything. Called from several tasks at once while apply runs.
pub trait Observer: Sync {
    fn notice(&self, notice: Notice<'_>);

    /// Whether to carry out the plan just told of ([`Notice::Planned`]); `false`
    /// cancels the run. Asked only when the options do not approve already.
    ///
    /// # Errors
    ///
    /// When there is no one to ask: the run stops, with nothing changed.
    fn approve(&self) -> Result<bool, Box<dyn std::error::Error + Send + Sync>> {
        Ok(false)
    }
}

/// An observer that hears nothing and approves nothing.
#[derive(Clone, Copy, Debug, Default)]
pub struct Quiet;

impl Observer for Quiet {
    fn notice(&self, _: Notice<'_>) {}
}
