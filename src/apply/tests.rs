//! The executor against an in-memory org that keeps Genesys's version rules.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use serde_json::Value;

use super::*;
use crate::kind::{Address, Live};
use crate::plan::{Change, Plan};
use crate::state::{State, journal};

#[derive(Clone, Default)]
struct FakeOrg {
    prompts: Arc<Mutex<BTreeMap<String, Live>>>,
    writes: Arc<Mutex<Vec<String>>>,
    fail: Arc<Mutex<BTreeSet<String>>>,
    /// Puts to these ids land but the answer is lost.
    lost_answer: Arc<Mutex<BTreeSet<String>>>,
    in_flight: Arc<AtomicUsize>,
    max_in_flight: Arc<AtomicUsize>,
    /// When set, each request waits until this many are in flight together.
    gate: Option<Arc<tokio::sync::Barrier>>,
}

impl FakeOrg {
    fn with(prompts: &[(&Value, u64)]) -> FakeOrg {
        let org = FakeOrg::default();
        for (spec, version) in prompts {
            org.prompts
                .lock()
                .unwrap()
                .insert(id(spec), stored(spec, *version));
        }
        org
    }

    fn snapshot(&self) -> BTreeMap<String, Value> {
        self.prompts
            .lock()
            .unwrap()
            .iter()
            .map(|(k, v)| (k.clone(), v.values.clone()))
            .collect()
    }

    /// A request in flight; with a gate, it is held until the gate's number of
    /// requests are in flight together (an executor that sent fewer would hang).
    async fn busy(&self) {
        let now = self.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
        self.max_in_flight.fetch_max(now, Ordering::SeqCst);
        if let Some(gate) = &self.gate {
            gate.wait().await;
        }
        self.in_flight.fetch_sub(1, Ordering::SeqCst);
    }
}

fn id(values: &Value) -> String {
    values["id"].as_str().unwrap().to_owned()
}

fn stored(spec: &Value, version: u64) -> Live {
    Live {
        id: id(spec),
        values: spec.clone(),
        version,
        modified_by: Some("test".into()),
        created: None,
    }
}

fn error(kind: WriteErrorKind, status: Option<u16>, message: &str) -> WriteError {
    WriteError {
        kind,
        message: message.into(),
        status,
        attempts: 1,
        context_id: None,
    }
}

impl Writer for FakeOrg {
    async fn put(
        &self,
        _: &Address,
        _: Option<&str>,
        spec: &Value,
        version: Option<u64>,
    ) -> Result<Reply, WriteError> {
        self.busy().await;
        let spec_id = id(spec);
        if self.fail.lock().unwrap().contains(&spec_id) {
            return Err(error(WriteErrorKind::Other, Some(400), "bad.request"));
        }
        let mut prompts = self.prompts.lock().unwrap();
        let next = match (prompts.get(&spec_id), version) {
            (None, None) => 1,
            (Some(p), Some(v)) if p.version == v => v + 1,
            (Some(_), _) => {
                return Err(error(
                    WriteErrorKind::Conflict,
                    Some(409),
                    "version.mismatch",
                ));
            }
            (None, Some(_)) => return Err(error(WriteErrorKind::NotFound, Some(404), "not.found")),
        };
        self.writes.lock().unwrap().push(format!("PUT {spec_id}"));
        prompts.insert(spec_id.clone(), stored(spec, next));
        if self.lost_answer.lock().unwrap().remove(&spec_id) {
            return Err(error(WriteErrorKind::Ambiguous, None, "timed out"));
        }
        Ok(Reply {
            object: Some(stored(spec, next)),
            status: if next == 1 { 201 } else { 200 },
            attempts: 1,
            context_id: None,
        })
    }

    async fn delete(
        &self,
        _: &Address,
        id: &str,
        version: Option<u64>,
    ) -> Result<Reply, WriteError> {
        self.busy().await;
        let mut prompts = self.prompts.lock().unwrap();
        match prompts.get(id) {
            None => return Err(error(WriteErrorKind::NotFound, Some(404), "not.found")),
            Some(p) if version.is_some_and(|v| v != p.version) => {
                return Err(error(
                    WriteErrorKind::Conflict,
                    Some(409),
                    "version.mismatch",
                ));
            }
            Some(_) => {}
        }
        prompts.remove(id);
        self.writes.lock().unwrap().push(format!("DELETE {id}"));
        Ok(Reply {
            object: None,
            status: 204,
            attempts: 1,
            context_id: None,
        })
    }

    async fn get(&self, _: &Address, id: &str) -> Result<Option<Live>, WriteError> {
        Ok(self.prompts.lock().unwrap().get(id).cloned())
    }

    async fn find(&self, _: &Address, values: &Value) -> Result<Vec<Live>, WriteError> {
        let prompts = self.prompts.lock().unwrap();
        Ok(prompts
            .values()
            .filter(|p| &p.values == values)
            .cloned()
            .collect())
    }
}

fn spec(id: &str, name: &str) -> Value {
    serde_json::json!({
        "id": id, "name": name, "description": "", "status": "active",
        "interaction_types": ["chat"],
        "trigger": [{"type": "chat", "condition": [{"field": "f", "operator": "equals", "value": "v"}]}],
        "display": [{"type": "popup", "content": "Hi", "timeout_ms": 30000}],
    })
}

fn change(
    action: Action,
    before: Option<(&Value, u64)>,
    after: Option<&Value>,
    depends_on: &[&str],
) -> Change {
    let id = id(after.or(before.map(|b| b.0)).unwrap());
    Change {
        address: Address::new("prompt", &id),
        action,
        before: before.map(|b| b.0.clone()),
        after: after.cloned(),
        live_version: before.map(|b| b.1),
        live_id: None,
        live_digest: None,
        write_digest: None,
        expects: None,
        unknown: Vec::new(),
        depends_on: depends_on
            .iter()
            .map(|d| Address::new("prompt", d))
            .collect(),
        sensitive: Vec::new(),
        prevent_destroy: false,
        importing: false,
        moved_from: None,
        reason: None,
    }
}

fn plan(changes: Vec<Change>) -> Plan {
    Plan {
        lineage: String::new(),
        serial: 0,
        config_digest: String::new(),
        changes,
        drift: Vec::new(),
        refresh_only: false,
        pii_allow: Vec::new(),
        context_variables: Vec::new(),
        genesys: Default::default(),
        hooks: Vec::new(),
        org: None,
        emulator: false,
        config: None,
        warnings: Vec::new(),
        backend: None,
        workspace: None,
    }
}

async fn run(plan: &Plan, org: &FakeOrg, options: Options) -> (Report, State) {
    let dir = tempfile::tempdir().unwrap();
    let journal = Arc::new(journal::Journal::open(dir.path(), "run-1", "our-client").unwrap());
    let report = apply(plan, org.clone(), journal, options, &|_| {}).await;
    let mut state = State::default();
    let in_flight = journal::fold(&mut state, &journal::read(dir.path()).unwrap());
    assert!(in_flight.is_empty(), "every write settled: {in_flight:?}");
    (report, state)
}

const SERIAL: Options = Options {
    parallelism: 1,
    atomic: false,
};

#[tokio::test]
async fn dependencies_are_written_first_and_deleted_last() {
    let (a, b, c) = (spec("a", "A"), spec("b", "B"), spec("c", "C"));
    let org = FakeOrg::with(&[(&c, 1)]);
    let p = plan(vec![
        change(Action::Create, None, Some(&b), &[]),
        change(Action::Create, None, Some(&a), &["b"]),
        change(Action::Delete, Some((&c, 1)), None, &[]),
    ]);
    let (report, state) = run(
        &p,
        &org,
        Options {
            parallelism: 10,
            atomic: false,
        },
    )
    .await;
    assert!(report.succeeded());
    let writes = org.writes.lock().unwrap().clone();
    let at = |w: &str| writes.iter().position(|x| x == w).unwrap();
    assert!(at("PUT b") < at("PUT a"), "{writes:?}");
    assert_eq!(
        state
            .resources
            .keys()
            .map(ToString::to_string)
            .collect::<Vec<_>>(),
        ["prompt.a", "prompt.b"]
    );
    assert_eq!(state.resources[&address("prompt.a")].version, 1);
}

#[tokio::test]
async fn deletes_run_in_reverse_dependency_order() {
    let (a, b) = (spec("a", "A"), spec("b", "B"));
    let org = FakeOrg::with(&[(&a, 1), (&b, 1)]);
    let p = plan(vec![
        change(Action::Delete, Some((&b, 1)), None, &[]),
        change(Action::Delete, Some((&a, 1)), None, &["b"]),
    ]);
    run(
        &p,
        &org,
        Options {
            parallelism: 10,
            atomic: false,
        },
    )
    .await;
    assert_eq!(*org.writes.lock().unwrap(), ["DELETE a", "DELETE b"]);
}

#[tokio::test]
async fn independent_changes_run_concurrently_up_to_the_limit() {
    let specs: Vec<Value> = (0..12).map(|i| spec(&format!("p{i}"), "P")).collect();
    let org = FakeOrg {
        gate: Some(Arc::new(tokio::sync::Barrier::new(4))),
        ..FakeOrg::default()
    };
    let p = plan(
        specs
            .iter()
            .map(|s| change(Action::Create, None, Some(s), &[]))
            .collect(),
    );
    let (report, _) = run(
        &p,
        &org,
        Options {
            parallelism: 4,
            atomic: false,
        },
    )
    .await;
    assert!(report.succeeded());
    assert_eq!(org.max_in_flight.load(Ordering::SeqCst), 4);
}

#[tokio::test]
async fn a_failure_skips_what_depends_on_it_and_nothing_else() {
    let (a, b, c) = (spec("a", "A"), spec("b", "B"), spec("c", "C"));
    let org = FakeOrg::default();
    org.fail.lock().unwrap().insert("b".into());
    let p = plan(vec![
        change(Action::Create, None, Some(&b), &[]),
        change(Action::Create, None, Some(&a), &["b"]),
        change(Action::Create, None, Some(&c), &[]),
    ]);
    let (report, state) = run(&p, &org, SERIAL).await;
    let status: BTreeMap<String, &Status> = report
        .changes
        .iter()
        .map(|r| (r.address.to_string(), &r.status))
        .collect();
    assert!(matches!(status["prompt.b"], Status::Failed(_)));
    assert_eq!(
        status["prompt.a"],
        &Status::Skipped(Reason::Upstream {
            address: "prompt.b".into()
        })
    );
    assert_eq!(status["prompt.c"], &Status::Done);
    assert_eq!(
        state
            .resources
            .keys()
            .map(ToString::to_string)
            .collect::<Vec<_>>(),
        ["prompt.c"]
    );
}

#[tokio::test]
async fn a_console_edit_after_the_plan_is_never_overwritten() {
    let old = spec("a", "Old");
    let org = FakeOrg::with(&[(&spec("a", "Edited in the console"), 3)]);
    let p = plan(vec![change(
        Action::Update,
        Some((&old, 2)),
        Some(&spec("a", "New")),
        &[],
    )]);
    let (report, _) = run(&p, &org, SERIAL).await;
    let Status::Failed(reason @ Reason::Conflict { .. }) = &report.changes[0].status else {
        panic!("{:?}", report.changes[0])
    };
    let message = reason.to_string();
    assert!(
        message.contains("changed in Genesys since the plan")
            && message.contains("assistform plan"),
        "{message}"
    );
    assert_eq!(org.snapshot()["a"]["name"], "Edited in the console");
}

#[tokio::test]
async fn a_lost_answer_is_settled_by_reading_back_and_never_written_twice() {
    let a = spec("a", "A");
    let org = FakeOrg::default();
    org.lost_answer.lock().unwrap().insert("a".into());
    let (report, state) = run(
        &plan(vec![change(Action::Create, None, Some(&a), &[])]),
        &org,
        SERIAL,
    )
    .await;
    assert_eq!(report.changes[0].status, Status::Done);
    assert_eq!(*org.writes.lock().unwrap(), ["PUT a"]);
    assert_eq!(state.resources[&address("prompt.a")].version, 1);
}

#[tokio::test]
async fn atomic_rolls_back_to_exactly_where_the_org_started() {
    let (a, keep, gone, stale) = (
        spec("a", "A"),
        spec("keep", "Keep"),
        spec("gone", "Gone"),
        spec("stale", "Stale"),
    );
    // `stale` was edited since the plan read version 2: its delete, the last
    // change, fails with a 409.
    let org = FakeOrg::with(&[(&keep, 5), (&gone, 2), (&stale, 3)]);
    let before = org.snapshot();
    let p = plan(vec![
        change(Action::Delete, Some((&gone, 2)), None, &[]),
        change(Action::Create, None, Some(&a), &[]),
        change(
            Action::Update,
            Some((&keep, 5)),
            Some(&spec("keep", "Changed")),
            &[],
        ),
        change(Action::Delete, Some((&stale, 2)), None, &[]),
    ]);
    let (report, state) = run(
        &p,
        &org,
        Options {
            parallelism: 1,
            atomic: true,
        },
    )
    .await;
    let done: BTreeSet<String> = report
        .changes
        .iter()
        .filter(|c| c.status == Status::Done)
        .map(|c| c.address.to_string())
        .collect();
    assert_eq!(
        done,
        BTreeSet::from(["prompt.gone", "prompt.a", "prompt.keep"].map(String::from)),
        "a create, an update and a delete to undo"
    );
    let rollback = report.rollback.expect("rolled back");
    assert!(rollback.failed.is_empty(), "{:?}", rollback.failed);
    assert_eq!(
        rollback
            .undone
            .iter()
            .map(ToString::to_string)
            .collect::<BTreeSet<_>>(),
        done
    );
    assert_eq!(org.snapshot(), before, "every prompt as it was");
    assert_eq!(
        state.resources[&address("prompt.keep")].attributes,
        keep,
        "the state follows the undo"
    );
}

fn address(s: &str) -> Address {
    s.parse().unwrap()
}
