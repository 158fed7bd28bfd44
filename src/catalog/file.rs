//! Reading catalog and profile files: bytes → UTF-8 → typed structs, with
//! every syntax or type error reported as file + JSON path + line/column.
//! Checks that need more than one field (references, duplicates) live in
//! `validate.rs`.

use super::{CatalogError, Genre, HistoryEvent, Maturity, Tag, Title};
use chrono::NaiveDate;
use serde::de::IgnoredAny;
use serde::{Deserialize, Serialize};

pub const CATALOG_FORMAT: &str = "marquee-catalog/1";
pub const PROFILE_FORMAT: &str = "marquee-profile/1";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CatalogFile {
    pub format: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub as_of: Option<NaiveDate>,
    #[serde(default)]
    pub genres: Vec<Genre>,
    #[serde(default)]
    pub tags: Vec<Tag>,
    #[serde(default)]
    pub titles: Vec<Title>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProfileFile {
    pub format: String,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub maturity: Option<Maturity>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    #[serde(default)]
    pub history: Vec<HistoryEvent>,
}

/// A parsed input file and the label it is reported under.
#[derive(Debug, Clone, PartialEq)]
pub enum ImportFile {
    Catalog { label: String, file: CatalogFile },
    Profile { label: String, file: ProfileFile },
}

impl ImportFile {
    pub fn label(&self) -> &str {
        match self {
            ImportFile::Catalog { label, .. } | ImportFile::Profile { label, .. } => label,
        }
    }
}

/// Only the `format` field, to choose how to read the rest.
#[derive(Deserialize)]
struct FormatProbe {
    format: Option<String>,
    #[serde(flatten)]
    _rest: std::collections::BTreeMap<String, IgnoredAny>,
}

/// Parse one file's bytes. `label` is how the file is named in errors.
pub fn parse_file(label: &str, bytes: &[u8]) -> Result<ImportFile, CatalogError> {
    let text = std::str::from_utf8(bytes).map_err(|e| {
        let offset = e.valid_up_to();
        let line = bytes[..offset].iter().filter(|&&b| b == b'\n').count() + 1;
        CatalogError::new(
            label,
            format!("line {line}"),
            format!("invalid UTF-8 at byte {offset}"),
        )
    })?;
    if text.trim().is_empty() {
        return Err(CatalogError::new(label, "", "the file is empty"));
    }
    let probe: FormatProbe = typed(label, text)?;
    match probe.format.as_deref() {
        Some(CATALOG_FORMAT) => Ok(ImportFile::Catalog {
            label: label.to_string(),
            file: typed(label, text)?,
        }),
        Some(PROFILE_FORMAT) => Ok(ImportFile::Profile {
            label: label.to_string(),
            file: typed(label, text)?,
        }),
        Some(other) => Err(CatalogError::new(
            label,
            "$.format",
            format!(
                "unknown format {other:?}; expected \"{CATALOG_FORMAT}\" or \"{PROFILE_FORMAT}\""
            ),
        )),
        None => Err(CatalogError::new(
            label,
            "$.format",
            format!("missing field `format` (\"{CATALOG_FORMAT}\" or \"{PROFILE_FORMAT}\")"),
        )),
    }
}

/// Deserialize with the JSON path of the first error.
pub fn typed<T: serde::de::DeserializeOwned>(label: &str, text: &str) -> Result<T, CatalogError> {
    // A byte order mark (as some Windows editors write) is not part of the JSON.
    let text = text.strip_prefix('\u{FEFF}').unwrap_or(text);
    let mut de = serde_json::Deserializer::from_str(text);
    // Deep nesting is refused by serde_json's recursion limit with an error, not a crash.
    let value = serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let path = json_path(&e.path().to_string());
        CatalogError::new(label, path, e.into_inner().to_string())
    })?;
    de.end()
        .map_err(|e| CatalogError::new(label, "", e.to_string()))?;
    Ok(value)
}

/// serde_path_to_error writes `titles[3].year` (or `.` for the root); we write
/// `$.titles[3].year`. A path through absurdly deep nesting is cut in the
/// middle, so the message stays readable.
fn json_path(path: &str) -> String {
    const KEEP: usize = 60;
    if path == "." || path.is_empty() {
        return "$".to_string();
    }
    let chars: Vec<char> = path.chars().collect();
    if chars.len() <= 2 * KEEP {
        return format!("$.{path}");
    }
    let head: String = chars[..KEEP].iter().collect();
    let tail: String = chars[chars.len() - KEEP..].iter().collect();
    format!("$.{head}…{tail}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrong_type_names_the_json_path_and_value() {
        let text = r#"{"format":"marquee-catalog/1","titles":[{"id":"t1","name":"A","kind":"movie","year":"19x4"}]}"#;
        let err = parse_file("titles.json", text.as_bytes()).unwrap_err();
        assert_eq!(err.file, "titles.json");
        assert_eq!(err.location, "$.titles[0].year");
        assert!(err.problem.contains("\"19x4\""), "{}", err.problem);
    }

    #[test]
    fn invalid_utf8_names_the_line() {
        let bytes = b"{\n\"format\": \"marquee-catalog/1\",\n\"name\": \"\xff\"}";
        let err = parse_file("bad.json", bytes).unwrap_err();
        assert_eq!(err.location, "line 3");
        assert!(err.problem.contains("invalid UTF-8"));
    }

    #[test]
    fn a_byte_order_mark_is_skipped() {
        let text = "\u{FEFF}{\"format\":\"marquee-profile/1\",\"name\":\"bo\"}";
        assert!(parse_file("bom.json", text.as_bytes()).is_ok());
    }

    #[test]
    fn unknown_format_is_refused() {
        let err = parse_file("x.json", br#"{"format":"other/2"}"#).unwrap_err();
        assert_eq!(err.location, "$.format");
        assert!(err.problem.contains("unknown format"));
    }
}
