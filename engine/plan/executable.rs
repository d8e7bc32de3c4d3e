//! Executable steps: each CLI device's apply and rollback commands with the
//! real secret values, for `henko plan --apply-dir`.
//!
//! The reviewed plan holds `<secret:…>` placeholders; these commands hold
//! what the FROM and TO snapshots hold. In a redacted store the snapshots
//! themselves hold placeholders, so each one is replaced by its value from
//! [`SecretValues`] (the `--secrets FILE`, fingerprint → value), checked
//! against the fingerprint. A command whose secret is found nowhere is never
//! written with a placeholder: [`resolve`] turns the device's list into
//! manual steps naming the fingerprints needed.

use std::collections::BTreeMap;

/// One device's commands, with values and as the plan shows them.
#[derive(Clone, Debug, Default)]
pub struct ClearCommands {
    /// Apply commands with the snapshots' values.
    pub apply: Vec<String>,
    /// Rollback commands with the snapshots' values.
    pub rollback: Vec<String>,
    /// The apply commands as the plan shows them (masked).
    pub masked_apply: Vec<String>,
    /// The rollback commands as the plan shows them (masked).
    pub masked_rollback: Vec<String>,
    /// The remediation's manual steps (masked).
    pub manual: Vec<String>,
    /// Whether simulation proved both directions.
    pub verified: bool,
}

/// The commands with values of every CLI device of a plan, and the
/// fingerprint key the plan was masked with.
#[derive(Clone, Debug, Default)]
pub struct ClearSteps {
    /// The store's fingerprint key (`None`: plain SHA-256 fingerprints).
    pub key: Option<Vec<u8>>,
    /// Per device name.
    pub devices: BTreeMap<String, ClearCommands>,
}

/// What a `--secrets` file can get wrong.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
#[non_exhaustive]
pub enum SecretsFileError {
    /// The file is not a YAML mapping of fingerprints to strings.
    #[error("the secrets file is not a YAML mapping of fingerprint to value: {message}")]
    #[diagnostic(
        code(henko::plan::secrets_file),
        help("write one `<fingerprint>: <value>` per line, e.g. `715dc849: \"s3cret\"`")
    )]
    Invalid {
        /// What the YAML parser said.
        message: String,
    },
    /// A key is not an 8-hex-digit fingerprint.
    #[error("`{key}` in the secrets file is not a fingerprint (8 hex digits, or <secret:…>)")]
    #[diagnostic(code(henko::plan::secrets_file))]
    NotAFingerprint {
        /// The key as written.
        key: String,
    },
    /// A value does not have the fingerprint it is filed under.
    #[error("the value given for {fingerprint} has another fingerprint in this store")]
    #[diagnostic(
        code(henko::plan::secrets_file),
        help("the value was taken for a different secret, or the store's key changed")
    )]
    Mismatch {
        /// The fingerprint it was filed under.
        fingerprint: String,
    },
}

/// Secret values by fingerprint, from a `--secrets` file.
#[derive(Clone, Debug, Default)]
pub struct SecretValues {
    values: BTreeMap<String, String>,
}

impl SecretValues {
    /// Reads a YAML mapping of fingerprint (`715dc849` or
    /// `<secret:715dc849>`) to value, checking that every value has its
    /// fingerprint under `key` (the store's key; SHA-256 without one).
    pub fn parse(text: &str, key: Option<&[u8]>) -> Result<SecretValues, SecretsFileError> {
        let invalid = |message: String| SecretsFileError::Invalid { message };
        let map: serde_yaml::Mapping =
            serde_yaml::from_str(text).map_err(|e| invalid(e.to_string()))?;
        let mut values = BTreeMap::new();
        for (raw, value) in map {
            // An all-digit fingerprint or community reads as a number.
            let (Some(raw), Some(value)) = (scalar(&raw), scalar(&value)) else {
                return Err(invalid("keys and values must be plain strings".into()));
            };
            let fingerprint = raw
                .trim()
                .trim_start_matches("<secret:")
                .trim_end_matches('>')
                .to_ascii_lowercase();
            if !is_fingerprint(&fingerprint) {
                return Err(SecretsFileError::NotAFingerprint { key: raw });
            }
            if crate::config::fingerprint(&value, key) != fingerprint {
                return Err(SecretsFileError::Mismatch { fingerprint });
            }
            values.insert(fingerprint, value);
        }
        Ok(SecretValues { values })
    }

    /// Returns the value filed under `fingerprint`.
    pub fn get(&self, fingerprint: &str) -> Option<&str> {
        self.values.get(fingerprint).map(String::as_str)
    }
}

/// The text of a YAML string, number or boolean.
fn scalar(value: &serde_yaml::Value) -> Option<String> {
    match value {
        serde_yaml::Value::String(s) => Some(s.clone()),
        serde_yaml::Value::Number(n) => Some(n.to_string()),
        serde_yaml::Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// True for 8 lower-case hex digits.
fn is_fingerprint(text: &str) -> bool {
    text.len() == 8 && text.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

/// A command that cannot be written because its secret is unknown.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NeededSecret {
    /// 1-based position of the command in its list.
    pub step: usize,
    /// The fingerprint of the missing value.
    pub fingerprint: String,
    /// The command as the plan shows it (masked).
    pub command: String,
}

/// The pasteable form of one command list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Resolved {
    /// Every command with its real values.
    Ready(Vec<String>),
    /// Secrets no snapshot and no `--secrets` file holds: the list must be
    /// carried out by hand with them.
    Manual(Vec<NeededSecret>),
}

/// Replaces every `<secret:XXXXXXXX>` left in `commands` (a redacted
/// store's placeholders) by its value; `masked` is the same list as the
/// plan shows it, for naming a command without its values.
pub fn resolve(commands: &[String], masked: &[String], values: &SecretValues) -> Resolved {
    let mut ready = Vec::with_capacity(commands.len());
    let mut needed = Vec::new();
    for (at, command) in commands.iter().enumerate() {
        let mut out = String::with_capacity(command.len());
        let mut rest = command.as_str();
        while let Some(start) = rest.find("<secret:") {
            let after = &rest[start + "<secret:".len()..];
            let fingerprint = after.get(..8).filter(|f| is_fingerprint(f));
            match fingerprint.filter(|_| after[8..].starts_with('>')) {
                Some(fingerprint) => {
                    out.push_str(&rest[..start]);
                    match values.get(fingerprint) {
                        Some(value) => out.push_str(value),
                        None => needed.push(NeededSecret {
                            step: at + 1,
                            fingerprint: fingerprint.to_string(),
                            command: masked.get(at).cloned().unwrap_or_default(),
                        }),
                    }
                    rest = &after[9..];
                }
                None => {
                    out.push_str(&rest[..start + 1]);
                    rest = &rest[start + 1..];
                }
            }
        }
        out.push_str(rest);
        ready.push(out);
    }
    if needed.is_empty() {
        Resolved::Ready(ready)
    } else {
        Resolved::Manual(needed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_take_their_values_or_become_manual_steps() {
        let fp = crate::config::fingerprint("s3cret", Some(b"k"));
        let values = SecretValues::parse(&format!("\"<secret:{fp}>\": s3cret\n"), Some(b"k"))
            .expect("valid file");
        let commands = vec![
            format!("snmp-server community <secret:{fp}> RO"),
            "hostname r1".to_string(),
        ];
        assert_eq!(
            resolve(&commands, &commands, &values),
            Resolved::Ready(vec![
                "snmp-server community s3cret RO".to_string(),
                "hostname r1".to_string()
            ])
        );
        let missing = vec!["key 7 <secret:0123abcd>".to_string()];
        match resolve(&missing, &missing, &values) {
            Resolved::Manual(needed) => {
                assert_eq!(needed[0].fingerprint, "0123abcd");
                assert_eq!(needed[0].step, 1);
            }
            other => panic!("{other:?}"),
        }
        // Text that only looks like a placeholder stays as it is.
        let odd = vec!["description <secret:xyz> here".to_string()];
        assert_eq!(resolve(&odd, &odd, &values), Resolved::Ready(odd.clone()));
    }

    #[test]
    fn a_value_filed_under_another_fingerprint_is_refused() {
        assert!(matches!(
            SecretValues::parse("0123abcd: s3cret\n", Some(b"k")),
            Err(SecretsFileError::Mismatch { .. })
        ));
        assert!(matches!(
            SecretValues::parse("nope: s3cret\n", None),
            Err(SecretsFileError::NotAFingerprint { .. })
        ));
        assert!(SecretValues::parse("[1, 2]", None).is_err());
    }
}
