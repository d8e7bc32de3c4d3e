//! Rule scripts that try to run forever, grow without bound, or reach
//! outside their sandbox: each is stopped with exit 2 and a message naming
//! the script, within seconds.

use super::{expect, shorten};
use crate::common::TestEnv;

/// Two snapshot folders with one changed IOS device.
fn folders(env: &TestEnv) {
    env.write(
        "v1/configs/r1.cfg",
        "hostname r1\ninterface Gi0/1\n description a\n",
    );
    env.write(
        "v2/configs/r1.cfg",
        "hostname r1\ninterface Gi0/1\n description b\n",
    );
}

/// Plans `v1` → `v2` with only `rules/evil.rhai` (= `script`) loaded;
/// asserts exit 2 naming the script and `what`.
fn stopped(script: &str, what: &str) {
    let env = TestEnv::new();
    folders(&env);
    env.write("rules/evil.rhai", script);
    let args = [
        "plan",
        "v1",
        "v2",
        "--no-default-scripts",
        "--scripts",
        "rules",
    ];
    let text = expect(&env, &args, 2);
    assert!(
        text.contains("evil.rhai"),
        "script not named: {}",
        shorten(&text)
    );
    assert!(
        text.to_lowercase().contains(what),
        "does not say `{what}`: {}",
        shorten(&text)
    );
}

/// Loads `rules/evil.rhai` (= `script`) with `henko scripts list`; asserts
/// exit 2 naming the script and `what`.
fn refused_at_load(script: &str, what: &str) {
    let env = TestEnv::new();
    env.write("rules/evil.rhai", script);
    let args = [
        "scripts",
        "list",
        "--no-default-scripts",
        "--scripts",
        "rules",
    ];
    let text = expect(&env, &args, 2);
    assert!(
        text.contains("evil.rhai"),
        "script not named: {}",
        shorten(&text)
    );
    assert!(
        text.to_lowercase().contains(what),
        "does not say `{what}`: {}",
        shorten(&text)
    );
}

#[test]
fn an_infinite_loop_is_stopped() {
    stopped("fn on_device(ctx) {\n    loop { }\n}\n", "operations");
}

#[test]
fn unbounded_recursion_is_stopped() {
    stopped(
        "fn deeper(n) { deeper(n + 1) }\nfn on_device(ctx) {\n    deeper(0);\n}\n",
        "nested deeper",
    );
}

#[test]
fn exponential_string_growth_is_stopped() {
    stopped(
        "fn on_device(ctx) {\n    let s = \"ab\";\n    loop { s += s; }\n}\n",
        "string",
    );
}

#[test]
fn eval_is_refused() {
    refused_at_load("fn on_device(ctx) {\n    eval(\"40 + 2\");\n}\n", "eval");
}

#[test]
fn file_and_network_access_do_not_exist() {
    stopped(
        "fn on_device(ctx) {\n    let f = open_file(\"/etc/passwd\");\n}\n",
        "open_file",
    );
    stopped(
        "fn on_device(ctx) {\n    let s = http_get(\"http://example.com/\");\n}\n",
        "http_get",
    );
}

#[test]
fn importing_outside_the_scripts_folder_is_refused() {
    let env = TestEnv::new();
    env.write("x.rhai", "fn helper() { 42 }\n");
    env.write(
        "rules/evil.rhai",
        "import \"../x\" as x;\nfn on_device(ctx) { x::helper(); }\n",
    );
    let args = [
        "scripts",
        "list",
        "--no-default-scripts",
        "--scripts",
        "rules",
    ];
    let text = expect(&env, &args, 2);
    assert!(text.contains("evil.rhai"), "{}", shorten(&text));
    assert!(
        text.contains("../x"),
        "the import is named: {}",
        shorten(&text)
    );
}
