//! History you can trust: every change that landed has its audit line, the end of
//! the record cannot be cut off unnoticed, and hooks never see a credential.

use crate::org::{Case, SECRET};
use crate::support::{Project, prompt};

#[tokio::test(flavor = "multi_thread")]
async fn a_hook_that_prints_its_environment_shows_no_secret() {
    let config = format!(
        "on_apply \"dump\" {{\n  command = [\"sh\", \"-c\", \"env > hook-env.txt\"]\n  env     = [\"TEAM_CHANNEL\"]\n}}\n\n{}",
        prompt("a", "Hi")
    );
    let case = Case::new(&config).await;
    let run = case
        .run_env(
            &["apply", ".", "--auto-approve"],
            &[
                ("ASSISTFORM_PLAN_KEY", "plan-key-value"),
                ("ASSISTFORM_AUDIT_KEY", "audit-key-value"),
                ("GENESYS_CLIENT_SECRET", "alias-secret-value"),
                ("PGPASSWORD", "database-password-value"),
                ("TEAM_CHANNEL", "#contact-center"),
            ],
        )
        .await;
    assert_eq!(run.code, 0, "{}", run.transcript());
    let env = case.project.read("hook-env.txt");
    for secret in [
        SECRET,
        "plan-key-value",
        "audit-key-value",
        "alias-secret-value",
        "database-password-value",
    ] {
        assert!(!env.contains(secret), "`{secret}` reached the hook:\n{env}");
    }
    for expected in [
        "ASSISTFORM_HOOK_ADDRESS=prompt.a",
        "ASSISTFORM_HOOK_ACTION=create",
        "ASSISTFORM_HOOK_VERSION=1",
        "TEAM_CHANNEL=#contact-center",
        "PATH=",
    ] {
        assert!(env.contains(expected), "`{expected}` missing:\n{env}");
    }
}

#[test]
fn a_hook_cannot_ask_for_a_credential() {
    let project = Project::new().file(
        "main.hcl",
        format!(
            "on_apply \"leak\" {{\n  command = [\"./notify.sh\"]\n  env     = [\"GENESYSCLOUD_OAUTHCLIENT_SECRET\", \"2BAD\"]\n}}\n\n{}",
            prompt("a", "Hi")
        ),
    );
    let run = project.run(&["validate", "."]);
    assert_eq!(run.code, 1, "{}", run.transcript());
    assert!(
        run.stderr.contains("error[hook.env_secret]: `GENESYSCLOUD_OAUTHCLIENT_SECRET` may hold a credential and is never passed to a hook")
            && run.stderr.contains("error[hook.env]: `2BAD` is not an environment variable name"),
        "{}",
        run.stderr
    );
}
