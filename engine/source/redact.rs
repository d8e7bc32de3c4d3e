//! Secrets at rest: the hook through which a snapshot's files are redacted
//! before they become git objects, and the store's keyed fingerprints.
//!
//! The store does not know what a secret looks like; that is the config
//! stage's business. It only offers a [`Redactor`] hook, called with each
//! file's path and bytes before the blob is written, and a [`Fingerprinter`]
//! holding the key kept outside every git object (`<gitdir>/henko/redact.key`,
//! created by `henko init`); the config stage's detector fingerprints
//! values with it (`crate::config::fingerprint`, the only fingerprint).
//! A secret replaced by its fingerprint still shows as changed when it is
//! rotated, and unchanged when it is not, but the value itself never reaches
//! the object database, so cloning or pushing the store does not spread it.

use super::SourceError;
use std::io::Read;
use std::path::{Path, PathBuf};

/// Rewrites one file before it is stored: takes its path inside the snapshot
/// and its bytes, returns the bytes to store. Called from several threads.
pub trait Redactor: Sync {
    /// Returns `bytes` with every secret value replaced.
    fn redact(&self, path: &str, bytes: &[u8]) -> Vec<u8>;
}

impl<F> Redactor for F
where
    F: Fn(&str, &[u8]) -> Vec<u8> + Sync,
{
    fn redact(&self, path: &str, bytes: &[u8]) -> Vec<u8> {
        self(path, bytes)
    }
}

/// The length of a store key in bytes.
pub const KEY_LEN: usize = 32;

/// The store's fingerprint key (HMAC-SHA256 key of every `<secret:…>` the
/// store's diffs, plans and redacted files show).
#[derive(Clone)]
pub struct Fingerprinter {
    key: [u8; KEY_LEN],
}

impl std::fmt::Debug for Fingerprinter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Fingerprinter { key: <redacted> }")
    }
}

impl Fingerprinter {
    /// Builds a fingerprinter from raw key bytes.
    pub fn new(key: [u8; KEY_LEN]) -> Self {
        Fingerprinter { key }
    }

    /// Returns the key, for the config stage's fingerprints.
    pub fn key(&self) -> &[u8; KEY_LEN] {
        &self.key
    }
}

/// Returns where a store keeps its key: `<gitdir>/henko/redact.key`, inside
/// the git folder (so it moves with the store) but in no object (so it is
/// never cloned, fetched or pushed).
pub fn key_path(git_dir: &Path) -> PathBuf {
    git_dir.join("henko").join("redact.key")
}

/// Returns the fingerprint key of the store a git snapshot lives in, if it
/// has one; every stage that masks a snapshot's secrets asks here, so one
/// value has one fingerprint per store.
pub fn snapshot_key(snapshot: &super::Snapshot) -> Option<Vec<u8>> {
    match snapshot {
        super::Snapshot::Git { repo, .. } => std::fs::read(key_path(repo)).ok(),
        _ => None,
    }
}

/// Creates the key file with 32 fresh random bytes unless it exists already
/// (an adopted store keeps its key, so fingerprints stay comparable).
/// Returns true when a key was created.
pub(crate) fn create_key(git_dir: &Path) -> Result<bool, SourceError> {
    let path = key_path(git_dir);
    if path.exists() {
        return Ok(false);
    }
    let folder = path.parent().unwrap_or(git_dir);
    std::fs::create_dir_all(folder).map_err(|e| SourceError::io(folder, e))?;
    let key = random_key().map_err(|e| SourceError::io("/dev/urandom", e))?;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let write = options
        .open(&path)
        .and_then(|mut file| std::io::Write::write_all(&mut file, &key));
    match write {
        Ok(()) => Ok(true),
        // Another `init --existing` won the race; its key is as good.
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(false),
        Err(e) => Err(SourceError::io(path, e)),
    }
}

/// Reads the store's key.
pub(crate) fn load_key(git_dir: &Path) -> Result<Fingerprinter, SourceError> {
    let path = key_path(git_dir);
    let bytes = std::fs::read(&path).map_err(|source| SourceError::MissingKey {
        path: path.clone(),
        source,
    })?;
    let key: [u8; KEY_LEN] = bytes.try_into().map_err(|_| SourceError::MissingKey {
        path,
        source: std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            format!("a key is exactly {KEY_LEN} bytes"),
        ),
    })?;
    Ok(Fingerprinter::new(key))
}

/// Reads 32 bytes from the operating system's random source.
fn random_key() -> std::io::Result<[u8; KEY_LEN]> {
    let mut key = [0u8; KEY_LEN];
    std::fs::File::open("/dev/urandom")?.read_exact(&mut key)?;
    Ok(key)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_key_never_shows_in_debug_output() {
        let a = Fingerprinter::new([1; KEY_LEN]);
        assert!(!format!("{a:?}").contains('1'));
        assert_eq!(a.key(), &[1; KEY_LEN]);
    }

    #[test]
    fn key_is_created_once_and_private() {
        let dir = tempfile::tempdir().unwrap();
        assert!(create_key(dir.path()).unwrap());
        let first = std::fs::read(key_path(dir.path())).unwrap();
        assert_eq!(first.len(), KEY_LEN);
        assert!(!create_key(dir.path()).unwrap());
        assert_eq!(std::fs::read(key_path(dir.path())).unwrap(), first);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(key_path(dir.path()))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        load_key(dir.path()).unwrap();
    }
}
