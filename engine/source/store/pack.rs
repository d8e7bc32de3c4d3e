//! A minimal pack-file writer: many new objects written as one pack instead
//! of one loose file each.
//!
//! The pack (format version 2) holds whole objects, no deltas, each in a
//! zlib stream of *stored* deflate blocks: writing one costs a copy and two
//! checksums, nothing more. libgit2's indexer (through the object database's
//! pack writer) checks every object and the trailer and writes the index; the
//! pack becomes visible only once the index is complete. Stored blocks make
//! the pack about as large as the content (which, for 4 KiB files, is what
//! loose objects occupy on disk anyway); `git gc` recompresses it whenever
//! wanted. libgit2's own pack builder was measured about ten times slower
//! here: it searches for deltas between every pair in a window.

use std::io::{self, Write};

/// The largest payload of one stored deflate block.
const STORED_BLOCK: usize = 65_535;

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
    let digest = out.sha1.finish();
    out.inner.write_all(&digest)?;
    Ok(out.written + 20)
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
    // zlib header: deflate, 32 KiB window, no dictionary, fastest level
    // (0x7801 is a multiple of 31, as the format requires).
    out.write_all(&[0x78, 0x01])?;
    let mut blocks = data.chunks(STORED_BLOCK).peekable();
    if blocks.peek().is_none() {
        out.write_all(&[0x01, 0x00, 0x00, 0xff, 0xff])?;
    }
    while let Some(block) = blocks.next() {
        let last = u8::from(blocks.peek().is_none());
        let len = block.len() as u16;
        out.write_all(&[last])?;
        out.write_all(&len.to_le_bytes())?;
        out.write_all(&(!len).to_le_bytes())?;
        out.write_all(block)?;
    }
    out.write_all(&adler32(data).to_be_bytes())
}

/// The Adler-32 checksum zlib ends its streams with.
fn adler32(data: &[u8]) -> u32 {
    const MOD: u32 = 65_521;
    let (mut a, mut b) = (1u32, 0u32);
    // 5552 bytes is the most that can be summed before `b` may overflow.
    for chunk in data.chunks(5_552) {
        for &byte in chunk {
            a += u32::from(byte);
            b += a;
        }
        a %= MOD;
        b %= MOD;
    }
    (b << 16) | a
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

/// SHA-1 (FIPS 180-4), for the pack trailer only: git names packs and
/// checks their integrity with it. Not used for anything secret.
struct Sha1 {
    state: [u32; 5],
    block: [u8; 64],
    filled: usize,
    length: u64,
}

impl Sha1 {
    fn new() -> Self {
        Sha1 {
            state: [
                0x6745_2301,
                0xEFCD_AB89,
                0x98BA_DCFE,
                0x1032_5476,
                0xC3D2_E1F0,
            ],
            block: [0; 64],
            filled: 0,
            length: 0,
        }
    }

    fn update(&mut self, mut data: &[u8]) {
        self.length += data.len() as u64;
        while !data.is_empty() {
            let take = (64 - self.filled).min(data.len());
            self.block[self.filled..self.filled + take].copy_from_slice(&data[..take]);
            self.filled += take;
            data = &data[take..];
            if self.filled == 64 {
                let block = self.block;
                self.compress(&block);
                self.filled = 0;
            }
        }
    }

    fn finish(mut self) -> [u8; 20] {
        let bits = self.length.wrapping_mul(8);
        let mut padding = vec![0x80u8];
        let used = (self.filled + 1) % 64;
        let zeros = if used <= 56 { 56 - used } else { 120 - used };
        padding.resize(1 + zeros, 0);
        padding.extend_from_slice(&bits.to_be_bytes());
        let length = self.length;
        self.update(&padding);
        self.length = length;
        let mut digest = [0u8; 20];
        for (chunk, word) in digest.chunks_mut(4).zip(self.state) {
            chunk.copy_from_slice(&word.to_be_bytes());
        }
        digest
    }

    fn compress(&mut self, block: &[u8; 64]) {
        let mut w = [0u32; 80];
        for (i, word) in block.chunks(4).enumerate() {
            w[i] = u32::from_be_bytes([word[0], word[1], word[2], word[3]]);
        }
        for i in 16..80 {
            w[i] = (w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16]).rotate_left(1);
        }
        let [mut a, mut b, mut c, mut d, mut e] = self.state;
        for (i, word) in w.iter().enumerate() {
            let (f, k) = match i {
                0..=19 => ((b & c) | (!b & d), 0x5A82_7999),
                20..=39 => (b ^ c ^ d, 0x6ED9_EBA1),
                40..=59 => ((b & c) | (b & d) | (c & d), 0x8F1B_BCDC),
                _ => (b ^ c ^ d, 0xCA62_C1D6),
            };
            let temp = a
                .rotate_left(5)
                .wrapping_add(f)
                .wrapping_add(e)
                .wrapping_add(k)
                .wrapping_add(*word);
            e = d;
            d = c;
            c = b.rotate_left(30);
            b = a;
            a = temp;
        }
        for (state, value) in self.state.iter_mut().zip([a, b, c, d, e]) {
            *state = state.wrapping_add(value);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sha1_hex(data: &[u8]) -> String {
        let mut sha = Sha1::new();
        sha.update(data);
        crate::source::tree::hex(&sha.finish())
    }

    #[test]
    fn sha1_matches_the_standard_vectors() {
        assert_eq!(sha1_hex(b""), "da39a3ee5e6b4b0d3255bfef95601890afd80709");
        assert_eq!(sha1_hex(b"abc"), "a9993e364706816aba3e25717850c26c9cd0d89d");
        assert_eq!(
            sha1_hex(b"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "84983e441c3bd26ebaae4aa1f95129e5e54670f1"
        );
        assert_eq!(
            sha1_hex(&vec![b'a'; 1_000_000]),
            "34aa973cd4c4daa4f61eeb2bdbad27316534016f"
        );
    }

    #[test]
    fn adler32_matches_zlib() {
        assert_eq!(adler32(b""), 1);
        assert_eq!(adler32(b"Wikipedia"), 0x11E6_0398);
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
