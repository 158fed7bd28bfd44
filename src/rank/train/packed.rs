//! The model cache's big arrays as packed little-endian bytes. bincode
//! writes a `Vec<f32>` or an `Array2<f32>` one element at a time and reads it
//! back the same way, and a 60,000-title model holds about 50 million
//! numbers; packed, a load is one pass of `from_le_bytes` over a borrowed
//! slice. (On ML-25M the whole-process effect was within noise: the time
//! there is moving the bytes. See docs/evaluation.md.) Use with
//! `#[serde(with = "...")]`.

use serde::de::{Deserializer, Error, Visitor};
use serde::ser::Serializer;
use serde::{Deserialize, Serialize};
use std::fmt;

/// Four-byte numbers as their little-endian bytes, one after another.
fn to_le<T>(values: impl Iterator<Item = T>, to: fn(T) -> [u8; 4]) -> Vec<u8> {
    values.flat_map(to).collect()
}

/// The inverse of [`to_le`] (the caller checks the length is a multiple of 4).
fn from_le<T>(bytes: &[u8], from: fn([u8; 4]) -> T) -> Vec<T> {
    bytes
        .chunks_exact(4)
        .map(|c| from([c[0], c[1], c[2], c[3]]))
        .collect()
}

/// One packed field, decoded from the bytes as written.
struct Packed<T>(T);

/// Decodes a byte string of `width`-byte elements with `read`.
struct PackedVisitor<T> {
    read: fn(&[u8]) -> T,
    width: usize,
}

impl<T> Visitor<'_> for PackedVisitor<T> {
    type Value = Packed<T>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("packed little-endian bytes")
    }
    fn visit_bytes<E: Error>(self, bytes: &[u8]) -> Result<Self::Value, E> {
        if !bytes.len().is_multiple_of(self.width) {
            return Err(E::invalid_length(bytes.len(), &self));
        }
        Ok(Packed((self.read)(bytes)))
    }
    fn visit_byte_buf<E: Error>(self, bytes: Vec<u8>) -> Result<Self::Value, E> {
        self.visit_bytes(&bytes)
    }
}

impl<'de> Deserialize<'de> for Packed<Vec<f32>> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_bytes(PackedVisitor {
            read: |b| from_le(b, f32::from_le_bytes),
            width: 4,
        })
    }
}

impl<'de> Deserialize<'de> for Packed<Vec<u32>> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_bytes(PackedVisitor {
            read: |b| from_le(b, u32::from_le_bytes),
            width: 4,
        })
    }
}

/// A titles × k (or members × k) matrix: its shape, then its values in row order.
pub mod matrix {
    use super::*;
    use ndarray::Array2;

    pub fn serialize<S: Serializer>(m: &Array2<f32>, s: S) -> Result<S::Ok, S::Error> {
        let bytes = Bytes(to_le(m.iter().copied(), f32::to_le_bytes));
        (m.nrows() as u64, m.ncols() as u64, bytes).serialize(s)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Array2<f32>, D::Error> {
        let (rows, cols, Packed(values)) = <(u64, u64, Packed<Vec<f32>>)>::deserialize(d)?;
        Array2::from_shape_vec((rows as usize, cols as usize), values)
            .map_err(|e| D::Error::custom(format!("a packed matrix: {e}")))
    }
}

/// Per title, a list of (title or feature, weight): the lists' lengths, then
/// every index, then every weight.
pub mod pairs {
    use super::*;

    pub fn serialize<S: Serializer>(lists: &[Vec<(u32, f32)>], s: S) -> Result<S::Ok, S::Error> {
        let lens = to_le(lists.iter().map(|l| l.len() as u32), u32::to_le_bytes);
        let ids = to_le(lists.iter().flatten().map(|p| p.0), u32::to_le_bytes);
        let weights = to_le(lists.iter().flatten().map(|p| p.1), f32::to_le_bytes);
        (Bytes(lens), Bytes(ids), Bytes(weights)).serialize(s)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<Vec<(u32, f32)>>, D::Error> {
        let (Packed(lens), Packed(ids), Packed(weights)) =
            <(Packed<Vec<u32>>, Packed<Vec<u32>>, Packed<Vec<f32>>)>::deserialize(d)?;
        let total: usize = lens.iter().map(|&n| n as usize).sum();
        if ids.len() != total || weights.len() != total {
            return Err(D::Error::custom("packed lists: lengths disagree"));
        }
        let mut at = 0;
        Ok(lens
            .iter()
            .map(|&n| {
                let end = at + n as usize;
                let list = ids[at..end]
                    .iter()
                    .copied()
                    .zip(weights[at..end].iter().copied())
                    .collect();
                at = end;
                list
            })
            .collect())
    }
}

/// A byte string (the cache's catalog, which is JSON) as one piece.
pub mod bytes {
    use super::*;

    pub fn serialize<S: Serializer>(b: &[u8], s: S) -> Result<S::Ok, S::Error> {
        s.serialize_bytes(b)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<u8>, D::Error> {
        let Packed(b) = <Packed<Vec<u8>>>::deserialize(d)?;
        Ok(b)
    }
}

impl<'de> Deserialize<'de> for Packed<Vec<u8>> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_bytes(PackedVisitor {
            read: <[u8]>::to_vec,
            width: 1,
        })
    }
}

/// Bytes that serialise as one byte string, not as a sequence of numbers.
struct Bytes(Vec<u8>);

impl Serialize for Bytes {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_bytes(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::Array2;

    #[derive(Serialize, Deserialize, PartialEq, Debug)]
    struct Both {
        #[serde(with = "matrix")]
        m: Array2<f32>,
        #[serde(with = "pairs")]
        lists: Vec<Vec<(u32, f32)>>,
    }

    #[test]
    fn packed_fields_come_back_as_they_were_written() {
        let both = Both {
            m: Array2::from_shape_fn((3, 2), |(r, c)| r as f32 - 0.5 * c as f32),
            lists: vec![
                vec![(4, 0.25), (1, -1.5)],
                vec![],
                vec![(7, f32::MIN_POSITIVE)],
            ],
        };
        let bytes = bincode::serialize(&both).unwrap();
        assert_eq!(bincode::deserialize::<Both>(&bytes).unwrap(), both);
    }

    #[test]
    fn a_truncated_blob_is_an_error_not_a_panic() {
        let both = Both {
            m: Array2::zeros((4, 4)),
            lists: vec![vec![(1, 1.0)]; 3],
        };
        let bytes = bincode::serialize(&both).unwrap();
        for cut in [1, 9, bytes.len() / 2, bytes.len() - 1] {
            assert!(
                bincode::deserialize::<Both>(&bytes[..cut]).is_err(),
                "cut at {cut}"
            );
        }
    }
}
