//! A resource kind, as the core sees one: a name, a schema for its values, its
//! rules, and the verbs that read and write its objects in Genesys. The core —
//! configuration, validation, plan, apply, state, audit, import — handles every
//! kind through this trait and names none; each kind lives in its own folder under
//! `kinds/`. How a kind's blocks are decoded is the configuration's side of it
//! (`config::KindDecoder`), so this module depends on no configuration.

mod address;
pub mod reference;
pub mod schema;
pub mod values;

use std::future::Future;
use std::ops::Range;
use std::pin::Pin;

use serde_json::Value;

use crate::diagnostic::{Code, Severity};
use crate::org::OrgSettings;
use crate::pii::PhoneRegions;
use crate::remote::{Client, Outcome, RemoteError};

pub use address::{Address, AddressError, is_label};
pub use schema::Schema;

/// A future a kind's verb returns: boxed, so that kinds are trait objects.
pub type Verb<'a, T> = Pin<Box<dyn Future<Output = Result<T, RemoteError>> + Send + 'a>>;

/// A kind's objects as its listing returned them, with those of other kinds that
/// came along (an assistant's copilot), each by its kind.
pub type Listing = (Vec<Live>, Vec<(&'static str, Live)>);

/// One object as Genesys holds it, in the kind's values.
#[derive(Clone, Debug, PartialEq)]
pub struct Live {
    pub id: String,
    pub values: Value,
    /// The server's version of the object: what a write is conditioned on.
    pub version: u64,
    /// Who last changed it, when the server says.
    pub modified_by: Option<String>,
    /// When it was created (RFC 3339), when the server says: a create whose answer
    /// was lost is looked for among the objects made since it was sent.
    pub created: Option<String>,
}

/// An object that would go with one a plan deletes: a library's responses.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Held {
    pub kind: &'static str,
    pub id: String,
    pub name: Option<String>,
}

/// How an address is written, for messages about the kinds `names`, to go
/// between backticks: `prompt.<label>` for one kind, `<kind>.<label>` for more.
pub fn address_form(names: &[&str]) -> String {
    match names {
        [only] => format!("{only}.<label>"),
        _ => "<kind>.<label>".to_owned(),
    }
}

/// An object as its kind decoded or read it, which the kind's own rules take as
/// they are; turned into values only when the core needs them (a plan, the
/// state), never for validation alone.
pub trait Native: std::any::Any + std::fmt::Debug + Send + Sync {
    /// The object's values ([`values`]).
    fn values(&self) -> Value;

    /// For a kind to take its own type back.
    fn as_any(&self) -> &dyn std::any::Any;
}

/// Values are the native form of a kind with no type of its own, and of what the
/// state and a plan hold.
impl Native for Value {
    fn values(&self) -> Value {
        self.clone()
    }

    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}

/// One problem with one object's values, at an attribute path.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finding {
    pub severity: Severity,
    pub code: Code,
    pub summary: String,
    pub detail: String,
    /// `display.content`, `trigger.condition[0].value`.
    pub path: String,
    /// Byte range inside the attribute's string value, when the problem is a part of it.
    pub span: Option<Range<usize>>,
}

/// What the org lets through validation, beyond the built-in rules.
#[derive(Clone, Copy, Debug)]
pub struct CheckContext<'a> {
    pub org: &'a OrgSettings,
    pub regions: &'a PhoneRegions,
}

/// How a write is kept from overwriting an edit made since the plan read the
/// object.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Guard {
    /// The server versions the object: a write names the version the plan read,
    /// and the server refuses a stale one (409).
    Version,
    /// The object has no version: apply reads it again before each write or
    /// delete and refuses the change when it no longer holds what the plan read
    /// ([`digest`]). What is left open is one round trip.
    Digest,
}

/// What a plan read of an object, as a digest: SHA-256 of its values, whose
/// object keys serialise sorted, so equal values give equal digests.
pub fn digest(values: &Value) -> String {
    use sha2::{Digest as _, Sha256};
    format!("{:x}", Sha256::digest(values.to_string().as_bytes()))
}

pub trait Kind: Send + Sync + std::fmt::Debug {
    /// The HCL block type and the first part of an address: `prompt`.
    fn name(&self) -> &'static str;

    /// The kind in a sentence, plural and capitalised: `Prompts`.
    fn plural_title(&self) -> &'static str;

    fn schema(&self) -> &'static Schema;

    /// How a write is kept from overwriting a newer edit.
    fn guard(&self) -> Guard {
        Guard::Version
    }

    /// The attribute paths `lifecycle { ignore_changes }` may name.
    fn ignorable(&self) -> &'static [&'static str];

    /// The attribute that holds the object's id when the configuration sets it;
    /// `None` when the server assigns the id on create, and the values hold none.
    fn id_attribute(&self) -> Option<&'static str>;

    /// Every problem with `object`, as a configuration writes it: decoded by this
    /// kind, or values read back.
    fn check(&self, object: &dyn Native, cx: CheckContext) -> Vec<Finding>;

    /// Problems that only the objects of this kind together have (two responses
    /// of one name in one library), each with the index of the object it is on.
    fn check_together(&self, _objects: &[&dyn Native]) -> Vec<(usize, Finding)> {
        Vec::new()
    }

    /// The objects in `live` that deleting object `id` would take with it, or
    /// that keep it from being deleted.
    fn holds(&self, _id: &str, _live: &LiveSet) -> Vec<Held> {
        Vec::new()
    }

    /// The kinds [`Kind::holds`] looks at: a run that manages this kind reads
    /// them too, so that a delete always sees what it would take along.
    fn holds_kinds(&self) -> &'static [&'static str] {
        &[]
    }

    /// Every object of this kind in the org, sorted by id. `read` holds the kinds
    /// listed before this one (the registry's order), for a kind whose objects are
    /// found through others'. `progress(done, total)` counts the pages read.
    fn list<'a>(
        &'a self,
        client: &'a Client,
        read: &'a LiveSet,
        progress: &'a (dyn Fn(usize, usize) + Sync),
    ) -> Verb<'a, Vec<Live>>;

    /// [`Kind::list`], with the objects of other kinds its listing returned along
    /// with this kind's, by kind: an assistant's copilot comes with the assistant.
    fn list_along<'a>(
        &'a self,
        client: &'a Client,
        read: &'a LiveSet,
        progress: &'a (dyn Fn(usize, usize) + Sync),
    ) -> Verb<'a, Listing> {
        Box::pin(async move { Ok((self.list(client, read, progress).await?, Vec::new())) })
    }

    /// The kind whose [`Kind::list_along`] returns this kind's objects: when both
    /// are read, this one is not listed on its own.
    fn listed_with(&self) -> Option<&'static str> {
        None
    }

    /// The kinds whose objects [`Kind::list`] finds through `read`: they are read
    /// before it; the others at the same time.
    fn lists_after(&self) -> &'static [&'static str] {
        &[]
    }

    /// `values` in the one form the kind compares them in: a set whose order means
    /// nothing, sorted.
    fn normalize(&self, _values: &mut Value) {}

    /// Problems with planning `values` that only the org as read shows: a queue
    /// that an assistant outside the configuration serves, a setting the server
    /// never changes once set. `id` is the live object this one manages, when
    /// known; `managed(kind, id)` says whether the state manages an object.
    fn check_live(
        &self,
        _values: &Value,
        _id: Option<&str>,
        _live: &LiveSet,
        _managed: &dyn Fn(&str, &str) -> bool,
    ) -> Vec<Finding> {
        Vec::new()
    }

    /// `before` as it will be once another object of this kind is written as
    /// `other_after`, when that write takes part of it away by itself (a queue
    /// one assistant takes from another); `None` when it takes nothing. The
    /// change of `before` then waits for that write and leaves that part alone.
    fn taken_by(&self, _before: &Value, _other_after: &Value) -> Option<Value> {
        None
    }

    /// What writing `values` (the object `id`, when it exists) takes from other
    /// objects, as `live` shows them at plan time: the assistant each queue is
    /// taken from. Apply checks it again right before the write
    /// ([`Kind::still_expected`]).
    fn expects(&self, _values: &Value, _id: Option<&str>, _live: &LiveSet) -> Option<Value> {
        None
    }

    /// Why the write of `values` may not go ahead now, because what [`Kind::expects`]
    /// recorded no longer holds; `None` when it may.
    fn still_expected<'a>(
        &'a self,
        _client: &'a Client,
        _id: Option<&'a str>,
        _values: &'a Value,
        _expects: &'a Value,
    ) -> Verb<'a, Option<String>> {
        Box::pin(async { Ok(None) })
    }

    /// The objects `object` points at, by kind and id: a copilot rule's canned
    /// response. Deleting one that an object outside the state points at is a
    /// plan warning.
    fn points_at(&self, _object: &Live) -> Vec<(&'static str, String)> {
        Vec::new()
    }

    /// The kinds whose objects may point at this kind's ([`Kind::points_at`]):
    /// a run that manages this kind reads them too, where it may, so that a
    /// delete is warned of what would point at nothing.
    fn pointed_at_by(&self) -> &'static [&'static str] {
        &[]
    }

    /// `object` named for a message: `agent_checklist "Verify"`.
    fn describe(&self, object: &Live, _all: &LiveSet) -> String {
        match object.values.get("name").and_then(Value::as_str) {
            Some(name) => format!("{} \"{name}\"", self.name()),
            None => format!("{} `{}`", self.name(), object.id),
        }
    }

    /// What removing a block does, when it is not a delete: the object lives as
    /// long as another and is reset instead (`reset: no rules, not live`).
    fn removal(&self) -> Option<&'static str> {
        None
    }

    /// Whether a live object nobody manages may be taken over by a block without
    /// an import, because it holds nothing to lose (a copilot as its assistant
    /// was made with).
    fn adoptable(&self, _object: &Live) -> bool {
        false
    }

    /// What of `values` the create request itself writes: all of them, but for
    /// a kind whose create is followed by more requests (an assistant's queues),
    /// which a create whose answer was lost may never have reached.
    fn as_created(&self, values: &Value) -> Value {
        values.clone()
    }

    /// The objects that hold what a create of `values` writes ([`Kind::as_created`]):
    /// where a create whose answer was lost looks for what it may have made. By
    /// default, every object, filtered.
    fn find<'a>(&'a self, client: &'a Client, values: &'a Value) -> Verb<'a, Vec<Live>> {
        Box::pin(async move {
            let all = self.list(client, &EMPTY, &|_, _| {}).await?;
            let sent = self.as_created(values);
            Ok(all
                .into_iter()
                .filter(|l| self.as_created(&l.values) == sent)
                .collect())
        })
    }

    /// One object; `None` when there is none with that id.
    fn get<'a>(&'a self, client: &'a Client, id: &'a str) -> Verb<'a, Option<Live>>;

    /// Creates (`version` `None`) or replaces (`Some` of the version read) the
    /// object `values` describe; a 409 when it changed since `version` was read.
    /// `id` is the object's, for a replace of a kind whose server assigns ids.
    /// A create is never resent after an answer that leaves its outcome unknown.
    fn put<'a>(
        &'a self,
        client: &'a Client,
        id: Option<&'a str>,
        values: &'a Value,
        version: Option<u64>,
    ) -> Verb<'a, Outcome<Live>>;

    /// Deletes object `id`, only if it is still at `version` when one is given: a
    /// 409 when it moved on. A kind whose server takes no version on a delete
    /// reads the object first and answers the 409 itself.
    fn delete<'a>(
        &'a self,
        client: &'a Client,
        id: &'a str,
        version: Option<u64>,
    ) -> Verb<'a, Outcome<()>>;
}

static EMPTY: LiveSet = LiveSet {
    objects: std::collections::BTreeMap::new(),
};

/// Every object the plan read from the org, of every kind, by kind and id.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct LiveSet {
    objects: std::collections::BTreeMap<String, std::collections::BTreeMap<String, Live>>,
}

impl LiveSet {
    /// Adds what the list of `kind` returned.
    pub fn extend(&mut self, kind: &str, objects: impl IntoIterator<Item = Live>) {
        let of_kind = self.objects.entry(kind.to_owned()).or_default();
        for live in objects {
            of_kind.insert(live.id.clone(), live);
        }
    }

    /// Whether `kind` was read (though it may hold nothing).
    pub fn has(&self, kind: &str) -> bool {
        self.objects.contains_key(kind)
    }

    /// The objects of `kind`, by id.
    pub fn of_kind(&self, kind: &str) -> impl Iterator<Item = &Live> {
        self.objects.get(kind).into_iter().flat_map(|m| m.values())
    }

    pub fn get(&self, kind: &str, id: &str) -> Option<&Live> {
        self.objects.get(kind)?.get(id)
    }

    /// `(kind, object)` pairs, by kind then id.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &Live)> {
        self.objects
            .iter()
            .flat_map(|(k, of_kind)| of_kind.values().map(move |l| (k.as_str(), l)))
    }

    /// The objects of `kind`, taken out of the set, by id.
    pub fn take(&mut self, kind: &str) -> Vec<Live> {
        self.objects
            .remove(kind)
            .map(|of_kind| of_kind.into_values().collect())
            .unwrap_or_default()
    }

    pub fn len(&self) -> usize {
        self.objects
            .values()
            .map(std::collections::BTreeMap::len)
            .sum()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}
