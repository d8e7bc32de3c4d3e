//! The diff's view of secrets: does a line hold one, what does it look like
//! masked, and is a change only secret churn.
//!
//! Detection is the config stage's ([`crate::config::secrets`]); this file
//! adds the one rule that needs the section a line sits in beyond the
//! config rules' reach (a FortiOS SNMP community's `set name` is the
//! community string) and keeps the dialect and fingerprint key together,
//! so the rest of the diff never handles a raw secret value.

use crate::config::{self, Dialect, SecretSpan};

/// Sections whose entries' `set name` is itself a secret: an SNMP
/// community's name is the community string.
const SECRET_NAME_SECTIONS: &[&str] = &["config system snmp community"];

/// Secret detection and masking for one configuration.
#[derive(Clone, Copy, Debug)]
pub struct Secrets<'k> {
    dialect: Dialect,
    key: Option<&'k [u8]>,
}

impl<'k> Secrets<'k> {
    /// Returns a detector for `dialect` whose fingerprints use `key` (the
    /// store's key; plain SHA-256 without one).
    pub fn new(dialect: Dialect, key: Option<&'k [u8]>) -> Self {
        Secrets { dialect, key }
    }

    /// Returns the secret values in `text` under the section headers
    /// `context` (outermost first), sorted and non-overlapping.
    pub fn find(&self, context: &[&str], text: &str) -> Vec<SecretSpan> {
        // A parameter sheet's row header is `<key column>=<key value>`: an
        // object's name even when the column is called `key`.
        if matches!(self.dialect, Dialect::Csv | Dialect::Xlsx) && is_row_header(context, text) {
            return Vec::new();
        }
        let mut spans = config::find_secrets_in_context(self.dialect, context, text);
        if let Some(span) = acos_community(text) {
            if !spans
                .iter()
                .any(|s| s.start <= span.start && span.end <= s.end)
            {
                spans.push(span);
                spans.sort();
            }
        }
        if spans.is_empty() {
            let in_name_section = context
                .iter()
                .any(|header| SECRET_NAME_SECTIONS.iter().any(|s| header.starts_with(s)));
            if in_name_section && text.starts_with("set name ") {
                spans.push(SecretSpan {
                    start: "set name ".len(),
                    end: text.len(),
                });
            }
        }
        spans
    }

    /// Returns true when `text` (under `context`) holds a secret value.
    pub fn contains(&self, context: &[&str], text: &str) -> bool {
        !self.find(context, text).is_empty()
    }

    /// Returns `text` with every secret value replaced by a fingerprint,
    /// so a changed secret shows as changed without showing the value.
    pub fn mask(&self, context: &[&str], text: &str) -> String {
        let mut out = text.to_string();
        for span in self.find(context, text).into_iter().rev() {
            out = config::mask(&out, span, self.key);
        }
        out
    }

    /// Returns `text` with its secret values cut out: two lines with the
    /// same shape differ only in their secrets (FortiOS `ENC` re-encryption).
    pub fn shape(&self, context: &[&str], text: &str) -> String {
        let mut out = text.to_string();
        for span in self.find(context, text).into_iter().rev() {
            out.replace_range(span.start..span.end, "");
        }
        out
    }
}

/// True for a sheet row's header: the top level of a CSV sheet, or the
/// level under a `sheet NAME` node of a workbook, written `column=value`.
fn is_row_header(context: &[&str], text: &str) -> bool {
    let row_level = match context {
        [] => true,
        [sheet] => sheet.starts_with("sheet "),
        _ => false,
    };
    row_level && text.contains('=') && !text.contains(": ")
}

/// A10 ACOS writes `snmp-server community read NAME` (and `write`): the
/// community string is the word after the access keyword.
fn acos_community(text: &str) -> Option<SecretSpan> {
    let rest = text.strip_prefix("snmp-server community ")?;
    let access = rest.split_whitespace().next()?;
    if access != "read" && access != "write" {
        return None;
    }
    let after = &rest[access.len()..];
    let name = after.split_whitespace().next()?;
    let start = text.len() - after.len() + (after.len() - after.trim_start().len());
    Some(SecretSpan {
        start,
        end: start + name.len(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_cli_and_structured_secrets() {
        let ios = Secrets::new(Dialect::Ios, None);
        let masked = ios.mask(&[], "username admin privilege 15 secret 9 $9$abcdef");
        assert!(masked.starts_with("username admin privilege 15 secret 9 <secret:"));
        assert!(!masked.contains("abcdef"));
        assert_eq!(ios.mask(&[], "hostname r1"), "hostname r1");
        let fortios = Secrets::new(Dialect::Fortios, None);
        assert!(!fortios
            .mask(&[], "set password ENC AAAAxyz==")
            .contains("AAAAxyz"));
        let yaml = Secrets::new(Dialect::Yaml, None);
        assert!(!yaml.mask(&[], "password: hunter2").contains("hunter2"));
    }

    #[test]
    fn fingerprints_follow_the_key() {
        let line = "enable secret 9 $9$abcdef";
        let plain = Secrets::new(Dialect::Ios, None).mask(&[], line);
        let keyed = Secrets::new(Dialect::Ios, Some(b"store key")).mask(&[], line);
        assert_ne!(plain, keyed);
    }

    #[test]
    fn shape_ignores_the_value_and_context_finds_snmp_names() {
        let fortios = Secrets::new(Dialect::Fortios, None);
        assert_eq!(
            fortios.shape(&[], "set password ENC one"),
            fortios.shape(&[], "set password ENC two")
        );
        assert_ne!(
            fortios.mask(&[], "set password ENC one"),
            fortios.mask(&[], "set password ENC two")
        );
        let acos = Secrets::new(Dialect::Ios, None)
            .mask(&[], "snmp-server community read nw-ro-2019 oid 1");
        assert!(
            !acos.contains("nw-ro-2019") && acos.ends_with(" oid 1"),
            "{acos}"
        );
        let csv = Secrets::new(Dialect::Csv, None);
        assert_eq!(csv.mask(&[], "key=sw01/Vlan140"), "key=sw01/Vlan140");
        assert!(!csv
            .mask(&["key=sw01"], "password: hunter2")
            .contains("hunter2"));
        let snmp = ["config system snmp community", "edit 1"];
        assert!(!fortios
            .mask(&snmp, "set name \"public-ro\"")
            .contains("public-ro"));
        assert_eq!(
            fortios.mask(&[], "set name \"public-ro\""),
            "set name \"public-ro\""
        );
    }
}
