//! The shipped rule library, compiled into the binary so an installed henko
//! has it with no source tree around. Keep the lists in step with the
//! `scripts/` folder (a unit test compares them).

/// Shipped rules: (file name, source).
pub(crate) const RULES: &[(&str, &str)] = &[
    ("esxi.rhai", include_str!("../../scripts/esxi.rhai")),
    ("files.rhai", include_str!("../../scripts/files.rhai")),
    ("firewall.rhai", include_str!("../../scripts/firewall.rhai")),
    ("ha.rhai", include_str!("../../scripts/ha.rhai")),
    ("impact.rhai", include_str!("../../scripts/impact.rhai")),
    (
        "interfaces.rhai",
        include_str!("../../scripts/interfaces.rhai"),
    ),
    (
        "loadbalancer.rhai",
        include_str!("../../scripts/loadbalancer.rhai"),
    ),
    (
        "management.rhai",
        include_str!("../../scripts/management.rhai"),
    ),
    ("nsx.rhai", include_str!("../../scripts/nsx.rhai")),
    ("plan.rhai", include_str!("../../scripts/plan.rhai")),
    ("routing.rhai", include_str!("../../scripts/routing.rhai")),
    ("secrets.rhai", include_str!("../../scripts/secrets.rhai")),
    ("sheets.rhai", include_str!("../../scripts/sheets.rhai")),
    ("sshd.rhai", include_str!("../../scripts/sshd.rhai")),
    ("storage.rhai", include_str!("../../scripts/storage.rhai")),
    ("vm.rhai", include_str!("../../scripts/vm.rhai")),
];

/// Shipped modules rules import: (path under `scripts/`, source).
pub(crate) const MODULES: &[(&str, &str)] = &[
    (
        "lib/checks.rhai",
        include_str!("../../scripts/lib/checks.rhai"),
    ),
    (
        "lib/steps.rhai",
        include_str!("../../scripts/lib/steps.rhai"),
    ),
];

/// Shipped rule tests: (file name under `scripts/tests/`, source).
pub(crate) const TESTS: &[(&str, &str)] = &[
    ("esxi.yaml", include_str!("../../scripts/tests/esxi.yaml")),
    ("files.yaml", include_str!("../../scripts/tests/files.yaml")),
    (
        "firewall.yaml",
        include_str!("../../scripts/tests/firewall.yaml"),
    ),
    ("ha.yaml", include_str!("../../scripts/tests/ha.yaml")),
    (
        "impact.yaml",
        include_str!("../../scripts/tests/impact.yaml"),
    ),
    (
        "interfaces.yaml",
        include_str!("../../scripts/tests/interfaces.yaml"),
    ),
    (
        "loadbalancer.yaml",
        include_str!("../../scripts/tests/loadbalancer.yaml"),
    ),
    (
        "management.yaml",
        include_str!("../../scripts/tests/management.yaml"),
    ),
    ("nsx.yaml", include_str!("../../scripts/tests/nsx.yaml")),
    ("plan.yaml", include_str!("../../scripts/tests/plan.yaml")),
    (
        "routing.yaml",
        include_str!("../../scripts/tests/routing.yaml"),
    ),
    (
        "secrets.yaml",
        include_str!("../../scripts/tests/secrets.yaml"),
    ),
    (
        "sheets.yaml",
        include_str!("../../scripts/tests/sheets.yaml"),
    ),
    ("sshd.yaml", include_str!("../../scripts/tests/sshd.yaml")),
    (
        "storage.yaml",
        include_str!("../../scripts/tests/storage.yaml"),
    ),
    ("vm.yaml", include_str!("../../scripts/tests/vm.yaml")),
];

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn files(dir: &Path, prefix: &str, extension: &str) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .expect("read scripts folder")
            .map(|e| e.expect("entry").path())
            .filter(|p| p.extension().is_some_and(|e| e == extension))
            .map(|p| format!("{prefix}{}", p.file_name().unwrap().to_string_lossy()))
            .collect();
        names.sort();
        names
    }

    #[test]
    fn lists_match_the_scripts_folder() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts");
        let mut rules: Vec<String> = RULES.iter().map(|(n, _)| n.to_string()).collect();
        rules.sort();
        assert_eq!(
            rules,
            files(&root, "", "rhai"),
            "update RULES in builtin.rs"
        );
        let mut modules: Vec<String> = MODULES.iter().map(|(n, _)| n.to_string()).collect();
        modules.sort();
        assert_eq!(
            modules,
            files(&root.join("lib"), "lib/", "rhai"),
            "update MODULES in builtin.rs"
        );
        let mut tests: Vec<String> = TESTS.iter().map(|(n, _)| n.to_string()).collect();
        tests.sort();
        assert_eq!(
            tests,
            files(&root.join("tests"), "", "yaml"),
            "update TESTS in builtin.rs"
        );
        let shipped = TESTS.iter().map(|(n, t)| (format!("tests/{n}"), *t));
        for (name, text) in RULES
            .iter()
            .chain(MODULES)
            .map(|(n, t)| (n.to_string(), *t))
            .chain(shipped)
        {
            let on_disk = std::fs::read_to_string(root.join(&name)).expect("read script");
            assert_eq!(&on_disk, text, "{name} is stale; rebuild");
        }
    }
}
