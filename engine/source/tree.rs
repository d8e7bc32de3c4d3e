//! One way to read "a tree of files", whether it is a git commit, a plain
//! folder, or a single file.
//!
//! A [`Snapshot`] is a cheap, `Send + Sync` description of where the files
//! are; [`Snapshot::open`] gives a [`FileTree`] reader. git2's `Repository`
//! is not `Sync`, so parallel code opens one reader per worker thread.

use super::SourceError;
use git2::{ObjectType, Oid, Repository, TreeWalkMode, TreeWalkResult};
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::path::{Component, Path, PathBuf};

/// A revision as the user gave it and what it resolved to.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SnapshotRef {
    /// The argument as given (`HEAD~2`, `snapshots`, `./backup`).
    pub rev: String,
    /// The resolved commit id (40 hex digits) for a revision, or
    /// `sha256:<hex>` of the content for a folder or file.
    pub commit: String,
}

/// One file of a snapshot.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FileEntry {
    /// Path inside the snapshot, `/`-separated, no leading `./`.
    pub path: String,
    /// The git blob id of the content (computed for folders), so two
    /// snapshots can be compared without reading unchanged files twice.
    pub id: Oid,
}

/// Reads the files of one snapshot.
pub trait FileTree {
    /// Returns every file, sorted by path.
    fn files(&self) -> Result<Vec<FileEntry>, SourceError>;
    /// Returns the path of every file, sorted, for callers that only ask
    /// what exists: a folder lists them without reading or hashing a file.
    fn paths(&self) -> Result<Vec<String>, SourceError> {
        Ok(self.files()?.into_iter().map(|e| e.path).collect())
    }
    /// Returns the content of the file at `path`.
    fn read(&self, path: &str) -> Result<Vec<u8>, SourceError>;
    /// Returns the content of a file listed by [`FileTree::files`]; git
    /// readers fetch the blob by id without walking the tree again.
    fn read_entry(&self, entry: &FileEntry) -> Result<Vec<u8>, SourceError> {
        self.read(&entry.path)
    }
}

/// Where a snapshot's files live.
#[derive(Clone, Debug)]
pub enum Snapshot {
    /// A commit in a git repository.
    Git {
        /// The repository's path (its `.git` or bare folder).
        repo: PathBuf,
        /// The revision given and the commit it resolved to.
        reference: SnapshotRef,
        /// The commit's root tree.
        tree: Oid,
    },
    /// A plain folder.
    Folder {
        /// The folder.
        root: PathBuf,
        /// The folder as given and its content hash.
        reference: SnapshotRef,
    },
    /// A single configuration file (the two-file form of `diff`/`plan`).
    File {
        /// The file.
        path: PathBuf,
        /// The file as given and its content hash.
        reference: SnapshotRef,
    },
}

/// The prefix of the explicit revision form: `rev:NAME` is always the
/// revision NAME, never a path.
pub const REVISION_PREFIX: &str = "rev:";

/// True when `arg` can only be meant as a path: absolute, or starting with
/// `./` or `../` (or exactly `.` / `..`), as git reads a pathspec.
fn is_explicit_path(arg: &str) -> bool {
    let path = Path::new(arg);
    path.is_absolute()
        || matches!(arg, "." | "..")
        || ["./", "../", ".\\", "..\\"]
            .iter()
            .any(|prefix| arg.starts_with(prefix))
}

impl Snapshot {
    /// Resolves a FROM/TO argument the way git resolves one:
    ///
    /// - `rev:NAME` is always the revision NAME of the store;
    /// - `./name`, `../name`, `.`, `..` or an absolute path is always a path;
    /// - any other argument is a path when it exists and a revision
    ///   otherwise; one that is both an existing path and a revision of the
    ///   store is refused as ambiguous ([`SourceError::Ambiguous`]).
    ///
    /// The store is `repo`, or the one around the current directory when
    /// `repo` is `None`.
    pub fn resolve(arg: &str, repo: Option<&Path>) -> Result<Snapshot, SourceError> {
        if let Some(rev) = arg.strip_prefix(REVISION_PREFIX) {
            return Self::revision(arg, rev, repo);
        }
        let path = Path::new(arg);
        if std::fs::metadata(path).is_err() {
            if is_explicit_path(arg) {
                return Err(SourceError::NoSuchPath {
                    path: path.to_path_buf(),
                });
            }
            return Self::revision(arg, arg, repo);
        }
        if !is_explicit_path(arg) && Self::revision(arg, arg, repo).is_ok() {
            return Err(SourceError::Ambiguous {
                arg: arg.to_string(),
            });
        }
        Self::resolve_path(arg)
    }

    /// Resolves `arg` as an existing folder or file, never as a revision.
    pub fn resolve_path(arg: &str) -> Result<Snapshot, SourceError> {
        let path = Path::new(arg);
        let meta = std::fs::metadata(path).map_err(|_| SourceError::NoSuchPath {
            path: path.to_path_buf(),
        })?;
        let content = content_hash(path, meta.is_dir())?;
        let reference = SnapshotRef {
            rev: arg.to_string(),
            commit: content,
        };
        Ok(if meta.is_dir() {
            Snapshot::Folder {
                root: path.to_path_buf(),
                reference,
            }
        } else {
            Snapshot::File {
                path: path.to_path_buf(),
                reference,
            }
        })
    }

    /// Resolves `rev` as a revision of the store; `arg` is the argument as
    /// given (recorded in the plan and named in errors).
    fn revision(arg: &str, rev: &str, repo: Option<&Path>) -> Result<Snapshot, SourceError> {
        let repository = match repo {
            Some(repo) => open_store(repo)?,
            None => Repository::discover(".").map_err(|_| SourceError::NoStore {
                rev: arg.to_string(),
            })?,
        };
        let unknown = || SourceError::UnknownRevision {
            rev: arg.to_string(),
            repo: repository.path().to_path_buf(),
        };
        let object = repository.revparse_single(rev).map_err(|_| unknown())?;
        let commit = object.peel_to_commit().map_err(|_| unknown())?;
        Ok(Snapshot::Git {
            repo: repository.path().to_path_buf(),
            reference: SnapshotRef {
                rev: arg.to_string(),
                commit: commit.id().to_string(),
            },
            tree: commit.tree_id(),
        })
    }

    /// Returns the revision given and what it resolved to.
    pub fn reference(&self) -> &SnapshotRef {
        match self {
            Snapshot::Git { reference, .. }
            | Snapshot::Folder { reference, .. }
            | Snapshot::File { reference, .. } => reference,
        }
    }

    /// Returns the one file of a loose-file snapshot as its reader lists
    /// it, without reading it: the blob id is left zero (`None` for other
    /// snapshots). For callers that read the file whole anyway.
    pub fn loose_entry(&self) -> Option<FileEntry> {
        match self {
            Snapshot::File { path, reference } => Some(FileEntry {
                path: loose_name(path, &reference.rev),
                id: Oid::zero(),
            }),
            _ => None,
        }
    }

    /// Opens a reader. Call once per thread: git handles are not shared.
    pub fn open(&self) -> Result<Box<dyn FileTree>, SourceError> {
        Ok(match self {
            Snapshot::Git {
                repo,
                tree,
                reference,
            } => Box::new(GitTree {
                repo: open_store(repo)?,
                tree: *tree,
                rev: reference.rev.clone(),
            }),
            Snapshot::Folder { root, reference } => Box::new(FolderTree {
                root: root.clone(),
                rev: reference.rev.clone(),
            }),
            Snapshot::File { path, reference } => Box::new(SingleFile {
                path: path.clone(),
                rev: reference.rev.clone(),
            }),
        })
    }
}

/// Opens the store at `path`, or says plainly that it is not one.
pub(crate) fn open_store(path: &Path) -> Result<Repository, SourceError> {
    Repository::open(path).map_err(|_| SourceError::NotAStore {
        path: path.to_path_buf(),
    })
}

/// Returns `sha256:<hex>` over the sorted (path, blob id) pairs of a folder,
/// or over the bytes of a single file.
fn content_hash(path: &Path, is_dir: bool) -> Result<String, SourceError> {
    let mut hasher = Sha256::new();
    if is_dir {
        for entry in walk_folder(path)? {
            hasher.update(entry.path.as_bytes());
            hasher.update([0]);
            hasher.update(entry.id.as_bytes());
        }
    } else {
        let bytes = std::fs::read(path).map_err(|e| SourceError::io(path, e))?;
        hasher.update(&bytes);
    }
    Ok(format!("sha256:{}", hex(&hasher.finalize())))
}

/// Lower-case hex of bytes.
pub(crate) fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes
        .iter()
        .fold(String::with_capacity(bytes.len() * 2), |mut s, b| {
            let _ = write!(s, "{b:02x}");
            s
        })
}

struct GitTree {
    repo: Repository,
    tree: Oid,
    rev: String,
}

impl FileTree for GitTree {
    fn files(&self) -> Result<Vec<FileEntry>, SourceError> {
        let tree = self
            .repo
            .find_tree(self.tree)
            .map_err(|e| SourceError::git(format!("reading tree of {}", self.rev), e))?;
        let mut files = Vec::new();
        tree.walk(TreeWalkMode::PreOrder, |dir, entry| {
            if entry.kind() == Some(ObjectType::Blob) {
                if let Some(name) = entry.name() {
                    files.push(FileEntry {
                        path: format!("{dir}{name}"),
                        id: entry.id(),
                    });
                }
            }
            TreeWalkResult::Ok
        })
        .map_err(|e| SourceError::git(format!("walking tree of {}", self.rev), e))?;
        files.sort();
        Ok(files)
    }

    fn read(&self, path: &str) -> Result<Vec<u8>, SourceError> {
        let tree = self
            .repo
            .find_tree(self.tree)
            .map_err(|e| SourceError::git(format!("reading tree of {}", self.rev), e))?;
        let entry = tree
            .get_path(Path::new(path))
            .map_err(|_| SourceError::MissingFile {
                path: path.to_string(),
                rev: self.rev.clone(),
            })?;
        self.read_entry(&FileEntry {
            path: path.to_string(),
            id: entry.id(),
        })
    }

    fn read_entry(&self, entry: &FileEntry) -> Result<Vec<u8>, SourceError> {
        let blob = self
            .repo
            .find_blob(entry.id)
            .map_err(|e| SourceError::git(format!("reading {} at {}", entry.path, self.rev), e))?;
        Ok(blob.content().to_vec())
    }
}

struct FolderTree {
    root: PathBuf,
    rev: String,
}

impl FileTree for FolderTree {
    fn files(&self) -> Result<Vec<FileEntry>, SourceError> {
        walk_folder(&self.root)
    }

    fn paths(&self) -> Result<Vec<String>, SourceError> {
        let mut paths: Vec<String> = list_folder(&self.root)?
            .into_iter()
            .map(|f| f.relative)
            .collect();
        paths.sort();
        Ok(paths)
    }

    fn read(&self, path: &str) -> Result<Vec<u8>, SourceError> {
        let relative = Path::new(path);
        if relative
            .components()
            .any(|c| !matches!(c, Component::Normal(_)))
        {
            return Err(SourceError::MissingFile {
                path: path.to_string(),
                rev: self.rev.clone(),
            });
        }
        let full = self.root.join(relative);
        if !full.exists() {
            return Err(SourceError::MissingFile {
                path: path.to_string(),
                rev: self.rev.clone(),
            });
        }
        check_inside(&self.root, &full)?;
        match std::fs::read(&full) {
            Ok(bytes) => Ok(bytes),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Err(SourceError::MissingFile {
                path: path.to_string(),
                rev: self.rev.clone(),
            }),
            Err(e) => Err(SourceError::io(full, e)),
        }
    }
}

struct SingleFile {
    path: PathBuf,
    rev: String,
}

impl SingleFile {
    fn name(&self) -> String {
        loose_name(&self.path, &self.rev)
    }
}

/// The path a loose file's reader lists its one file under: the file name,
/// or the argument as given when the path has none.
fn loose_name(path: &Path, rev: &str) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| rev.to_string())
}

impl FileTree for SingleFile {
    fn files(&self) -> Result<Vec<FileEntry>, SourceError> {
        let bytes = std::fs::read(&self.path).map_err(|e| SourceError::io(&self.path, e))?;
        Ok(vec![FileEntry {
            path: self.name(),
            id: blob_id(&bytes),
        }])
    }

    fn paths(&self) -> Result<Vec<String>, SourceError> {
        // The one name, without reading and hashing the file.
        Ok(vec![self.name()])
    }

    fn read(&self, path: &str) -> Result<Vec<u8>, SourceError> {
        if path != self.name() {
            return Err(SourceError::MissingFile {
                path: path.to_string(),
                rev: self.rev.clone(),
            });
        }
        std::fs::read(&self.path).map_err(|e| SourceError::io(&self.path, e))
    }
}

/// Returns the git blob id of `bytes`, as `git hash-object` would.
pub fn blob_id(bytes: &[u8]) -> Oid {
    Oid::hash_object(ObjectType::Blob, bytes).unwrap_or_else(|_| Oid::zero())
}

/// Refuses a path whose real location is outside `root` (a symlink escape).
fn check_inside(root: &Path, path: &Path) -> Result<(), SourceError> {
    let real_root = root.canonicalize().map_err(|e| SourceError::io(root, e))?;
    match path.canonicalize() {
        Ok(real) if real.starts_with(&real_root) => Ok(()),
        Ok(_) => Err(SourceError::SymlinkEscape {
            path: path.to_path_buf(),
            root: root.to_path_buf(),
        }),
        Err(e) => Err(SourceError::io(path, e)),
    }
}

/// A regular file found under a folder, not yet read.
#[derive(Clone, Debug)]
pub(crate) struct ListedFile {
    /// Path inside the folder, `/`-separated (non-UTF-8 names decoded lossily).
    pub relative: String,
    /// The raw name of every path component, for writing git trees byte-exact.
    pub components: Vec<std::ffi::OsString>,
    /// Where to read it (a symlink inside the folder is read through).
    pub path: PathBuf,
}

/// Lists every regular file under `root` (skipping `.git`), sorted by path,
/// without reading any. Symlinks are followed only while they stay inside
/// `root`; one that leads outside is refused with
/// [`SourceError::SymlinkEscape`]. Symlinked folders are not descended into
/// (their files are listed under their real path), so a link cycle cannot
/// loop.
pub(crate) fn list_folder(root: &Path) -> Result<Vec<ListedFile>, SourceError> {
    let real_root = root.canonicalize().map_err(|e| SourceError::io(root, e))?;
    let mut files = Vec::new();
    let mut pending = vec![(root.to_path_buf(), Vec::<std::ffi::OsString>::new())];
    while let Some((dir, prefix)) = pending.pop() {
        let entries = std::fs::read_dir(&dir).map_err(|e| SourceError::io(&dir, e))?;
        for entry in entries {
            let entry = entry.map_err(|e| SourceError::io(&dir, e))?;
            let name = entry.file_name();
            if name == ".git" {
                continue;
            }
            let path = entry.path();
            let mut file_type = entry.file_type().map_err(|e| SourceError::io(&path, e))?;
            let mut linked_dir = false;
            if file_type.is_symlink() {
                let real = path.canonicalize().map_err(|e| SourceError::io(&path, e))?;
                if !real.starts_with(&real_root) {
                    return Err(SourceError::SymlinkEscape {
                        path,
                        root: root.to_path_buf(),
                    });
                }
                file_type = std::fs::metadata(&real)
                    .map_err(|e| SourceError::io(&path, e))?
                    .file_type();
                linked_dir = file_type.is_dir();
            }
            let mut components = prefix.clone();
            components.push(name);
            if file_type.is_dir() && !linked_dir {
                pending.push((path, components));
            } else if file_type.is_file() {
                let relative = components
                    .iter()
                    .map(|c| c.to_string_lossy())
                    .collect::<Vec<_>>()
                    .join("/");
                files.push(ListedFile {
                    relative,
                    components,
                    path,
                });
            }
        }
    }
    files.sort_by(|a, b| a.components.cmp(&b.components));
    Ok(files)
}

/// Lists every regular file under `root` (skipping `.git`), hashing each as a
/// git blob, in parallel. Symlinks are followed only while they stay inside
/// `root`.
pub(crate) fn walk_folder(root: &Path) -> Result<Vec<FileEntry>, SourceError> {
    use rayon::prelude::*;
    let mut files = list_folder(root)?
        .into_par_iter()
        .map(|file| {
            let bytes = std::fs::read(&file.path).map_err(|e| SourceError::io(&file.path, e))?;
            Ok(FileEntry {
                path: file.relative,
                id: blob_id(&bytes),
            })
        })
        .collect::<Result<Vec<_>, SourceError>>()?;
    files.sort();
    Ok(files)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folder_and_git_blob_ids_agree() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("configs")).unwrap();
        std::fs::write(dir.path().join("configs/r1.cfg"), "hostname r1\n").unwrap();
        let snapshot = Snapshot::resolve(dir.path().to_str().unwrap(), None).unwrap();
        let files = snapshot.open().unwrap().files().unwrap();
        assert_eq!(files.len(), 1);
        assert_eq!(files[0].path, "configs/r1.cfg");
        // `printf 'hostname r1\n' | git hash-object --stdin`
        assert_eq!(files[0].id, blob_id(b"hostname r1\n"));
        assert!(snapshot.reference().commit.starts_with("sha256:"));
    }

    #[test]
    fn folder_paths_list_what_files_lists() {
        let dir = tempfile::tempdir().unwrap();
        for path in [
            "configs/b.cfg",
            "configs/a-b.cfg",
            "configs/a/c.cfg",
            "inventory.yaml",
        ] {
            let full = dir.path().join(path);
            std::fs::create_dir_all(full.parent().unwrap()).unwrap();
            std::fs::write(full, path).unwrap();
        }
        let tree = Snapshot::resolve(dir.path().to_str().unwrap(), None)
            .unwrap()
            .open()
            .unwrap();
        let listed: Vec<String> = tree.files().unwrap().into_iter().map(|e| e.path).collect();
        assert_eq!(tree.paths().unwrap(), listed);
        assert_eq!(listed.len(), 4);
    }

    #[test]
    fn a_single_file_lists_its_one_path_as_files_does() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("core-01.cfg");
        std::fs::write(&file, "hostname core-01\n").unwrap();
        let tree = Snapshot::resolve(file.to_str().unwrap(), None)
            .unwrap()
            .open()
            .unwrap();
        let listed: Vec<String> = tree.files().unwrap().into_iter().map(|e| e.path).collect();
        assert_eq!(tree.paths().unwrap(), listed);
        assert_eq!(listed, ["core-01.cfg"]);
    }

    #[test]
    fn folder_read_refuses_parent_components() {
        let dir = tempfile::tempdir().unwrap();
        let snapshot = Snapshot::resolve(dir.path().to_str().unwrap(), None).unwrap();
        assert!(snapshot.open().unwrap().read("../etc/passwd").is_err());
    }
}
