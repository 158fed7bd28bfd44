//! The catalog's domain types (titles, genres, tags, artwork, profiles and
//! their events), the JSON file formats and their validation, the bundled
//! sample catalog and the seeded viewing population. No database code here.

mod error;
mod file;
pub mod input;
mod maturity;
mod member;
pub mod movielens;
pub mod population;
pub mod sample;
mod types;
mod validate;
mod watch;

pub use error::CatalogError;
pub use file::{parse_file, typed as parse_json, CatalogFile, ImportFile, ProfileFile};
pub use maturity::Maturity;
pub use member::{profile_handle, Member, NewEvent, PROFILE_NAME_MAX};
pub use types::*;
pub use validate::{validate_batch, Vocabulary};
pub use watch::{is_finished, DAY_SECONDS, FINISHED_PROGRESS};
