//! Remediation and rollback: the commands that move a device's running
//! configuration (FROM) to the intended one (TO) and back, in the device's
//! own syntax, each proven by simulation.
//!
//! Platform knowledge lives in rule tables ([`PlatformRules`], YAML under
//! `engine/plan/platforms/`), not in code branches; three engines speak the
//! command families: indented `no` CLIs ([`ios`]), FortiOS ([`fortios`]) and
//! Junos `set`/`delete` ([`junos`]).

#[cfg(test)]
mod aside_tests;
mod check_scope;
mod fortios;
mod groups;
mod ios;
mod ios_level;
mod ios_sim;
mod junos;
mod junos_trie;
mod lists;
mod lookup;
mod memo;
#[cfg(test)]
mod negation_tests;
mod normalize;
#[cfg(test)]
mod oracle_tests;
mod pattern;
mod prefilter;
mod reasons;
mod reorder;
mod rules;
mod simulate;
#[cfg(test)]
mod tests;

pub use reasons::reason_ja;
pub use rules::{Engine, PlatformRules, RulesError};
pub use simulate::{simulate, SimError};

use crate::config::ConfigTree;
use normalize::Item;

/// The engines' hash map: foldhash instead of SipHash, since the keys are
/// configuration lines hashed several times each per remediation.
pub(crate) type HashMap<K, V> = std::collections::HashMap<K, V, foldhash::fast::RandomState>;
/// The engines' hash set (see [`HashMap`]).
pub(crate) type HashSet<T> = std::collections::HashSet<T, foldhash::fast::RandomState>;

/// Options for [`remediate_with`].
#[derive(Clone, Debug, Default)]
pub struct RemediateOptions {
    /// Emit secret values in clear text instead of `<secret:…>` fingerprints.
    pub show_secrets: bool,
    /// The store's fingerprint key, so masked values match the diff's
    /// (`None`: plain SHA-256, as the diff uses without a key).
    pub fingerprint_key: Option<Vec<u8>>,
}

/// The commands that move a device from FROM to TO and back.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct Remediation {
    /// Configuration-mode lines that turn FROM into TO, one per string,
    /// indented to show their section (a multi-line banner stays one string).
    pub apply: Vec<String>,
    /// Configuration-mode lines that turn TO back into FROM.
    pub rollback: Vec<String>,
    /// Changes that cannot be expressed safely as pasted commands, each with
    /// the reason (certificates, key material, structured data).
    pub manual: Vec<String>,
    /// True when applying `apply` to FROM gave TO and applying `rollback` to
    /// TO gave FROM in simulation (manual items aside).
    pub verified: bool,
    /// What the simulations found when they did not match.
    pub simulation_errors: Vec<String>,
}

impl Remediation {
    /// Returns true when there is nothing to do (no commands, no manual step).
    pub fn is_empty(&self) -> bool {
        self.apply.is_empty() && self.rollback.is_empty() && self.manual.is_empty()
    }
}

/// Returns the commands that move `from` to `to` on `platform` and back,
/// with secrets masked; see [`remediate_with`].
pub fn remediate(
    from: &ConfigTree,
    to: &ConfigTree,
    platform: &str,
    rules: &PlatformRules,
) -> Remediation {
    remediate_with(from, to, platform, rules, &RemediateOptions::default())
}

/// Returns the commands that move `from` to `to` on `platform` and back,
/// checked by simulating both directions.
pub fn remediate_with(
    from: &ConfigTree,
    to: &ConfigTree,
    platform: &str,
    rules: &PlatformRules,
    options: &RemediateOptions,
) -> Remediation {
    remediate_scoped(from, to, platform, rules, options, true)
}

/// [`remediate_with`], planning without the sections equal on both sides
/// when `set_aside` (always, but in the tests that prove it changes
/// nothing).
fn remediate_scoped(
    from: &ConfigTree,
    to: &ConfigTree,
    platform: &str,
    rules: &PlatformRules,
    options: &RemediateOptions,
    set_aside: bool,
) -> Remediation {
    // The two sides, the two directions and the two proofs are independent:
    // each pair runs on both cores when the pool has an idle one (a single
    // large device), and costs nothing extra inside a parallel plan.
    let without = |aside: &HashSet<&str>| {
        rayon::join(
            || normalize::normalize_without(from, aside, rules),
            || normalize::normalize_without(to, aside, rules),
        )
    };
    let whole = || without(&HashSet::default());
    // Sections equal on both sides are planned and checked without (see
    // `set_aside_unchanged`): a 12,000-line config with a few changed
    // sections then walks, hashes and clones only those. Most are found
    // equal as parsed and never normalised; the rest once normalised.
    let mut as_read = match set_aside {
        true => check_scope::unchanged_as_read(from, to, rules),
        false => HashSet::default(),
    };
    let (mut f, mut t) = without(&as_read);
    // Normalising merges a repeated header: a kept line that normalises to
    // a header set aside would have merged with it.
    if [&f, &t]
        .iter()
        .any(|side| side.iter().any(|i| as_read.contains(i.text.as_str())))
    {
        as_read.clear();
        (f, t) = whole();
    }
    let plan = match rules.engine {
        Engine::Ios => ios::remediate,
        Engine::Fortios => fortios::remediate,
        Engine::Junos => junos::remediate,
        Engine::Structured => return structured(&f, &t, platform, rules),
    };
    let mut aside = match set_aside {
        true => check_scope::set_aside_unchanged(&mut f, &mut t, rules),
        false => check_scope::Unchanged::default(),
    };
    let plan_both =
        |f: &[Item], t: &[Item]| rayon::join(|| plan(f, t, rules), || plan(t, f, rules));
    let mut planned = plan_both(&f, &t);
    let lists = [&planned.0 .0[..], &planned.1 .0[..]];
    let reached = (!aside.is_empty() && aside.reached_by(lists, rules))
        || (!as_read.is_empty() && check_scope::reaches_any(as_read.iter().copied(), lists, rules));
    if reached {
        // Planned again on the whole trees, as if nothing had been set aside.
        as_read.clear();
        aside = check_scope::Unchanged::default();
        (f, t) = whole();
        planned = plan_both(&f, &t);
    }
    let ((apply, manual), (rollback, manual_back)) = planned;
    let mut out = Remediation {
        manual,
        ..Remediation::default()
    };
    for reason in manual_back {
        out.manual.push(format!("rollback: {reason}"));
    }
    let (apply_errors, rollback_errors) = rayon::join(
        || check("apply", &f, &t, &apply, rules),
        || check("rollback", &t, &f, &rollback, rules),
    );
    out.simulation_errors.extend(apply_errors);
    out.simulation_errors.extend(rollback_errors);
    out.verified = out.simulation_errors.is_empty();
    if !out.verified {
        match as_read.is_empty() {
            true => aside.restore(&mut f, &mut t),
            false => (f, t) = whole(),
        }
        // Say why when the trees themselves cannot be reached exactly.
        let mut notes = Vec::new();
        for side in [&f, &t] {
            match rules.engine {
                Engine::Junos => junos::repeated_settings(side, rules, &mut notes),
                _ => normalize::repeated_settings(side, None, rules, &mut notes),
            }
        }
        notes.dedup();
        out.simulation_errors.extend(notes);
    }
    out.apply = apply;
    out.rollback = rollback;
    if options.show_secrets {
        out
    } else {
        masked(rules, out, options.fingerprint_key.as_deref())
    }
}

/// Returns `r` with every secret masked by the config stage's detector (in
/// the dialect of the platform's command family): the commands line by
/// line, and the lines that manual steps and simulation errors quote.
pub fn masked(rules: &PlatformRules, r: Remediation, key: Option<&[u8]>) -> Remediation {
    let dialect = match rules.engine {
        Engine::Fortios => crate::config::Dialect::Fortios,
        Engine::Junos => crate::config::Dialect::Junos,
        _ => crate::config::Dialect::Ios,
    };
    let quoted = |notes: Vec<String>| -> Vec<String> {
        notes
            .iter()
            .map(|note| crate::config::mask_quoted(dialect, note, key))
            .collect()
    };
    Remediation {
        apply: crate::config::mask_commands(dialect, r.apply, key),
        rollback: crate::config::mask_commands(dialect, r.rollback, key),
        manual: quoted(r.manual),
        verified: r.verified,
        simulation_errors: quoted(r.simulation_errors),
    }
}

/// Simulates `commands` on `start` and returns how the result differs from
/// `goal` (nothing when it reaches it).
fn check(
    what: &str,
    start: &[Item],
    goal: &[Item],
    commands: &[String],
    rules: &PlatformRules,
) -> Option<String> {
    // The simulation consumes its start: the scoped copy when there is one.
    // Settling reads the whole start (what the set-aside sections hold is
    // asked for by header, and no kept item has a set-aside header).
    let (simulated, goal) = match check_scope::reachable(start, goal, commands, rules) {
        Some((scoped_start, scoped_goal)) => (
            simulate::run(scoped_start, commands, rules),
            std::borrow::Cow::Owned(scoped_goal),
        ),
        None => (
            simulate::run(start.to_vec(), commands, rules),
            std::borrow::Cow::Borrowed(goal),
        ),
    };
    match simulated {
        Err(e) => Some(format!("{what}: {e}")),
        Ok(result) => {
            let (result, goal) = rayon::join(
                || normalize::settle_owned(result, start, rules),
                || normalize::settle(&goal, start, rules),
            );
            simulate::difference(&result, &goal, rules)
                .map(|diff| format!("{what}: simulated result differs: {diff}"))
        }
    }
}

fn structured(f: &[Item], t: &[Item], platform: &str, rules: &PlatformRules) -> Remediation {
    if normalize::difference(f, t, None, false, rules).is_none() {
        return Remediation {
            verified: true,
            ..Remediation::default()
        };
    }
    Remediation {
        manual: vec![format!(
            "{platform} has no command-line remediation: apply and rollback steps for this device come from scripts"
        )],
        ..Remediation::default()
    }
}
