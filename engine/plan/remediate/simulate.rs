//! The simulators: apply emitted commands to a tree the way the device's
//! configuration mode would, so remediation and rollback can be proven.
//!
//! Each simulator understands exactly the command forms its engine emits:
//! for ios, entering a section by its header, removal by a line's negation,
//! section resets, list `add`/`remove`, overwrite of single-valued settings
//! by key, and appending; FortiOS and Junos live in their engines' modules.

use super::normalize::{self, Item};
use super::rules::{Engine, PlatformRules};
use crate::config::ConfigTree;

/// Why a simulation could not apply a command.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error, miette::Diagnostic)]
pub enum SimError {
    /// The command does not make sense where it stands.
    #[error("command {line} `{command}`: {reason}")]
    #[diagnostic(code(henko::plan::simulate::rejected))]
    Rejected {
        /// 1-based index of the command in the list.
        line: usize,
        /// The command as given.
        command: String,
        /// What the simulator could not do with it.
        reason: String,
    },
    /// The commands left a section open (FortiOS `edit` without `next`…).
    #[error("commands end inside `{section}` (missing `{closer}`)")]
    #[diagnostic(code(henko::plan::simulate::unterminated))]
    Unterminated {
        /// The section still open.
        section: String,
        /// The command that should have closed it.
        closer: &'static str,
    },
    /// The platform has no command-line configuration to simulate.
    #[error("platform {platform} has no command-line simulator")]
    #[diagnostic(code(henko::plan::simulate::no_cli))]
    NoCli {
        /// The platform asked for.
        platform: String,
    },
}

pub(crate) fn rejected(line: usize, command: &str, reason: impl Into<String>) -> SimError {
    SimError::Rejected {
        line: line + 1,
        command: command.to_string(),
        reason: reason.into(),
    }
}

/// Returns `tree` after applying `commands` (configuration-mode lines as
/// [`super::remediate`] emits them) on `platform`. The result is in the
/// engine's normal form: noise dropped, list values canonical, no line spans.
pub fn simulate(
    tree: &ConfigTree,
    commands: &[String],
    platform: &str,
    rules: &PlatformRules,
) -> Result<ConfigTree, SimError> {
    if rules.engine == Engine::Structured {
        return Err(SimError::NoCli {
            platform: platform.to_string(),
        });
    }
    let items = normalize::normalize(tree, rules);
    let result = run(items, commands, rules)?;
    Ok(match rules.engine {
        Engine::Junos => super::junos::to_tree(&result, tree),
        _ => normalize::to_tree(&result, tree),
    })
}

/// Applies `commands` to normalised items with the rules' engine.
pub(crate) fn run(
    items: Vec<Item>,
    commands: &[String],
    rules: &PlatformRules,
) -> Result<Vec<Item>, SimError> {
    match rules.engine {
        Engine::Ios => super::ios_sim::simulate(items, commands, rules),
        Engine::Fortios => super::fortios::simulate(items, commands, rules),
        Engine::Junos => super::junos::simulate(items, commands, rules),
        Engine::Structured => Err(SimError::NoCli {
            platform: rules.platform().to_string(),
        }),
    }
}

/// Returns how a simulated result differs from the goal, if it does.
pub(crate) fn difference(result: &[Item], goal: &[Item], rules: &PlatformRules) -> Option<String> {
    match rules.engine {
        Engine::Junos => super::junos::difference(result, goal, rules),
        _ => normalize::difference(result, goal, None, false, rules),
    }
}
