//! The bundled sample catalog, embedded in the binary so the first run needs
//! no files on disk: the vocabulary, the title shelves, the personas.

use super::{parse_file, CatalogError, ImportFile};

/// (label, contents) of every sample file, in import order: vocabulary first.
pub const FILES: &[(&str, &str)] = &[
    (
        "<sample>/catalog.json",
        include_str!("../../sample-catalog/catalog.json"),
    ),
    (
        "<sample>/titles/mystery.json",
        include_str!("../../sample-catalog/titles/mystery.json"),
    ),
    (
        "<sample>/titles/genre.json",
        include_str!("../../sample-catalog/titles/genre.json"),
    ),
    (
        "<sample>/titles/scifi.json",
        include_str!("../../sample-catalog/titles/scifi.json"),
    ),
    (
        "<sample>/titles/romcom.json",
        include_str!("../../sample-catalog/titles/romcom.json"),
    ),
    (
        "<sample>/titles/family.json",
        include_str!("../../sample-catalog/titles/family.json"),
    ),
    (
        "<sample>/profiles/ava.json",
        include_str!("../../sample-catalog/profiles/ava.json"),
    ),
    (
        "<sample>/profiles/kit.json",
        include_str!("../../sample-catalog/profiles/kit.json"),
    ),
    (
        "<sample>/profiles/ren.json",
        include_str!("../../sample-catalog/profiles/ren.json"),
    ),
    (
        "<sample>/profiles/lola.json",
        include_str!("../../sample-catalog/profiles/lola.json"),
    ),
    (
        "<sample>/profiles/theo.json",
        include_str!("../../sample-catalog/profiles/theo.json"),
    ),
    (
        "<sample>/profiles/sam.json",
        include_str!("../../sample-catalog/profiles/sam.json"),
    ),
    (
        "<sample>/profiles/new.json",
        include_str!("../../sample-catalog/profiles/new.json"),
    ),
];

/// The seed of the bundled viewing population.
pub const POPULATION_SEED: u64 = 20261120;
/// How many simulated viewers the bundled population has.
pub const POPULATION_VIEWERS: usize = 5_000;

/// Parse every embedded file.
pub fn files() -> Result<Vec<ImportFile>, CatalogError> {
    FILES
        .iter()
        .map(|(label, text)| parse_file(label, text.as_bytes()))
        .collect()
}
