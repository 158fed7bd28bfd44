//! Writing an export table as Parquet (snappy), through arrow arrays.

use super::{Column, Table};
use arrow_array::{ArrayRef, Float64Array, Int64Array, RecordBatch, StringArray};
use arrow_schema::{DataType, Field, Schema};
use parquet::arrow::ArrowWriter;
use parquet::basic::Compression;
use parquet::file::properties::WriterProperties;
use std::sync::Arc;

pub fn write(table: &Table, out: &mut std::fs::File) -> Result<(), parquet::errors::ParquetError> {
    let mut fields = vec![];
    let mut arrays: Vec<ArrayRef> = vec![];
    for (name, col) in &table.columns {
        let (ty, array): (DataType, ArrayRef) = match col {
            Column::Text(v) => (DataType::Utf8, Arc::new(StringArray::from(v.clone()))),
            Column::Int(v) => (DataType::Int64, Arc::new(Int64Array::from(v.clone()))),
            Column::Float(v) => (DataType::Float64, Arc::new(Float64Array::from(v.clone()))),
        };
        fields.push(Field::new(*name, ty, true));
        arrays.push(array);
    }
    let schema = Arc::new(Schema::new(fields));
    let batch = RecordBatch::try_new(schema.clone(), arrays)?;
    let props = WriterProperties::builder()
        .set_compression(Compression::SNAPPY)
        .build();
    let mut w = ArrowWriter::try_new(out, schema, Some(props))?;
    w.write(&batch)?;
    w.close()?;
    Ok(())
}
