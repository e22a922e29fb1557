//! Workspaces with the local backend: each in its own directory under
//! `state/assistform.state.d/`, as Terraform's `terraform.tfstate.d`.

use crate::support::{Project, prompt};

#[test]
fn local_workspaces_live_in_subdirectories_and_keep_their_own_state() {
    let project = Project::new().file("main.hcl", prompt("a", "Hello"));
    let new = project.run(&["workspace", "new", "dev"]);
    assert_eq!(new.code, 0, "{}", new.transcript());
    assert_eq!(new.stdout, "Created and selected the workspace `dev`.\n");
    assert!(
        project
            .path()
            .join("state/assistform.state.d/dev/assistform.state.json")
            .exists()
    );
    let list = project.run(&["workspace", "list"]);
    assert_eq!(list.stdout, "  default\n* dev\n", "{}", list.transcript());
    let show = project.run(&["workspace", "show"]);
    assert_eq!(show.stdout, "dev\n");
    let again = project.run(&["workspace", "new", "dev"]);
    assert_eq!(again.code, 1, "{}", again.transcript());
    assert!(
        again.stderr.contains("there is a workspace `dev` already"),
        "{}",
        again.transcript()
    );
    let default = project.run(&["workspace", "delete", "default"]);
    assert!(
        default.stderr.contains("it is the default one"),
        "{}",
        default.transcript()
    );
    let selected = project.run(&["workspace", "delete", "dev"]);
    assert!(
        selected.stderr.contains("it is the one selected"),
        "{}",
        selected.transcript()
    );
    let back = project.run(&["workspace", "select", "default"]);
    assert_eq!(back.code, 0, "{}", back.transcript());
    let delete = project.run(&["workspace", "delete", "dev"]);
    assert_eq!(delete.code, 0, "{}", delete.transcript());
    assert!(!project.path().join("state/assistform.state.d/dev").exists());
    let unknown = project.run(&["workspace", "select", "nope"]);
    assert!(
        unknown
            .stderr
            .contains("there is no workspace `nope`; there are: default"),
        "{}",
        unknown.transcript()
    );
}
