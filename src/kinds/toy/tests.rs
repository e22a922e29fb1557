//! The core handling a kind it does not name: configuration, validation, plan,
//! rendering, apply through the client's writer, the journal and the state.

use std::sync::Arc;

use serde_json::json;

use super::store;
use crate::apply::{self, Options, Reason, Status};
use crate::config::{GenesysSettings, VarInputs, load};
use crate::kind::LiveSet;
use crate::plan::render::text::Style;
use crate::plan::render::{json as plan_json, text};
use crate::plan::{self, Action, Inputs};
use crate::remote::{Client, ClientOptions, Connection};
use crate::state::{Resource, State, journal};

const CONFIG: &str = r#"
widget "front" {
  id    = "w-front"
  title = "Front desk"
  tags  = ["lobby"]
  body {
    text = "Welcome"
  }
}

widget "back" {
  id         = "w-back"
  title      = "Back office"
  depends_on = [widget.front]
  body {
    text = "Staff only"
  }
}

prompt "greeting" {
  name              = "Greeting"
  interaction_types = ["chat"]
  trigger {
    type = "chat"
    condition {
      field    = "queue"
      operator = "equals"
      value    = "sales"
    }
  }
  display {
    type    = "popup"
    content = "Hello {{customerName}}"
  }
}
"#;

/// A client that is never called: widgets live in memory.
fn client() -> Client {
    let env = [
        ("GENESYS_CLIENT_ID".to_owned(), "widget-test".to_owned()),
        ("GENESYS_CLIENT_SECRET".to_owned(), "unused".to_owned()),
    ];
    let settings = GenesysSettings {
        region: None,
        api_url: Some("http://127.0.0.1:9".into()),
    };
    let connection = Connection::resolve(&settings, &env, None, None).expect("a connection");
    Client::new(connection, ClientOptions::default()).expect("a client")
}

#[tokio::test]
async fn a_kind_the_core_does_not_name_is_planned_applied_and_recorded() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("main.hcl"), CONFIG).expect("config");
    let loaded = load(dir.path(), &VarInputs::default(), crate::kinds::decoders()).expect("load");
    assert!(loaded.diagnostics.is_empty(), "{:?}", loaded.diagnostics);
    let config = loaded.config;
    assert!(crate::validate::check_config(&config).is_empty());

    // The org holds `w-front` with an older title, managed by the state.
    let old =
        json!({"id": "w-front", "title": "Old", "tags": ["lobby"], "body": [{"text": "Welcome"}]});
    let _ = store::delete("w-front", None);
    let _ = store::delete("w-back", None);
    store::put(&old, None).expect("seeded");
    let mut state = State::default();
    state.resources.insert(
        "widget.front".parse().unwrap(),
        Resource {
            id: "w-front".into(),
            version: 1,
            attributes: old,
            prevent_destroy: false,
            depends_on: Vec::new(),
            sensitive: Vec::new(),
        },
    );
    let mut live = LiveSet::default();
    live.extend("widget", store::all());

    let plan = plan::diff(&Inputs {
        config: &config,
        state: &state,
        live: &live,
        targets: &["widget.back".into()],
        refresh_only: false,
        destroy: false,
    })
    .expect("a plan");
    let actions: Vec<(String, Action)> = plan
        .changes
        .iter()
        .map(|c| (c.address.to_string(), c.action))
        .collect();
    assert_eq!(
        actions,
        [
            ("widget.front".to_owned(), Action::Update),
            ("widget.back".to_owned(), Action::Create)
        ],
        "the target and what it depends on, in dependency order"
    );
    let shown = text::render(&plan, Style::default());
    assert!(shown.contains("  ~ widget \"front\" {"), "{shown}");
    assert!(
        shown.contains("~ title = \"Old\" -> \"Front desk\""),
        "{shown}"
    );
    assert!(shown.contains("  + widget \"back\" {"), "{shown}");
    assert!(shown.contains("      + body {"), "{shown}");
    assert_eq!(
        plan_json::render(&plan)["resource_changes"][1]["type"],
        "assistform_widget"
    );

    let journal =
        Arc::new(journal::Journal::open(dir.path(), "run-1", "our-client").expect("journal"));
    let options = Options {
        parallelism: 4,
        atomic: false,
    };
    let report = apply::apply(&plan, client(), journal, options, &|_| {}).await;
    assert!(report.succeeded(), "{:?}", report.changes);
    journal::fold(&mut state, &journal::read(dir.path()).expect("journal"));
    assert_eq!(state.resources["widget.front"].version, 2);
    assert_eq!(state.resources["widget.back"].id, "w-back");
    assert_eq!(
        store::get("w-front").expect("kept").values["title"],
        "Front desk"
    );

    // A plan made before someone else's edit does not overwrite it.
    let stale = plan::diff(&Inputs {
        config: &config,
        state: &state,
        live: &{
            let mut l = LiveSet::default();
            l.extend("widget", store::all());
            l
        },
        targets: &["widget.front".into()],
        refresh_only: false,
        destroy: false,
    })
    .expect("a plan");
    let mut edited = store::get("w-front").expect("kept").values;
    edited["title"] = json!("Edited elsewhere");
    // Unversioned: the version stays 2, so only the digest the plan took tells.
    store::overwrite(&edited);
    let mut stale = stale;
    stale.changes[0].action = Action::Update;
    let now = {
        let mut l = LiveSet::default();
        l.extend("widget", store::all());
        l
    };
    let reasons = plan::staleness(&stale, &state, &now);
    assert!(
        reasons
            .iter()
            .any(|r| r
                .contains("`widget.front`: widget `w-front` changed in Genesys since the plan")),
        "{reasons:?}"
    );
    let journal =
        Arc::new(journal::Journal::open(dir.path(), "run-2", "our-client").expect("journal"));
    let report = apply::apply(&stale, client(), journal, options, &|_| {}).await;
    assert!(
        matches!(&report.changes[0].status, Status::Failed(why @ Reason::Conflict { .. }) if why.to_string().contains("changed in Genesys since the plan")),
        "{:?}",
        report.changes
    );
    assert_eq!(
        store::get("w-front").expect("kept").values["title"],
        "Edited elsewhere"
    );
}

#[test]
fn a_kinds_checks_point_into_its_own_attributes() {
    let dir = tempfile::tempdir().expect("temp dir");
    let config = "widget \"leaky\" {\n  title = \"\"\n  body {\n    text = \"Mail jane.doe@example.org now\"\n  }\n}\n";
    std::fs::write(dir.path().join("main.hcl"), config).expect("config");
    let loaded = load(dir.path(), &VarInputs::default(), crate::kinds::decoders()).expect("load");
    assert!(loaded.diagnostics.is_empty(), "{:?}", loaded.diagnostics);
    let found = crate::validate::check_config(&loaded.config);
    let codes: Vec<&str> = found.iter().map(|d| d.code.as_str()).collect();
    assert_eq!(codes, ["schema.required", "pii.email"], "{found:?}");
    let phone = found[1].range.as_ref().expect("a range");
    assert_eq!((phone.start.line, phone.start.column), (4, 18));
    assert_eq!(found[1].address.as_deref(), Some("widget.leaky"));
}
