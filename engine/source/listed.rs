//! A snapshot's file list, read once and shared by every reader of a run.
//!
//! Reading a git file by path walks the commit's trees down to it, and a
//! store keeps thousands of configurations in one folder, whose tree object
//! is parsed again on every such walk (libgit2 caches only small trees).
//! A plan reads hundreds of files by path and lists the TO tree in several
//! places; with a [`Listing`] it lists each tree once and reads every
//! listed file by its blob id.

use super::{FileEntry, FileTree, SourceError};

/// Every file of one snapshot, sorted by path (as [`FileTree::files`]).
#[derive(Clone, Debug, Default)]
pub struct Listing {
    files: Vec<FileEntry>,
}

impl Listing {
    /// Lists `tree` once.
    pub fn of(tree: &dyn FileTree) -> Result<Listing, SourceError> {
        Ok(Listing::from_files(tree.files()?))
    }

    /// Wraps a list already read (sorted here, so lookups hold whatever
    /// order it came in).
    pub fn from_files(mut files: Vec<FileEntry>) -> Listing {
        files.sort();
        Listing { files }
    }

    /// Returns every file, sorted by path.
    pub fn files(&self) -> &[FileEntry] {
        &self.files
    }

    /// Returns the entry of the file at `path`, if the snapshot has one.
    pub fn get(&self, path: &str) -> Option<&FileEntry> {
        self.files
            .binary_search_by(|e| e.path.as_str().cmp(path))
            .ok()
            .map(|at| &self.files[at])
    }

    /// Returns a reader over `tree` that answers [`FileTree::files`] from
    /// this list and reads listed files by blob id.
    pub fn reader<'a>(&'a self, tree: &'a dyn FileTree) -> Listed<'a> {
        Listed {
            tree,
            listing: self,
        }
    }
}

/// A [`FileTree`] whose file list comes from a [`Listing`]; see
/// [`Listing::reader`].
pub struct Listed<'a> {
    tree: &'a dyn FileTree,
    listing: &'a Listing,
}

impl FileTree for Listed<'_> {
    fn files(&self) -> Result<Vec<FileEntry>, SourceError> {
        Ok(self.listing.files.clone())
    }

    fn paths(&self) -> Result<Vec<String>, SourceError> {
        Ok(self.listing.files.iter().map(|e| e.path.clone()).collect())
    }

    fn read(&self, path: &str) -> Result<Vec<u8>, SourceError> {
        match self.listing.get(path) {
            Some(entry) => self.tree.read_entry(entry),
            // Not listed: the reader gives its own answer (its error).
            None => self.tree.read(path),
        }
    }

    fn read_entry(&self, entry: &FileEntry) -> Result<Vec<u8>, SourceError> {
        self.tree.read_entry(entry)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::blob_id;
    use std::cell::Cell;

    /// A two-file tree that counts reads by path.
    struct Counting {
        by_path: Cell<usize>,
    }

    impl FileTree for Counting {
        fn files(&self) -> Result<Vec<FileEntry>, SourceError> {
            Ok(["b.cfg", "a.cfg"]
                .iter()
                .map(|p| FileEntry {
                    path: p.to_string(),
                    id: blob_id(p.as_bytes()),
                })
                .collect())
        }

        fn read(&self, path: &str) -> Result<Vec<u8>, SourceError> {
            self.by_path.set(self.by_path.get() + 1);
            Err(SourceError::MissingFile {
                path: path.to_string(),
                rev: "test".into(),
            })
        }

        fn read_entry(&self, entry: &FileEntry) -> Result<Vec<u8>, SourceError> {
            Ok(entry.path.as_bytes().to_vec())
        }
    }

    #[test]
    fn listed_files_are_read_by_id_and_others_by_path() {
        let tree = Counting {
            by_path: Cell::new(0),
        };
        let listing = Listing::of(&tree).unwrap();
        assert_eq!(listing.files()[0].path, "a.cfg");
        let reader = listing.reader(&tree);
        assert_eq!(reader.read("b.cfg").unwrap(), b"b.cfg");
        assert_eq!(tree.by_path.get(), 0);
        assert!(matches!(
            reader.read("c.cfg"),
            Err(SourceError::MissingFile { .. })
        ));
        assert_eq!(tree.by_path.get(), 1);
        assert_eq!(reader.files().unwrap(), listing.files());
    }
}
