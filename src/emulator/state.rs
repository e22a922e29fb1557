//! Everything a running emulator holds, shared by its handlers.

use std::sync::{Arc, RwLock};

use super::assistant_admin;
use super::checklist_admin::CreateStatus;
use super::clients::Clients;
use super::error::{ApiError, EmulatorError};
use super::faults::{Faults, Injector};
use super::holds::Holds;
use super::limits::RateLimiter;
use super::options::EmulatorOptions;
use super::response_store::{Catalog, Ids};
use super::stats::Stats;
use super::store::{self, Org, Persister};
use super::tokens::Tokens;
use crate::clock::Clock;
use crate::org::OrgSettings;

#[derive(Debug)]
pub(crate) struct Shared {
    /// The start flags: what a reset goes back to.
    pub options: EmulatorOptions,
    pub org: RwLock<Org>,
    pub settings: RwLock<Arc<OrgSettings>>,
    /// The org's id and name, as `/api/v2/organizations/me` answers them.
    pub identity: RwLock<Identity>,
    pub faults: Injector,
    pub holds: Holds,
    pub tokens: Tokens,
    /// Who may get a token, and what each may do.
    pub clients: Clients,
    /// How agent checklist creations answer: 200 or 202.
    pub checklist_create: CreateStatus,
    /// The Response Management catalog as the query endpoint last saw it, while
    /// `POST /__emulator/index` holds that search index frozen.
    frozen_index: RwLock<Option<Arc<Catalog>>>,
    /// What token expiry and rate windows are measured by: a test can advance it.
    pub clock: Clock,
    pub limits: RateLimiter,
    pub stats: Stats,
    persister: Option<Arc<Persister>>,
}

impl Shared {
    pub fn new(options: EmulatorOptions) -> Result<Shared, EmulatorError> {
        let mut org = match &options.data {
            Some(path) => store::load(path)?,
            None => Org::default(),
        };
        org.ids = Ids::seeded(options.seed);
        org.assistants
            .queues
            .start_with(assistant_admin::start_queues(&options));
        Ok(Shared {
            org: RwLock::new(org),
            settings: RwLock::new(Arc::new(start_settings(&options))),
            identity: RwLock::new(Identity::from_options(&options)),
            faults: Injector::new(Faults::from_options(&options), options.seed),
            holds: Holds::default(),
            tokens: Tokens::default(),
            clients: Clients::from_options(&options),
            checklist_create: CreateStatus::new(options.checklist_create_status),
            frozen_index: RwLock::new(None),
            clock: Clock::default(),
            limits: RateLimiter::default(),
            stats: Stats::default(),
            persister: options.data.clone().map(|p| Arc::new(Persister::new(p))),
            options,
        })
    }

    /// Reads the org. Callers copy out what they need (cheap `Arc`s) and let go
    /// before doing any real work.
    pub fn read<T>(&self, f: impl FnOnce(&Org) -> T) -> T {
        f(&self.org.read().unwrap_or_else(|e| e.into_inner()))
    }

    /// Changes the org under the write lock, then (when it has a file) saves it
    /// before answering, so that what a client was told is on disk.
    pub async fn change<T>(
        &self,
        f: impl FnOnce(&mut Org) -> Result<T, ApiError>,
    ) -> Result<T, ApiError> {
        let (value, snapshot) = {
            let mut org = self.org.write().unwrap_or_else(|e| e.into_inner());
            // Checked first: a change that could not be saved in order is not made.
            let generation = org.generation.checked_add(1).ok_or_else(|| {
                ApiError::internal(
                    "The org's generation counter is at its largest; the change was not made.",
                )
            })?;
            let value = f(&mut org)?;
            org.generation = generation;
            let snapshot = self
                .persister
                .as_ref()
                .map(|p| (p.clone(), org.generation, org.snapshot()));
            (value, snapshot)
        };
        if let Some((persister, generation, snapshot)) = snapshot {
            let saved =
                tokio::task::spawn_blocking(move || match persister.write(generation, &snapshot) {
                    Ok(()) => Ok(()),
                    Err(e) => Err(format!(
                        "The change was made but could not be saved to `{}`: {e}",
                        persister.path().display()
                    )),
                })
                .await;
            match saved {
                Ok(Ok(())) => {}
                Ok(Err(message)) => return Err(ApiError::internal(message)),
                Err(e) => return Err(ApiError::internal(format!("saving the org failed: {e}"))),
            }
        }
        Ok(value)
    }

    pub fn settings(&self) -> Arc<OrgSettings> {
        self.settings
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    pub fn set_settings(&self, settings: OrgSettings) {
        *self.settings.write().unwrap_or_else(|e| e.into_inner()) = Arc::new(settings);
    }

    /// `POST /__emulator/reset`: an empty org (knowing only the queues it started
    /// with), zero counters, the start flags (the checklist creation status too),
    /// no holds.
    pub async fn reset(&self) -> Result<(), ApiError> {
        self.change(|org| {
            org.clear();
            Ok(())
        })
        .await?;
        self.set_settings(start_settings(&self.options));
        *self.identity.write().unwrap_or_else(|e| e.into_inner()) =
            Identity::from_options(&self.options);
        self.faults
            .reset(Faults::from_options(&self.options), self.options.seed);
        self.holds.clear();
        self.checklist_create
            .set(self.options.checklist_create_status);
        self.limits.clear();
        self.stats.reset();
        self.freeze_index(false);
        Ok(())
    }

    /// Freezes the search index at the catalog as it is now, or lets it catch up.
    pub fn freeze_index(&self, frozen: bool) {
        let snapshot = frozen.then(|| Arc::new(self.read(|org| org.catalog.clone())));
        *self.frozen_index.write().unwrap_or_else(|e| e.into_inner()) = snapshot;
    }

    pub fn index_frozen(&self) -> bool {
        self.frozen_index
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .is_some()
    }

    /// Answers from the search index: the frozen catalog while there is one, the
    /// live catalog otherwise.
    pub fn search<T>(&self, f: impl FnOnce(&Catalog) -> T) -> T {
        let frozen = self
            .frozen_index
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone();
        match frozen {
            Some(catalog) => f(&catalog),
            None => self.read(|org| f(&org.catalog)),
        }
    }
}

/// Which org this is.
#[derive(Clone, Debug, serde::Serialize)]
pub(crate) struct Identity {
    pub id: String,
    pub name: String,
    pub country: String,
}

impl Identity {
    fn from_options(options: &EmulatorOptions) -> Identity {
        Identity {
            id: options.org_id.clone(),
            name: options.org_name.clone(),
            country: "US".to_owned(),
        }
    }
}

impl Shared {
    pub fn identity(&self) -> Identity {
        self.identity
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }
}

fn start_settings(options: &EmulatorOptions) -> OrgSettings {
    OrgSettings {
        context_variables: options.context_variables.clone(),
        pii_allow: options.pii_allow.clone(),
    }
}
