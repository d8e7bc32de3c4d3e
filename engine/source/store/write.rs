//! Writing a folder's files into the object database as blobs and trees.
//!
//! First every file is read, redacted when asked, and hashed in parallel
//! (one repository handle per worker thread: a `Repository` is not `Sync`),
//! and looked up: files already stored cost nothing more. What is new is then
//! written one of two ways:
//!
//! - a few new files (a nightly backup where some devices changed) become
//!   loose objects, written in parallel, as git itself would;
//! - many new files (the first snapshot of a large folder) are collected in
//!   an in-memory object backend and written as one pack file (`pack.rs`),
//!   in chunks of at most [`PACK_CHUNK_BYTES`], trees included. Ten thousand
//!   loose-object files cost ten thousand file creations and renames; one
//!   pack costs two.
//!
//! Either way every object is on disk before the caller commits, and a pack
//! becomes visible only once its index is complete, so an interrupted run
//! leaves at worst unreferenced objects. Every file is stored as a regular,
//! non-executable file (mode 100644): a snapshot records configuration
//! content, not permissions.

use super::pack::write_pack;
use crate::source::redact::Redactor;
use crate::source::tree::{list_folder, ListedFile};
use crate::source::SourceError;
use git2::{FileMode, ObjectType, Odb, Oid, Repository};
use rayon::prelude::*;
use std::collections::HashSet;
use std::ffi::OsString;
use std::path::Path;

/// From this many new files on, a snapshot writes a pack instead of loose
/// objects (git's `transfer.unpackLimit` makes the same trade).
pub(crate) const PACK_THRESHOLD: usize = 100;

/// The most new content held in memory before a pack is written out.
pub(crate) const PACK_CHUNK_BYTES: usize = 128 << 20;

/// Writes every file under `dir` as a blob (through `redact` when given) and
/// the trees that hold them; returns the root tree.
pub(crate) fn write_folder(
    repo: &Repository,
    dir: &Path,
    redact: Option<&dyn Redactor>,
) -> Result<Oid, SourceError> {
    let files = list_folder(dir)?;
    let git_dir = repo.path().to_path_buf();
    let hashed = files
        .par_iter()
        .map_init(
            || Repository::open(&git_dir),
            |handle, file| {
                let repo = worker(handle)?;
                let bytes = read(file, redact)?;
                let git = |e| SourceError::git(format!("storing {}", file.relative), e);
                let id = Oid::hash_object(ObjectType::Blob, &bytes).map_err(git)?;
                Ok((id, repo.odb().map_err(git)?.exists(id)))
            },
        )
        .collect::<Result<Vec<(Oid, bool)>, SourceError>>()?;
    let mut ids: Vec<Oid> = hashed.iter().map(|(id, _)| *id).collect();
    let missing: Vec<usize> = (0..files.len()).filter(|&i| !hashed[i].1).collect();
    let entries = |ids: &[Oid]| -> Vec<(&[OsString], Oid)> {
        files
            .iter()
            .zip(ids)
            .map(|(file, id)| (file.components.as_slice(), *id))
            .collect()
    };
    if missing.len() < PACK_THRESHOLD {
        let written = missing
            .par_iter()
            .map_init(
                || Repository::open(&git_dir),
                |handle, &i| {
                    let bytes = read(&files[i], redact)?;
                    worker(handle)?
                        .blob(&bytes)
                        .map_err(|e| SourceError::git(format!("storing {}", files[i].relative), e))
                },
            )
            .collect::<Result<Vec<Oid>, SourceError>>()?;
        for (&i, id) in missing.iter().zip(written) {
            ids[i] = id;
        }
        return write_tree(repo, &entries(&ids), &mut Vec::new());
    }
    // A private handle: the in-memory backend must not outlive this write.
    let stage = Repository::open(&git_dir).map_err(|e| SourceError::git("opening the store", e))?;
    let odb = stage
        .odb()
        .map_err(|e| SourceError::git("opening the object database", e))?;
    let mut pack = PackStage::new(&stage, &odb, PACK_CHUNK_BYTES)?;
    for chunk in missing.chunks(256) {
        let contents = chunk
            .par_iter()
            .map(|&i| read(&files[i], redact))
            .collect::<Result<Vec<Vec<u8>>, SourceError>>()?;
        for (&i, bytes) in chunk.iter().zip(contents) {
            ids[i] = pack.write(&bytes, &files[i].relative)?;
        }
    }
    let mut trees = Vec::new();
    let tree = write_tree(&stage, &entries(&ids), &mut trees)?;
    pack.flush(&trees)?;
    Ok(tree)
}

/// Objects collected in memory and written out as pack files.
struct PackStage<'a> {
    repo: &'a Repository,
    odb: &'a Odb<'a>,
    memory: git2::Mempack<'a>,
    /// The objects written since the last flush.
    held: Vec<Oid>,
    held_bytes: usize,
    /// Flush once this much content is held.
    chunk_bytes: usize,
}

impl<'a> PackStage<'a> {
    /// Puts an in-memory backend in front of `odb` (the database of `repo`),
    /// so that new objects written through `repo` are held until flushed.
    fn new(
        repo: &'a Repository,
        odb: &'a Odb<'a>,
        chunk_bytes: usize,
    ) -> Result<Self, SourceError> {
        let memory = odb
            .add_new_mempack_backend(1_000)
            .map_err(|e| SourceError::git("preparing a pack", e))?;
        Ok(PackStage {
            repo,
            odb,
            memory,
            held: Vec::new(),
            held_bytes: 0,
            chunk_bytes,
        })
    }

    /// Writes one blob, flushing a pack when enough content is held.
    fn write(&mut self, bytes: &[u8], path: &str) -> Result<Oid, SourceError> {
        let id = self
            .odb
            .write(ObjectType::Blob, bytes)
            .map_err(|e| SourceError::git(format!("storing {path}"), e))?;
        self.held.push(id);
        self.held_bytes += bytes.len();
        if self.held_bytes >= self.chunk_bytes {
            self.flush(&[])?;
        }
        Ok(id)
    }

    /// Writes every held object, and `more` (objects written through the
    /// repository's tree builders), as one pack with its index, and empties
    /// the in-memory backend.
    fn flush(&mut self, more: &[Oid]) -> Result<(), SourceError> {
        let git = |e| SourceError::git("writing a pack", e);
        let mut seen = HashSet::new();
        let mut objects = Vec::new();
        for id in self.held.iter().chain(more) {
            // An unchanged subtree may be on disk already; packing it again
            // is harmless (git allows an object in several packs).
            if seen.insert(*id) {
                objects.push(self.odb.read(*id).map_err(git)?);
            }
        }
        if !objects.is_empty() {
            let mut writer = self.odb.packwriter().map_err(git)?;
            let count = u32::try_from(objects.len()).map_err(|_| {
                SourceError::git("writing a pack", git2::Error::from_str("too many objects"))
            })?;
            let entries = objects.iter().map(|o| (pack_type(o.kind()), o.data()));
            write_pack(&mut writer, count, entries)
                .map_err(|e| SourceError::io(self.repo.path().join("objects/pack"), e))?;
            writer.commit().map_err(git)?;
        }
        self.memory.reset().map_err(git)?;
        self.held.clear();
        self.held_bytes = 0;
        Ok(())
    }
}

/// Returns the worker's repository handle, or why it could not be opened.
fn worker(handle: &Result<Repository, git2::Error>) -> Result<&Repository, SourceError> {
    handle.as_ref().map_err(|e| {
        SourceError::git(
            "opening the store in a worker",
            git2::Error::new(e.code(), e.class(), e.message()),
        )
    })
}

/// Reads one file, redacted when asked.
fn read(file: &ListedFile, redact: Option<&dyn Redactor>) -> Result<Vec<u8>, SourceError> {
    let bytes = std::fs::read(&file.path).map_err(|e| SourceError::io(&file.path, e))?;
    Ok(match redact {
        Some(redactor) => redactor.redact(&file.relative, &bytes),
        None => bytes,
    })
}

/// Builds the tree of `entries` (sorted by path components, as
/// `list_folder` returns them) and its subtrees; returns its id and adds
/// the id of every tree written to `written`.
fn write_tree(
    repo: &Repository,
    entries: &[(&[OsString], Oid)],
    written: &mut Vec<Oid>,
) -> Result<Oid, SourceError> {
    let git = |e| SourceError::git("building a snapshot tree", e);
    let mut builder = repo.treebuilder(None).map_err(git)?;
    let mut index = 0;
    while index < entries.len() {
        let (components, id) = entries[index];
        let name = &components[0];
        if components.len() == 1 {
            builder
                .insert(name, id, FileMode::Blob.into())
                .map_err(git)?;
            index += 1;
            continue;
        }
        let end = index
            + entries[index..]
                .iter()
                .take_while(|(c, _)| c.len() > 1 && &c[0] == name)
                .count();
        let children: Vec<(&[OsString], Oid)> = entries[index..end]
            .iter()
            .map(|(c, id)| (&c[1..], *id))
            .collect();
        let subtree = write_tree(repo, &children, written)?;
        builder
            .insert(name, subtree, FileMode::Tree.into())
            .map_err(git)?;
        index = end;
    }
    let id = builder.write().map_err(git)?;
    written.push(id);
    Ok(id)
}

/// The pack format's number for an object type.
fn pack_type(kind: ObjectType) -> u8 {
    match kind {
        ObjectType::Commit => 1,
        ObjectType::Tree => 2,
        ObjectType::Tag => 4,
        _ => 3,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::tree::walk_folder;

    #[test]
    fn many_new_files_go_into_a_pack_with_the_same_ids() {
        let dir = tempfile::tempdir().unwrap();
        let repo = Repository::init_bare(dir.path().join("store")).unwrap();
        let folder = dir.path().join("backup");
        for i in 0..(PACK_THRESHOLD + 20) {
            let path = folder.join(format!("site{}/rack{}/dev{i}.cfg", i % 3, i % 7));
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, format!("hostname dev{i}\n").repeat(i % 5)).unwrap();
        }
        let tree = write_folder(&repo, &folder, None).unwrap();
        let packs = std::fs::read_dir(repo.path().join("objects/pack"))
            .unwrap()
            .count();
        assert_eq!(packs, 2, "one pack and its index");
        let mut stored = Vec::new();
        repo.find_tree(tree)
            .unwrap()
            .walk(git2::TreeWalkMode::PreOrder, |dir, entry| {
                if entry.kind() == Some(ObjectType::Blob) {
                    stored.push((format!("{dir}{}", entry.name().unwrap()), entry.id()));
                }
                git2::TreeWalkResult::Ok
            })
            .unwrap();
        stored.sort();
        let expected: Vec<(String, Oid)> = walk_folder(&folder)
            .unwrap()
            .into_iter()
            .map(|f| (f.path, f.id))
            .collect();
        assert_eq!(stored, expected);
        for (_, id) in &stored {
            repo.find_blob(*id).unwrap();
        }
    }

    #[test]
    fn a_pack_stage_flushes_in_chunks() {
        let dir = tempfile::tempdir().unwrap();
        let repo = Repository::init_bare(dir.path()).unwrap();
        let odb = repo.odb().unwrap();
        let mut ids = Vec::new();
        {
            let mut stage = PackStage::new(&repo, &odb, 1_000).unwrap();
            for i in 0..10 {
                ids.push(
                    stage
                        .write(format!("{i}").repeat(300).as_bytes(), "x")
                        .unwrap(),
                );
            }
            stage.flush(&[]).unwrap();
        }
        let packs = std::fs::read_dir(repo.path().join("objects/pack"))
            .unwrap()
            .filter(|e| e.as_ref().unwrap().path().extension() == Some("pack".as_ref()))
            .count();
        assert!(packs >= 3, "{packs} packs");
        let fresh = Repository::open(dir.path()).unwrap();
        for (i, id) in ids.iter().enumerate() {
            assert_eq!(
                fresh.find_blob(*id).unwrap().content(),
                format!("{i}").repeat(300).as_bytes()
            );
        }
    }
}
