//! The people in the log and the events they add: a member (a profile or a
//! simulated viewer) and a new event on its way to the store. Domain types,
//! so the ranker and the session name them without reaching into the store.

use super::{Action, Device, Event, Maturity, MemberKind};

/// A profile or a viewer.
#[derive(Debug, Clone, PartialEq)]
pub struct Member {
    pub id: i64,
    pub name: String,
    pub kind: MemberKind,
    pub display_name: String,
    pub maturity: Maturity,
    pub region: String,
}

/// A new event to record, from the CLI or the TUI.
#[derive(Debug, Clone, PartialEq)]
pub struct NewEvent {
    pub title_id: String,
    pub at: i64,
    pub offset_min: i32,
    pub action: Action,
    pub progress: f32,
    pub season: Option<u32>,
    pub episode: Option<u32>,
    pub device: Device,
    pub artwork_id: Option<String>,
}

impl NewEvent {
    /// The event as the ranker reads it once stored under `id` for `member_id`.
    pub fn stored(&self, id: i64, member_id: i64) -> Event {
        Event {
            id,
            member_id,
            title_id: self.title_id.clone(),
            at: self.at,
            offset_min: self.offset_min,
            action: self.action,
            progress: self.progress,
            season: self.season,
            episode: self.episode,
            device: self.device,
            artwork_id: self.artwork_id.clone(),
        }
    }
}

/// The longest profile handle and display name, in characters.
pub const PROFILE_NAME_MAX: usize = 32;

/// The handle (`--profile NAME`) for a profile a person named `display`:
/// accented Latin letters lose their accents, everything that is not a
/// letter or a digit becomes one `-`, and it is lowercased ("Zoë Kid" →
/// "zoe-kid"). An error in words when nothing usable is left.
pub fn profile_handle(display: &str) -> Result<String, String> {
    let mut out = String::new();
    for c in display.chars().flat_map(char::to_lowercase) {
        let folded: &str = match c {
            'a'..='z' | '0'..='9' | '_' => {
                out.push(c);
                continue;
            }
            'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ā' => "a",
            'ç' | 'č' | 'ć' => "c",
            'è' | 'é' | 'ê' | 'ë' | 'ē' | 'ę' => "e",
            'ì' | 'í' | 'î' | 'ï' | 'ī' => "i",
            'ñ' | 'ń' => "n",
            'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'ō' => "o",
            'ù' | 'ú' | 'û' | 'ü' | 'ū' => "u",
            'ý' | 'ÿ' => "y",
            'š' | 'ś' => "s",
            'ž' | 'ź' | 'ż' => "z",
            'ł' => "l",
            'ß' => "ss",
            'æ' => "ae",
            'œ' => "oe",
            _ => "-",
        };
        if folded == "-" && (out.is_empty() || out.ends_with('-')) {
            continue;
        }
        out.push_str(folded);
    }
    let handle: String = out
        .trim_end_matches('-')
        .chars()
        .take(PROFILE_NAME_MAX)
        .collect();
    let handle = handle.trim_end_matches('-').to_string();
    if handle.is_empty() {
        return Err(format!(
            "{:?} has no letter or digit a profile handle can use (a–z, 0–9); give a name with one",
            crate::text::sanitize(display)
        ));
    }
    Ok(handle)
}

#[cfg(test)]
mod tests {
    use super::profile_handle;

    #[test]
    fn a_display_name_gets_a_handle_without_accents_or_spaces() {
        assert_eq!(profile_handle("Zoë Kid").unwrap(), "zoe-kid");
        assert_eq!(profile_handle("ava").unwrap(), "ava");
        assert_eq!(profile_handle("  Kit & Kat! ").unwrap(), "kit-kat");
        assert_eq!(profile_handle("Ren_2").unwrap(), "ren_2");
        assert_eq!(profile_handle(&"x".repeat(40)).unwrap().len(), 32);
        let err = profile_handle("日本").unwrap_err();
        assert!(err.contains("no letter or digit"), "{err}");
    }
}
