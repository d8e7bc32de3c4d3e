//! End-to-end tests of the snapshot store: `init`, `snapshot`, `log`.

use crate::common::TestEnv;

#[test]
fn help_lists_the_store_commands() {
    let env = TestEnv::new();
    let out = env.henko().arg("--help").output().unwrap();
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    for command in ["init", "snapshot", "log"] {
        assert!(text.contains(command), "{command} missing from:\n{text}");
    }
}
