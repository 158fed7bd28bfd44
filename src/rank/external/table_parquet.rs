//! Reading a scores table from Parquet (the arrow reader, batch by batch):
//! string or integer user and title columns, a floating or integer score,
//! an optional string row. A row's place in errors is its row number.

use super::table::{column_of, Builder, RawRow, TableError};
use arrow_array::cast::AsArray;
use arrow_array::types::{Float32Type, Float64Type, Int32Type, Int64Type};
use arrow_array::{Array, ArrayRef};
use arrow_schema::DataType;
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use std::path::Path;

/// One column of a batch, read as text (ids) or as a number (scores).
enum Col<'a> {
    Utf8(&'a arrow_array::StringArray),
    LargeUtf8(&'a arrow_array::LargeStringArray),
    I32(&'a arrow_array::Int32Array),
    I64(&'a arrow_array::Int64Array),
    F32(&'a arrow_array::Float32Array),
    F64(&'a arrow_array::Float64Array),
}

impl<'a> Col<'a> {
    fn of(a: &'a ArrayRef) -> Option<Col<'a>> {
        Some(match a.data_type() {
            DataType::Utf8 => Col::Utf8(a.as_string::<i32>()),
            DataType::LargeUtf8 => Col::LargeUtf8(a.as_string::<i64>()),
            DataType::Int32 => Col::I32(a.as_primitive::<Int32Type>()),
            DataType::Int64 => Col::I64(a.as_primitive::<Int64Type>()),
            DataType::Float32 => Col::F32(a.as_primitive::<Float32Type>()),
            DataType::Float64 => Col::F64(a.as_primitive::<Float64Type>()),
            _ => return None,
        })
    }

    fn is_null(&self, i: usize) -> bool {
        match self {
            Col::Utf8(a) => a.is_null(i),
            Col::LargeUtf8(a) => a.is_null(i),
            Col::I32(a) => a.is_null(i),
            Col::I64(a) => a.is_null(i),
            Col::F32(a) => a.is_null(i),
            Col::F64(a) => a.is_null(i),
        }
    }

    /// The value as an id: strings as they are, whole numbers in decimal.
    fn text<'b>(&'b self, i: usize, buf: &'b mut String) -> Option<&'b str> {
        use std::fmt::Write;
        match self {
            Col::Utf8(a) => Some(a.value(i)),
            Col::LargeUtf8(a) => Some(a.value(i)),
            Col::I32(a) => {
                buf.clear();
                let _ = write!(buf, "{}", a.value(i));
                Some(buf.as_str())
            }
            Col::I64(a) => {
                buf.clear();
                let _ = write!(buf, "{}", a.value(i));
                Some(buf.as_str())
            }
            Col::F32(_) | Col::F64(_) => None,
        }
    }

    fn number(&self, i: usize) -> Option<f64> {
        match self {
            Col::F32(a) => Some(a.value(i) as f64),
            Col::F64(a) => Some(a.value(i)),
            Col::I32(a) => Some(a.value(i) as f64),
            Col::I64(a) => Some(a.value(i) as f64),
            Col::Utf8(_) | Col::LargeUtf8(_) => None,
        }
    }
}

pub fn read(path: &Path, b: &mut Builder) -> Result<(), TableError> {
    let file = std::fs::File::open(path).map_err(|e| b.read_error(e))?;
    let reader = ParquetRecordBatchReaderBuilder::try_new(file)
        .map_err(|e| b.read_error(format!("not a Parquet file ({e})")))?;
    let schema = reader.schema().clone();
    let mut at: [Option<usize>; 4] = [None; 4];
    for (i, f) in schema.fields().iter().enumerate() {
        let slot = match column_of(f.name()) {
            Some("user") => 0,
            Some("title") => 1,
            Some("score") => 2,
            Some("row") => 3,
            _ => continue,
        };
        at[slot] = Some(i);
    }
    for (slot, need) in ["user", "title", "score"].iter().enumerate() {
        if at[slot].is_none() {
            return Err(b.bad(0, need, "no such column (user, title and score are needed)"));
        }
    }
    let reader = reader
        .with_batch_size(64 * 1024)
        .build()
        .map_err(|e| b.read_error(e))?;
    let mut row_no = 0usize;
    let (mut ubuf, mut tbuf) = (String::new(), String::new());
    for batch in reader {
        let batch = batch.map_err(|e| b.read_error(e))?;
        let cols: Vec<Option<Col>> = at
            .iter()
            .map(|c| c.map(|i| Col::of(batch.column(i))))
            .map(|c| c.flatten())
            .collect();
        for (slot, name) in ["user", "title", "score", "row"].iter().enumerate() {
            if at[slot].is_some() && cols[slot].is_none() {
                let ty = batch.column(at[slot].unwrap()).data_type().to_string();
                return Err(b.bad(
                    row_no + 1,
                    name,
                    format!("a column of type {ty}, not a string or a number"),
                ));
            }
        }
        let (user, title, score) = (
            cols[0].as_ref().unwrap(),
            cols[1].as_ref().unwrap(),
            cols[2].as_ref().unwrap(),
        );
        let row = cols[3].as_ref();
        let mut rbuf = String::new();
        for i in 0..batch.num_rows() {
            row_no += 1;
            for (c, name) in [(user, "user"), (title, "title"), (score, "score")] {
                if c.is_null(i) {
                    return Err(b.bad(row_no, name, "null"));
                }
            }
            let Some(s) = score.number(i) else {
                return Err(b.bad(row_no, "score", "a string column, not a number"));
            };
            let Some(u) = user.text(i, &mut ubuf) else {
                return Err(b.bad(row_no, "user", "a floating-point column, not an id"));
            };
            let Some(t) = title.text(i, &mut tbuf) else {
                return Err(b.bad(row_no, "title", "a floating-point column, not an id"));
            };
            let r = row
                .filter(|c| !c.is_null(i))
                .and_then(|c| c.text(i, &mut rbuf));
            b.push(RawRow {
                line: row_no,
                user: u,
                title: t,
                score: s,
                row: r,
            })?;
        }
    }
    Ok(())
}
