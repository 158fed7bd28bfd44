//! The model file: the trained model written once beside the database and
//! mapped read-only on every warm start, its big arrays read in place.
//!
//! A 60,000-title model is about 200 MB, almost all of it a few big arrays
//! (taste factors, the low-pass basis, link lists). Copying those out of a
//! SQLite blob and decoding them made every `rows` half a second; mapped, a
//! page touches only the rows it reads.
//!
//! Layout (little-endian): a 64-byte header (`MAGIC`, the file's id, the
//! offset and length of the small part), then every [`Numbers`] run, each
//! starting on a 64-byte boundary, then the small part: the rest of the
//! model in bincode, where each run is written as its (offset, byte length).
//! The file is never changed in place: a new model is written to a
//! temporary sibling and renamed over it, so a mapping stays valid.

use memmap2::Mmap;
use serde::de::{DeserializeOwned, Deserializer, Error as _, Visitor};
use serde::ser::{Error as _, Serializer};
use serde::{Deserialize, Serialize};
use std::cell::RefCell;
use std::fmt;
use std::fs::File;
use std::io::{self, Seek, SeekFrom, Write};
use std::ops::Deref;
use std::path::Path;
use std::sync::Arc;

#[cfg(not(target_endian = "little"))]
compile_error!("the model file stores numbers in little-endian order, as they sit in memory");

const MAGIC: &[u8; 16] = b"marquee model 1\0";
const HEADER: u64 = 64;
/// Each run starts on a boundary this wide: enough for any number type.
const ALIGN: u64 = 64;

/// A run of numbers in the model: made in memory by training, or read in
/// place from a mapped model file. Derefs to a slice either way.
pub struct Numbers<T: bytemuck::Pod>(Repr<T>);

enum Repr<T> {
    Owned(Vec<T>),
    /// `len` numbers at byte `start` of the mapping (checked aligned and in bounds).
    Mapped {
        file: Arc<Mmap>,
        start: usize,
        len: usize,
    },
}

impl<T: bytemuck::Pod> Deref for Numbers<T> {
    type Target = [T];
    fn deref(&self) -> &[T] {
        match &self.0 {
            Repr::Owned(v) => v,
            Repr::Mapped { file, start, len } => {
                bytemuck::cast_slice(&file[*start..*start + len * size_of::<T>()])
            }
        }
    }
}

impl<T: bytemuck::Pod> From<Vec<T>> for Numbers<T> {
    fn from(v: Vec<T>) -> Self {
        Numbers(Repr::Owned(v))
    }
}

impl<T: bytemuck::Pod> Default for Numbers<T> {
    fn default() -> Self {
        Numbers::from(Vec::new())
    }
}

impl<T: bytemuck::Pod> Clone for Numbers<T> {
    fn clone(&self) -> Self {
        Numbers(match &self.0 {
            Repr::Owned(v) => Repr::Owned(v.clone()),
            Repr::Mapped { file, start, len } => Repr::Mapped {
                file: Arc::clone(file),
                start: *start,
                len: *len,
            },
        })
    }
}

impl<T: bytemuck::Pod + fmt::Debug> fmt::Debug for Numbers<T> {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

impl<T: bytemuck::Pod + PartialEq> PartialEq for Numbers<T> {
    fn eq(&self, other: &Self) -> bool {
        self[..] == other[..]
    }
}

/// What serialising and deserialising a run does on this thread: inline
/// bytes (the default, for anything but the model file), or runs of the
/// model file being written or read.
enum Runs {
    Writing { file: File, at: u64 },
    Reading(Arc<Mmap>),
}

thread_local! {
    static RUNS: RefCell<Option<Runs>> = const { RefCell::new(None) };
}

/// Sets this thread's runs for one write or read, and clears them after,
/// also on an early return.
struct Using;

impl Using {
    fn set(runs: Runs) -> Using {
        RUNS.with(|r| *r.borrow_mut() = Some(runs));
        Using
    }
    fn take(self) -> Option<Runs> {
        RUNS.with(|r| r.borrow_mut().take())
    }
}

impl Drop for Using {
    fn drop(&mut self) {
        RUNS.with(|r| r.borrow_mut().take());
    }
}

impl<T: bytemuck::Pod> Serialize for Numbers<T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let bytes: &[u8] = bytemuck::cast_slice(self);
        let placed = RUNS.with(|r| match r.borrow_mut().as_mut() {
            Some(Runs::Writing { file, at }) => Some(append(file, at, bytes)),
            _ => None,
        });
        match placed {
            Some(Ok(offset)) => (offset, bytes.len() as u64).serialize(s),
            Some(Err(e)) => Err(S::Error::custom(format!("writing the model file: {e}"))),
            None => s.serialize_bytes(bytes),
        }
    }
}

/// Write `bytes` at the next aligned offset at or after `at`; returns where.
fn append(file: &mut File, at: &mut u64, bytes: &[u8]) -> io::Result<u64> {
    let start = at.div_ceil(ALIGN) * ALIGN;
    file.write_all(&vec![0; (start - *at) as usize])?;
    file.write_all(bytes)?;
    *at = start + bytes.len() as u64;
    Ok(start)
}

impl<'de, T: bytemuck::Pod> Deserialize<'de> for Numbers<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let mapped = RUNS.with(|r| match r.borrow().as_ref() {
            Some(Runs::Reading(file)) => Some(Arc::clone(file)),
            _ => None,
        });
        let Some(file) = mapped else {
            return d.deserialize_bytes(InlineVisitor(std::marker::PhantomData));
        };
        let (offset, bytes) = <(u64, u64)>::deserialize(d)?;
        let width = size_of::<T>() as u64;
        let fits = offset
            .checked_add(bytes)
            .is_some_and(|end| end <= file.len() as u64);
        if !fits || offset % (align_of::<T>() as u64) != 0 || bytes % width != 0 {
            return Err(D::Error::custom(format!(
                "a run of {bytes} bytes at {offset} does not fit the model file's {} bytes",
                file.len()
            )));
        }
        Ok(Numbers(Repr::Mapped {
            file,
            start: offset as usize,
            len: (bytes / width) as usize,
        }))
    }
}

struct InlineVisitor<T>(std::marker::PhantomData<T>);

impl<T: bytemuck::Pod> Visitor<'_> for InlineVisitor<T> {
    type Value = Numbers<T>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("packed little-endian numbers")
    }
    fn visit_bytes<E: serde::de::Error>(self, bytes: &[u8]) -> Result<Self::Value, E> {
        if !bytes.len().is_multiple_of(size_of::<T>()) {
            return Err(E::invalid_length(bytes.len(), &self));
        }
        // Copied into numbers of their own alignment: a byte slice has none.
        let mut v = vec![T::zeroed(); bytes.len() / size_of::<T>()];
        bytemuck::cast_slice_mut::<T, u8>(&mut v).copy_from_slice(bytes);
        Ok(Numbers::from(v))
    }
    fn visit_byte_buf<E: serde::de::Error>(self, bytes: Vec<u8>) -> Result<Self::Value, E> {
        self.visit_bytes(&bytes)
    }
}

/// Write `value` as a model file to `file` (from its start), under `id`.
pub fn write<T: Serialize>(mut file: File, id: u64, value: &T) -> io::Result<()> {
    file.write_all(&[0; HEADER as usize])?;
    let using = Using::set(Runs::Writing { file, at: HEADER });
    // Not `bincode::serialize`: it serialises twice (once to size the buffer),
    // which would write every run twice.
    let mut small = Vec::new();
    let small = bincode::serialize_into(&mut small, value)
        .map(|()| small)
        .map_err(io::Error::other);
    let Some(Runs::Writing { mut file, at }) = using.take() else {
        unreachable!("set above on this thread")
    };
    let small = small?;
    let start = append(&mut file, &mut { at }, &small)?;
    let mut header = Vec::with_capacity(HEADER as usize);
    header.extend_from_slice(MAGIC);
    for x in [id, start, small.len() as u64] {
        header.extend_from_slice(&x.to_le_bytes());
    }
    header.resize(HEADER as usize, 0);
    file.seek(SeekFrom::Start(0))?;
    file.write_all(&header)?;
    file.flush()
}

/// Read the model file at `path` if it is the one with `id`: `None` for a
/// missing file, another id or a layout this build cannot read (the caller
/// trains again).
pub fn read<T: DeserializeOwned>(path: &Path, id: u64) -> Option<T> {
    let file = File::open(path).ok()?;
    // Safety: Marquee never writes a model file in place (a new one is
    // renamed over it), so the mapped bytes do not change under us.
    let map = Arc::new(unsafe { Mmap::map(&file) }.ok()?);
    let word = |i: usize| -> Option<u64> {
        let at = MAGIC.len() + 8 * i;
        Some(u64::from_le_bytes(map.get(at..at + 8)?.try_into().ok()?))
    };
    if map.get(..MAGIC.len())? != MAGIC || word(0)? != id {
        return None;
    }
    let (start, len) = (word(1)? as usize, word(2)? as usize);
    let small = map.get(start..start.checked_add(len)?)?;
    let _using = Using::set(Runs::Reading(Arc::clone(&map)));
    bincode::deserialize(small).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Serialize, Deserialize, PartialEq, Debug)]
    struct Parts {
        name: String,
        floats: Numbers<f32>,
        ids: Numbers<u32>,
        empty: Numbers<u64>,
    }

    fn parts() -> Parts {
        Parts {
            name: "model".into(),
            floats: vec![1.5, -2.0, f32::MIN_POSITIVE].into(),
            ids: vec![7, 0, u32::MAX].into(),
            empty: Numbers::default(),
        }
    }

    #[test]
    fn a_model_file_reads_back_in_place_as_it_was_written() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("m");
        write(File::create(&path).unwrap(), 42, &parts()).unwrap();
        let back: Parts = read(&path, 42).unwrap();
        assert_eq!(back, parts());
        assert!(
            matches!(back.floats.0, Repr::Mapped { .. }),
            "read in place"
        );
        let offset = |n: &Numbers<f32>| match &n.0 {
            Repr::Mapped { start, .. } => *start,
            Repr::Owned(_) => unreachable!(),
        };
        assert_eq!(offset(&back.floats) % ALIGN as usize, 0);
    }

    #[test]
    fn each_run_is_written_once() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("m");
        let big = Parts {
            floats: vec![0.5; 100_000].into(),
            ..parts()
        };
        write(File::create(&path).unwrap(), 1, &big).unwrap();
        let len = std::fs::metadata(&path).unwrap().len();
        assert!(len < 401_000, "{len} bytes for one run of 400,000");
    }

    #[test]
    fn another_id_a_cut_file_or_junk_is_not_read() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("m");
        write(File::create(&path).unwrap(), 42, &parts()).unwrap();
        assert!(read::<Parts>(&path, 43).is_none(), "another file's id");
        let bytes = std::fs::read(&path).unwrap();
        for cut in [0, 10, 70, bytes.len() - 1] {
            std::fs::write(&path, &bytes[..cut]).unwrap();
            assert!(read::<Parts>(&path, 42).is_none(), "cut at {cut}");
        }
        std::fs::write(&path, b"not a model").unwrap();
        assert!(read::<Parts>(&path, 42).is_none());
        assert!(read::<Parts>(&dir.path().join("missing"), 42).is_none());
    }

    #[test]
    fn outside_a_model_file_numbers_are_inline_bytes() {
        let bytes = bincode::serialize(&parts()).unwrap();
        assert_eq!(bincode::deserialize::<Parts>(&bytes).unwrap(), parts());
        for cut in [1, 9, bytes.len() / 2, bytes.len() - 1] {
            assert!(bincode::deserialize::<Parts>(&bytes[..cut]).is_err());
        }
    }
}
