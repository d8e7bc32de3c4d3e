//! Script errors at run time → [`ScriptFailure`]s that name the script,
//! the device, and the innermost line and column Rhai knows.

use super::error::ScriptFailure;
use super::sandbox;
use super::set::Script;
use rhai::EvalAltResult;

/// Turns a Rhai error into a failure that names the innermost position.
pub(crate) fn from_rhai(
    script: &Script,
    entry: &str,
    device: Option<&str>,
    err: &EvalAltResult,
) -> ScriptFailure {
    let mut inner = err;
    let mut functions = Vec::new();
    loop {
        match inner {
            EvalAltResult::ErrorInFunctionCall(name, _, next, _) => {
                functions.push(name.clone());
                inner = next;
            }
            EvalAltResult::ErrorInModule(_, next, _) => inner = next,
            _ => break,
        }
    }
    let mut pos = if inner.position().is_none() {
        err.position()
    } else {
        inner.position()
    };
    let mut message = match inner {
        EvalAltResult::ErrorTerminated(token, _) => {
            sandbox::timeout_message(token).unwrap_or_else(|| format!("terminated: {token}"))
        }
        EvalAltResult::ErrorTooManyOperations(_) => format!(
            "stopped after {} operations (endless loop?)",
            sandbox::MAX_OPERATIONS
        ),
        EvalAltResult::ErrorStackOverflow(_) => format!(
            "function calls nested deeper than {} levels (endless recursion?)",
            sandbox::MAX_CALL_LEVELS
        ),
        EvalAltResult::ErrorDataTooLarge(what, _) if what.contains("string") => format!(
            "a string grew past {} bytes (runaway string building?)",
            sandbox::MAX_STRING_SIZE
        ),
        EvalAltResult::ErrorDataTooLarge(what, _) if what.contains("map") => {
            format!("a map grew past {} keys", sandbox::MAX_MAP_SIZE)
        }
        EvalAltResult::ErrorDataTooLarge(_, _) => {
            format!("an array grew past {} items", sandbox::MAX_ARRAY_SIZE)
        }
        EvalAltResult::ErrorRuntime(value, _) => value.to_string(),
        other => {
            let text = other.to_string();
            // Rhai appends " (line L, position C)"; we report it separately.
            match text.rfind(" (line ") {
                Some(at) => text[..at].to_string(),
                None => text,
            }
        }
    };
    // Innermost first: `fn helper` called from `on_device`.
    functions.retain(|f| f != "on_device" && f != "on_plan");
    if let Some(function) = functions.last() {
        message = format!("{message} (in function `{function}`)");
    }
    if pos.is_none() {
        // Rhai drops the position of limit errors (operations, depth, size,
        // deadline) at the outermost call: point at the entry function.
        message = format!("{message} (somewhere in `{entry}`)");
        pos = script.entry_position(entry);
    }
    ScriptFailure {
        script: script.name.to_string(),
        device: device.map(str::to_string),
        message,
        line: pos.line().unwrap_or(0) as u32,
        column: pos.position().unwrap_or(0) as u32,
    }
}
