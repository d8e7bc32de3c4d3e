//! A minimal pack-file writer: many new objects written as one pack instead
//! of one loose file each.
//!
//! The pack (format version 2) holds whole objects, no deltas, each in a
//! zlib stream (flate2) at compression level 0, i.e. *stored* deflate
//! blocks: writing one costs a copy and two checksums, nothing more; the
//! trailer is the SHA-1 (the `sha1` crate) of everything before it.
//! libgit2's indexer (through the object database's pack writer) checks
//! every object and the trailer and writes the index; the pack becomes
//! visible only once the index is complete. Stored blocks make the pack
//! about as large as the content (which, for 4 KiB files, is what loose
//! objects occupy on disk anyway); `git gc` recompresses it whenever
//! wanted. libgit2's own pack builder searches for deltas between every
//! pair in a window, which henko's snapshots do not need.

use flate2::write::ZlibEncoder;
use flate2::Compression;
use sha1::{Digest, Sha1};
use std::io::{self, Write};

/// Streams a pack of `count` objects into `out` and returns the number of
/// bytes written. `objects` yields each object's git type number (1 commit,
/// 2 tree, 3 blob, 4 tag) and content.
pub(crate) fn write_pack<'a>(
    out: &mut impl Write,
    count: u32,
    objects: impl IntoIterator<Item = (u8, &'a [u8])>,
) -> io::Result<u64> {
    let mut out = Hashing {
        inner: out,
        sha1: Sha1::new(),
        written: 0,
    };
    out.write_all(b"PACK")?;
    out.write_all(&2u32.to_be_bytes())?;
    out.write_all(&count.to_be_bytes())?;
    let mut seen = 0u32;
    for (kind, data) in objects {
        seen += 1;
        write_object(&mut out, kind, data)?;
    }
    if seen != count {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("pack announced {count} objects, got {seen}"),
        ));
    }
    let digest = out.sha1.finalize();
    out.inner.write_all(&digest)?;
    Ok(out.written + digest.len() as u64)
}

/// Writes one object entry: the type-and-size header, then the zlib stream.
fn write_object(out: &mut impl Write, kind: u8, data: &[u8]) -> io::Result<()> {
    let mut size = data.len() as u64;
    let mut header = Vec::with_capacity(10);
    let mut byte = (kind << 4) | (size & 0x0f) as u8;
    size >>= 4;
    while size > 0 {
        header.push(byte | 0x80);
        byte = (size & 0x7f) as u8;
        size >>= 7;
    }
    header.push(byte);
    out.write_all(&header)?;
    let mut zlib = ZlibEncoder::new(out, Compression::none());
    zlib.write_all(data)?;
    zlib.finish()?;
    Ok(())
}

/// A writer that hashes what passes through it (the pack trailer is the
/// SHA-1 of everything before it).
struct Hashing<'a, W: Write> {
    inner: &'a mut W,
    sha1: Sha1,
    written: u64,
}

impl<W: Write> Write for Hashing<'_, W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.sha1.update(&buf[..n]);
        self.written += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_trailer_is_the_sha1_of_the_pack() {
        let mut pack = Vec::new();
        let written = write_pack(&mut pack, 1, [(3u8, &b"abc"[..])]).unwrap();
        assert_eq!(written, pack.len() as u64);
        let (body, trailer) = pack.split_at(pack.len() - 20);
        assert_eq!(trailer, Sha1::digest(body).as_slice());
        // Standard vector, to pin the crate to SHA-1 itself.
        assert_eq!(
            crate::source::tree::hex(&Sha1::digest(b"abc")),
            "a9993e364706816aba3e25717850c26c9cd0d89d"
        );
    }

    #[test]
    fn a_miscounted_pack_is_refused() {
        let err = write_pack(&mut Vec::new(), 2, [(3u8, &b"x"[..])]).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::InvalidInput);
    }

    #[test]
    fn libgit2_indexes_the_pack() {
        let dir = tempfile::tempdir().unwrap();
        let repo = git2::Repository::init_bare(dir.path()).unwrap();
        let big = vec![b'x'; 200_000];
        let objects: Vec<(u8, &[u8])> = vec![
            (3, b"hostname r1\n"),
            (3, b""),
            (3, &big),
            (3, b"\xff\x00binary"),
        ];
        let mut pack = Vec::new();
        write_pack(&mut pack, objects.len() as u32, objects.clone()).unwrap();
        let odb = repo.odb().unwrap();
        let mut writer = odb.packwriter().unwrap();
        writer.write_all(&pack).unwrap();
        writer.commit().unwrap();
        for (_, data) in objects {
            let id = git2::Oid::hash_object(git2::ObjectType::Blob, data).unwrap();
            assert_eq!(repo.find_blob(id).unwrap().content(), data);
        }
    }
}
