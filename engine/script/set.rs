//! Loading rule scripts: the shipped library, the store's and the user's
//! folders, same-name overrides, and compilation with diagnostics.

use super::builtin;
use super::error::{byte_offset, CompileError, ScriptError};
use super::resolver::ConfinedResolver;
use super::sandbox;
use crate::source::{FileTree, SourceError};
use miette::NamedSource;
use rayon::prelude::*;
use rhai::{Engine, EvalAltResult, Scope, AST};
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;

/// Which scripts to load.
#[derive(Clone, Debug, Default)]
pub struct ScriptOptions {
    /// Include the shipped library (`false` = `--no-default-scripts`).
    pub builtin: bool,
    /// User folders (`--scripts DIR`), later ones overriding earlier ones.
    /// Each top-level `*.rhai` is a rule; subfolders hold importable modules.
    pub dirs: Vec<PathBuf>,
    /// Scripts read from the store's `scripts/` folder: (file name relative
    /// to that folder, source). Names with a `/` are importable modules.
    pub store_scripts: Vec<(String, String)>,
}

/// Returns the rule scripts and importable modules of a snapshot's
/// `scripts/` folder (every `*.rhai` below it), as
/// [`ScriptOptions::store_scripts`] wants them: the one reader of that
/// folder for `plan`, `validate` and `scripts test`.
pub fn read_store_scripts(tree: &dyn FileTree) -> Result<Vec<(String, String)>, SourceError> {
    read_scripts_folder(tree, |name| name.ends_with(".rhai"))
}

/// Returns `(name relative to scripts/, text)` for every file of the
/// snapshot's `scripts/` folder that `keep` accepts, in listing order.
pub(crate) fn read_scripts_folder(
    tree: &dyn FileTree,
    keep: impl Fn(&str) -> bool,
) -> Result<Vec<(String, String)>, SourceError> {
    let mut found = Vec::new();
    // Listed without hashing: a folder snapshot would otherwise read and
    // hash every configuration to find its few scripts.
    for path in tree.paths()? {
        let Some(name) = path.strip_prefix("scripts/") else {
            continue;
        };
        if keep(name) {
            let bytes = tree.read(&path)?;
            found.push((
                name.to_string(),
                String::from_utf8_lossy(&bytes).into_owned(),
            ));
        }
    }
    Ok(found)
}

/// One compiled rule script.
#[derive(Debug)]
pub(crate) struct Script {
    /// Name findings and errors show: a path, or `builtin:NAME`.
    pub name: Arc<str>,
    /// The compiled script, imports embedded.
    pub ast: AST,
    /// Defines `on_device(ctx)`.
    pub on_device: bool,
    /// Defines `on_plan(ctx)`.
    pub on_plan: bool,
    /// Lines of the `fn on_device` / `fn on_plan` definitions (0 when unknown).
    pub entry_lines: (u32, u32),
}

impl Script {
    /// Returns where the entry function `name` is defined.
    pub fn entry_position(&self, name: &str) -> rhai::Position {
        let line = if name == "on_plan" {
            self.entry_lines.1
        } else {
            self.entry_lines.0
        };
        if line == 0 {
            rhai::Position::NONE
        } else {
            rhai::Position::new(line as u16, 1)
        }
    }
}

/// Returns the line of `fn NAME(` in `text` (0 when absent).
fn definition_line(text: &str, name: &str) -> u32 {
    text.lines()
        .position(|line| {
            let line = line.trim_start();
            line.strip_prefix("fn ")
                .or_else(|| line.strip_prefix("private fn "))
                .is_some_and(|rest| {
                    rest.trim_start().starts_with(name)
                        && rest.trim_start()[name.len()..]
                            .trim_start()
                            .starts_with('(')
                })
        })
        .map_or(0, |i| i as u32 + 1)
}

/// The compiled rule scripts and the sandboxed engine they run in, shared
/// by every worker thread.
#[derive(Debug)]
pub struct ScriptSet {
    pub(crate) engine: Engine,
    pub(crate) scripts: Vec<Script>,
}

/// A rule before compilation.
struct Pending {
    name: String,
    text: String,
}

impl ScriptSet {
    /// Loads and compiles the rule scripts `options` selects. A rule with
    /// the same file name as a shipped one replaces it.
    pub fn load(options: &ScriptOptions) -> Result<ScriptSet, ScriptError> {
        let mut rules: BTreeMap<String, Pending> = BTreeMap::new();
        let mut resolver = ConfinedResolver::default();
        for (file, text) in builtin::MODULES {
            let display = format!("builtin:{file}");
            resolver
                .modules
                .insert(file.to_string(), (display, text.to_string()));
        }
        if options.builtin {
            for (file, text) in builtin::RULES {
                rules.insert(
                    file.to_string(),
                    Pending {
                        name: format!("builtin:{file}"),
                        text: text.to_string(),
                    },
                );
            }
        }
        for (file, text) in &options.store_scripts {
            let file = file.trim_start_matches("./").to_string();
            if !file.ends_with(".rhai") {
                continue;
            }
            let name = format!("scripts/{file}");
            if file.contains('/') {
                resolver.modules.insert(file, (name, text.clone()));
            } else {
                rules.insert(
                    file,
                    Pending {
                        name,
                        text: text.clone(),
                    },
                );
            }
        }
        for dir in &options.dirs {
            for (file, path) in rule_files(dir)? {
                let text = std::fs::read_to_string(&path).map_err(|source| ScriptError::Io {
                    path: path.clone(),
                    source,
                })?;
                rules.insert(
                    file,
                    Pending {
                        name: path.display().to_string(),
                        text,
                    },
                );
            }
            resolver.dirs.push(dir.clone());
        }
        let engine = sandbox::engine(resolver);
        // Compiling is most of a small plan's cost: one script per worker.
        let rules: Vec<Pending> = rules.into_values().collect();
        // The first failing script in name order is the one reported.
        let compiled: Vec<Result<Script, ScriptError>> = rules
            .into_par_iter()
            .map(|rule| compile(&engine, rule))
            .collect();
        let scripts = compiled.into_iter().collect::<Result<Vec<_>, _>>()?;
        Ok(ScriptSet { engine, scripts })
    }

    /// Returns the names of the loaded rule scripts, sorted.
    pub fn names(&self) -> Vec<&str> {
        self.scripts.iter().map(|s| &*s.name).collect()
    }

    /// Returns each loaded rule script's name and whether it defines
    /// `on_device` and `on_plan`, sorted by name.
    pub fn entry_points(&self) -> Vec<(&str, bool, bool)> {
        self.scripts
            .iter()
            .map(|s| (&*s.name, s.on_device, s.on_plan))
            .collect()
    }

    /// Returns the number of loaded rule scripts.
    pub fn len(&self) -> usize {
        self.scripts.len()
    }

    /// Returns true when no rule script is loaded.
    pub fn is_empty(&self) -> bool {
        self.scripts.is_empty()
    }
}

/// Returns the top-level `*.rhai` files of `dir` by file name, sorted.
fn rule_files(dir: &std::path::Path) -> Result<Vec<(String, PathBuf)>, ScriptError> {
    let io = |source| ScriptError::Io {
        path: dir.to_path_buf(),
        source,
    };
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(io)? {
        let path = entry.map_err(io)?.path();
        let is_rule = path.extension().is_some_and(|e| e == "rhai") && path.is_file();
        if let (true, Some(name)) = (is_rule, path.file_name().and_then(|n| n.to_str())) {
            files.push((name.to_string(), path.clone()));
        }
    }
    files.sort();
    Ok(files)
}

fn compile(engine: &Engine, rule: Pending) -> Result<Script, ScriptError> {
    let mut ast = engine
        .compile_into_self_contained(&Scope::new(), &rule.text)
        .map_err(|err| compile_error(&rule, &err))?;
    ast.set_source(rule.name.as_str());
    let has = |name: &str| {
        ast.iter_functions()
            .any(|f| f.name == name && f.params.len() == 1)
    };
    let (on_device, on_plan) = (has("on_device"), has("on_plan"));
    if !on_device && !on_plan {
        let line = rule.text.lines().count().max(1) as u32;
        return Err(diagnostic(
            &rule,
            line,
            1,
            "defines neither `on_device(ctx)` nor `on_plan(ctx)`, so it would never run".into(),
        ));
    }
    let entry_lines = (
        definition_line(&rule.text, "on_device"),
        definition_line(&rule.text, "on_plan"),
    );
    Ok(Script {
        name: rule.name.into(),
        ast,
        on_device,
        on_plan,
        entry_lines,
    })
}

fn compile_error(rule: &Pending, err: &EvalAltResult) -> ScriptError {
    let (mut line, mut column) = position(err);
    let message = match err {
        EvalAltResult::ErrorParsing(kind, _) => kind.to_string(),
        EvalAltResult::ErrorInModule(path, inner, _) => {
            // Module errors carry no position in the importing script: find
            // the import statement that named the module.
            if let Some((l, c)) = find_import(&rule.text, path) {
                (line, column) = (l, c);
            }
            match &**inner {
                EvalAltResult::ErrorRuntime(msg, _) => msg.to_string(),
                other => format!("in module \"{path}\": {other}"),
            }
        }
        other => other.to_string(),
    };
    let message = if message.contains("'eval'") {
        format!("{message}: henko scripts cannot evaluate code built at run time")
    } else {
        message
    };
    diagnostic(rule, line, column, message)
}

fn diagnostic(rule: &Pending, line: u32, column: u32, message: String) -> ScriptError {
    let offset = byte_offset(&rule.text, line, column);
    ScriptError::Compile(Box::new(CompileError {
        script: rule.name.clone(),
        line,
        column,
        message,
        src: NamedSource::new(rule.name.clone(), rule.text.clone()),
        span: (offset, 0).into(),
    }))
}

fn position(err: &EvalAltResult) -> (u32, u32) {
    let pos = err.position();
    (
        pos.line().unwrap_or(0) as u32,
        pos.position().unwrap_or(0) as u32,
    )
}

fn find_import(text: &str, path: &str) -> Option<(u32, u32)> {
    let quoted = format!("\"{path}\"");
    text.lines().enumerate().find_map(|(i, line)| {
        let at = line.find(&quoted)?;
        Some((i as u32 + 1, line[..at].chars().count() as u32 + 1))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn store_scripts_are_every_rhai_below_scripts() {
        let dir = tempfile::tempdir().unwrap();
        let write = |path: &str, text: &str| {
            let path = dir.path().join(path);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        };
        write("scripts/risk.rhai", "fn on_device(ctx) {}\n");
        write("scripts/lib/util.rhai", "fn twice(x) { x * 2 }\n");
        write("scripts/tests/risk.yaml", "tests: []\n");
        write("scripts/README.md", "notes\n");
        write("other/stray.rhai", "fn on_device(ctx) {}\n");
        let snapshot = crate::source::Snapshot::resolve_path(dir.path().to_str().unwrap()).unwrap();
        let mut found = read_store_scripts(&*snapshot.open().unwrap()).unwrap();
        found.sort();
        let names: Vec<&str> = found.iter().map(|(name, _)| name.as_str()).collect();
        assert_eq!(names, ["lib/util.rhai", "risk.rhai"]);
        assert_eq!(found[1].1, "fn on_device(ctx) {}\n");
    }

    fn load_one(source: &str) -> Result<ScriptSet, ScriptError> {
        ScriptSet::load(&ScriptOptions {
            builtin: false,
            dirs: Vec::new(),
            store_scripts: vec![("t.rhai".into(), source.into())],
        })
    }

    fn compile_error(source: &str) -> (u32, u32, String) {
        match load_one(source) {
            Err(ScriptError::Compile(error)) => {
                assert_eq!(error.script, "scripts/t.rhai");
                (error.line, error.column, error.message)
            }
            other => panic!("expected a compile error, got {other:?}"),
        }
    }

    #[test]
    fn a_syntax_error_points_at_line_and_column() {
        let (line, column, message) = compile_error("fn on_device(ctx) {\n  let x = ;\n}\n");
        assert_eq!((line, column), (2, 11), "{message}");
    }

    #[test]
    fn eval_is_refused_at_compile_time() {
        let (line, _, message) = compile_error("fn on_device(ctx) {\n  eval(\"1\");\n}\n");
        assert_eq!(line, 2, "{message}");
        assert!(message.contains("eval"), "{message}");
    }

    #[test]
    fn imports_outside_the_scripts_folder_are_refused() {
        for path in ["../x", "/etc/passwd", "lib/../../x"] {
            let source = format!("import \"{path}\" as x;\nfn on_device(ctx) {{}}\n");
            let (line, column, message) = compile_error(&source);
            assert_eq!((line, column), (1, 8), "{message}");
            assert!(message.contains("refused"), "{message}");
        }
    }

    #[test]
    fn an_unknown_module_is_named() {
        let (line, _, message) = compile_error("import \"lib/nope\" as x;\nfn on_plan(ctx) {}\n");
        assert_eq!(line, 1);
        assert!(message.contains("lib/nope.rhai"), "{message}");
    }

    #[test]
    fn a_script_without_entry_points_is_refused() {
        let (_, _, message) = compile_error("fn on_devices(ctx) {}\n");
        assert!(message.contains("neither"), "{message}");
    }

    #[test]
    fn compile_errors_render_as_diagnostics_with_source() {
        let err = load_one("fn on_device(ctx) {\n  let x = ;\n}\n").unwrap_err();
        let report = miette::Report::new(err);
        let text = format!("{report:?}");
        assert!(text.contains("scripts/t.rhai"), "{text}");
        assert!(text.contains("let x = ;"), "{text}");
    }

    #[test]
    fn user_rules_override_shipped_ones_by_file_name() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("routing.rhai"),
            "fn on_device(ctx) { ctx.note(\"mine\"); }\n",
        )
        .unwrap();
        std::fs::create_dir(dir.path().join("lib")).unwrap();
        std::fs::write(dir.path().join("lib/util.rhai"), "fn twice(x) { x * 2 }\n").unwrap();
        std::fs::write(
            dir.path().join("extra.rhai"),
            "import \"lib/util\" as util;\nimport \"lib/checks\" as checks;\nfn on_plan(ctx) { ctx.note(`${util::twice(2)} ${checks::bgp_summary(\"junos\")}`); }\n",
        )
        .unwrap();
        let set = ScriptSet::load(&ScriptOptions {
            builtin: true,
            dirs: vec![dir.path().to_path_buf()],
            store_scripts: Vec::new(),
        })
        .unwrap();
        let names = set.names();
        let routing = dir.path().join("routing.rhai").display().to_string();
        assert!(names.contains(&routing.as_str()), "{names:?}");
        assert!(!names.contains(&"builtin:routing.rhai"), "{names:?}");
        assert_eq!(set.len(), super::builtin::RULES.len() + 1);
        let without = ScriptSet::load(&ScriptOptions {
            builtin: false,
            dirs: vec![dir.path().to_path_buf()],
            store_scripts: Vec::new(),
        })
        .unwrap();
        assert_eq!(without.len(), 2);
    }

    #[test]
    fn every_shipped_rule_compiles() {
        let set = ScriptSet::load(&ScriptOptions {
            builtin: true,
            ..ScriptOptions::default()
        })
        .unwrap_or_else(|e| panic!("{:?}", miette::Report::new(e)));
        assert_eq!(set.len(), super::builtin::RULES.len());
    }
}
