//! The redactor `henko snapshot --redact-secrets` stores files through: the
//! config stage's secret rules, fingerprinted with the store's key.

use crate::source::{Redactor, Store};

/// Returns the redactor for snapshots into `store`.
pub(crate) fn redactor(store: &Store) -> miette::Result<Box<dyn Redactor>> {
    let key = *store.fingerprinter()?.key();
    Ok(Box::new(move |path: &str, bytes: &[u8]| {
        crate::config::at_rest::redact_file(path, bytes, &key)
    }))
}
