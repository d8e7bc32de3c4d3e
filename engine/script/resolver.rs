//! `import` for scripts, confined to the scripts folders and the shipped
//! library: no absolute paths, no `..`, no symlink that leads outside.

use rhai::{Engine, EvalAltResult, Module, ModuleResolver, Position, Scope, Shared};
use std::collections::BTreeMap;
use std::path::{Component, Path, PathBuf};
use std::sync::Mutex;

/// Resolves `import "lib/checks"` to `lib/checks.rhai` in a user scripts
/// folder (later folders first), else among in-memory modules (store
/// scripts, then the shipped library).
#[derive(Debug, Default)]
pub(crate) struct ConfinedResolver {
    /// User scripts folders, in the order given.
    pub dirs: Vec<PathBuf>,
    /// In-memory modules by name (`lib/checks.rhai`): store scripts override
    /// shipped ones.
    pub modules: BTreeMap<String, (String, String)>,
    /// Modules already compiled and evaluated, by name: every script that
    /// imports `lib/checks` shares one (as Rhai's own file resolver does).
    pub compiled: Mutex<BTreeMap<String, Shared<Module>>>,
}

fn error(path: &str, message: String, pos: Position) -> Box<EvalAltResult> {
    EvalAltResult::ErrorInModule(
        path.to_string(),
        EvalAltResult::ErrorRuntime(message.into(), pos).into(),
        pos,
    )
    .into()
}

/// Returns the module file name for an import path, or why it is refused.
pub(crate) fn module_name(path: &str) -> Result<String, String> {
    let refuse = |why: &str| Err(format!("import \"{path}\" refused: {why}"));
    if path.trim().is_empty() {
        return refuse("empty path");
    }
    if path.contains('\\') || path.contains(':') || path.contains('\0') {
        return refuse("use a relative path with `/` separators");
    }
    let as_path = Path::new(path);
    if as_path.is_absolute() || path.starts_with('/') {
        return refuse("absolute paths are not allowed; imports stay inside the scripts folder");
    }
    if as_path
        .components()
        .any(|c| !matches!(c, Component::Normal(_) | Component::CurDir))
    {
        return refuse("`..` is not allowed; imports stay inside the scripts folder");
    }
    let trimmed = path.trim_start_matches("./");
    Ok(if trimmed.ends_with(".rhai") {
        trimmed.to_string()
    } else {
        format!("{trimmed}.rhai")
    })
}

impl ConfinedResolver {
    /// Returns the source of module `name` and the name errors should show.
    fn find(&self, name: &str) -> Result<Option<(String, String)>, String> {
        for dir in self.dirs.iter().rev() {
            let candidate = dir.join(name);
            if !candidate.is_file() {
                continue;
            }
            let root = dir
                .canonicalize()
                .map_err(|e| format!("{}: {e}", dir.display()))?;
            let real = candidate
                .canonicalize()
                .map_err(|e| format!("{}: {e}", candidate.display()))?;
            if !real.starts_with(&root) {
                return Err(format!(
                    "{} leads outside the scripts folder {}",
                    candidate.display(),
                    dir.display()
                ));
            }
            let text = std::fs::read_to_string(&real)
                .map_err(|e| format!("cannot read {}: {e}", candidate.display()))?;
            return Ok(Some((candidate.display().to_string(), text)));
        }
        Ok(self.modules.get(name).cloned())
    }
}

impl ModuleResolver for ConfinedResolver {
    fn resolve(
        &self,
        engine: &Engine,
        _source: Option<&str>,
        path: &str,
        pos: Position,
    ) -> Result<Shared<Module>, Box<EvalAltResult>> {
        let name = module_name(path).map_err(|why| error(path, why, pos))?;
        let cache = || self.compiled.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(module) = cache().get(&name) {
            return Ok(module.clone());
        }
        let (display, text) = match self.find(&name) {
            Ok(Some(found)) => found,
            Ok(None) => {
                return Err(error(
                    path,
                    format!("import \"{path}\": no module {name} in the scripts folders"),
                    pos,
                ))
            }
            Err(why) => return Err(error(path, why, pos)),
        };
        let mut ast = engine.compile(&text).map_err(|e| {
            let at = e.position();
            let message = format!(
                "{display}:{}:{}: {}",
                at.line().unwrap_or(0),
                at.position().unwrap_or(0),
                e.err_type()
            );
            error(path, message, pos)
        })?;
        ast.set_source(display);
        let module: Shared<Module> = Module::eval_ast_as_new(Scope::new(), &ast, engine)?.into();
        cache().insert(name, module.clone());
        Ok(module)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn imports_stay_inside_the_scripts_folder() {
        assert_eq!(module_name("lib/checks").unwrap(), "lib/checks.rhai");
        assert_eq!(module_name("./lib/checks.rhai").unwrap(), "lib/checks.rhai");
        assert!(module_name("../x").unwrap_err().contains(".."));
        assert!(module_name("lib/../../x").is_err());
        assert!(module_name("/etc/passwd").unwrap_err().contains("absolute"));
        assert!(module_name("C:\\x").is_err());
        assert!(module_name("").is_err());
    }
}
