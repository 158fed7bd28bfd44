//! The model's big arrays in forms a warm start reads in place from the
//! model file (`mapped.rs`): a dense matrix and per-title lists, each one
//! to three runs of numbers rather than millions of small allocations.
//! Training builds them from ndarray's matrices and nested vectors.

use super::mapped::Numbers;
use ndarray::{Array1, Array2, ArrayView1, ArrayView2};
use serde::{Deserialize, Serialize};

/// A rows × cols matrix of f32 in row order (taste factors, the low-pass basis).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "DenseParts")]
pub struct Dense {
    rows: u64,
    cols: u64,
    values: Numbers<f32>,
}

#[derive(Deserialize)]
struct DenseParts {
    rows: u64,
    cols: u64,
    values: Numbers<f32>,
}

impl TryFrom<DenseParts> for Dense {
    type Error = String;
    fn try_from(p: DenseParts) -> Result<Dense, String> {
        if p.rows.checked_mul(p.cols) != Some(p.values.len() as u64) {
            return Err(format!(
                "a {} × {} matrix holds {} values",
                p.rows,
                p.cols,
                p.values.len()
            ));
        }
        Ok(Dense {
            rows: p.rows,
            cols: p.cols,
            values: p.values,
        })
    }
}

impl Dense {
    pub fn view(&self) -> ArrayView2<'_, f32> {
        ArrayView2::from_shape((self.nrows(), self.ncols()), &self.values)
            .expect("the shape was checked when the matrix was made")
    }

    pub fn row(&self, r: usize) -> ArrayView1<'_, f32> {
        let cols = self.ncols();
        ArrayView1::from(&self.values[r * cols..(r + 1) * cols])
    }

    pub fn nrows(&self) -> usize {
        self.rows as usize
    }

    /// This matrix times `x`, rows on every core: the same row-by-row dot
    /// products as ndarray's `dot`, so the same numbers.
    pub fn times(&self, x: &Array1<f32>) -> Array1<f32> {
        use rayon::prelude::*;
        let cols = self.ncols();
        if cols == 0 {
            return Array1::zeros(self.nrows());
        }
        self.values
            .par_chunks(cols)
            .with_min_len(1024)
            .map(|row| ArrayView1::from(row).dot(x))
            .collect::<Vec<f32>>()
            .into()
    }

    pub fn ncols(&self) -> usize {
        self.cols as usize
    }
}

impl From<Array2<f32>> for Dense {
    fn from(a: Array2<f32>) -> Dense {
        let (rows, cols) = a.dim();
        let values = if a.is_standard_layout() {
            a.into_raw_vec_and_offset().0
        } else {
            a.iter().copied().collect()
        };
        Dense {
            rows: rows as u64,
            cols: cols as u64,
            values: values.into(),
        }
    }
}

/// Per title, a list of (title, weight), best first: list `i` is entries
/// `starts[i]..starts[i + 1]` of `ids` and `weights`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "ListsParts")]
pub struct Lists {
    starts: Numbers<u64>,
    ids: Numbers<u32>,
    weights: Numbers<f32>,
}

#[derive(Deserialize)]
struct ListsParts {
    starts: Numbers<u64>,
    ids: Numbers<u32>,
    weights: Numbers<f32>,
}

impl TryFrom<ListsParts> for Lists {
    type Error = String;
    fn try_from(p: ListsParts) -> Result<Lists, String> {
        let total = p.ids.len() as u64;
        let ordered = p.starts.first() == Some(&0)
            && p.starts.windows(2).all(|w| w[0] <= w[1])
            && p.starts.last() == Some(&total);
        if !ordered || p.weights.len() as u64 != total {
            return Err("per-title lists: their bounds and entries disagree".into());
        }
        Ok(Lists {
            starts: p.starts,
            ids: p.ids,
            weights: p.weights,
        })
    }
}

impl Default for Lists {
    fn default() -> Lists {
        Lists::from(Vec::new())
    }
}

impl Lists {
    /// How many lists (titles).
    pub fn len(&self) -> usize {
        self.starts.len() - 1
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// List `i`, best first.
    pub fn get(&self, i: usize) -> impl ExactSizeIterator<Item = (u32, f32)> + '_ {
        let range = self.starts[i] as usize..self.starts[i + 1] as usize;
        self.ids[range.clone()]
            .iter()
            .copied()
            .zip(self.weights[range].iter().copied())
    }
}

impl From<Vec<Vec<(u32, f32)>>> for Lists {
    fn from(lists: Vec<Vec<(u32, f32)>>) -> Lists {
        let mut starts = Vec::with_capacity(lists.len() + 1);
        starts.push(0u64);
        for l in &lists {
            starts.push(starts[starts.len() - 1] + l.len() as u64);
        }
        let flat = lists.iter().flatten();
        Lists {
            starts: starts.into(),
            ids: flat.clone().map(|p| p.0).collect::<Vec<_>>().into(),
            weights: flat.map(|p| p.1).collect::<Vec<_>>().into(),
        }
    }
}

/// Per title, a list of (feature, weight) kept as nested vectors (the
/// content index, small and read everywhere): packed as [`Lists`].
/// Use with `#[serde(with = "...")]`.
pub mod pairs {
    use super::Lists;
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    pub fn serialize<S: Serializer>(lists: &[Vec<(u32, f32)>], s: S) -> Result<S::Ok, S::Error> {
        Lists::from(lists.to_vec()).serialize(s)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<Vec<(u32, f32)>>, D::Error> {
        let lists = Lists::deserialize(d)?;
        Ok((0..lists.len()).map(|i| lists.get(i).collect()).collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Serialize, Deserialize, PartialEq, Debug)]
    struct Both {
        m: Dense,
        lists: Lists,
        #[serde(with = "pairs")]
        nested: Vec<Vec<(u32, f32)>>,
    }

    fn nested() -> Vec<Vec<(u32, f32)>> {
        vec![
            vec![(4, 0.25), (1, -1.5)],
            vec![],
            vec![(7, f32::MIN_POSITIVE)],
        ]
    }

    #[test]
    fn packed_fields_come_back_as_they_were_written() {
        let a = Array2::from_shape_fn((3, 2), |(r, c)| r as f32 - 0.5 * c as f32);
        let both = Both {
            m: Dense::from(a.clone()),
            lists: Lists::from(nested()),
            nested: nested(),
        };
        assert_eq!(both.m.view(), a.view());
        assert_eq!(both.m.row(2), a.row(2));
        let x = ndarray::arr1(&[0.5f32, -2.0]);
        assert_eq!(both.m.times(&x), a.dot(&x));
        assert_eq!(both.lists.len(), 3);
        assert_eq!(both.lists.get(0).collect::<Vec<_>>(), nested()[0]);
        assert_eq!(both.lists.get(1).len(), 0);
        let bytes = bincode::serialize(&both).unwrap();
        assert_eq!(bincode::deserialize::<Both>(&bytes).unwrap(), both);
    }

    #[test]
    fn a_transposed_matrix_is_stored_in_its_own_row_order() {
        let a = Array2::from_shape_fn((2, 3), |(r, c)| (3 * r + c) as f32);
        let t = a.t().to_owned();
        assert_eq!(Dense::from(a.reversed_axes()).view(), t.view());
    }

    #[test]
    fn a_shape_or_bounds_that_disagree_are_an_error_not_a_panic() {
        let bad_shape = bincode::serialize(&(3u64, 3u64, Numbers::from(vec![0f32; 8]))).unwrap();
        assert!(bincode::deserialize::<Dense>(&bad_shape).is_err());
        let parts = |starts: Vec<u64>| {
            bincode::serialize(&(
                Numbers::from(starts),
                Numbers::from(vec![1u32, 2]),
                Numbers::from(vec![0.5f32, 0.25]),
            ))
            .unwrap()
        };
        assert!(bincode::deserialize::<Lists>(&parts(vec![0, 1, 2])).is_ok());
        for starts in [vec![0, 2, 1, 2], vec![0, 1], vec![1, 2], vec![]] {
            assert!(
                bincode::deserialize::<Lists>(&parts(starts.clone())).is_err(),
                "{starts:?}"
            );
        }
    }
}
