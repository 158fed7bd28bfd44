//! The drawable material embedded from `assets/`: text-art motifs and colour
//! palettes that artwork variants name. Parsed once, on first use.

use serde::Deserialize;
use std::collections::BTreeMap;
use std::sync::OnceLock;

#[derive(Debug, Clone, Deserialize)]
pub struct Motif {
    pub lines: Vec<String>,
}

/// An RGB colour read from `#rrggbb`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rgb(pub u8, pub u8, pub u8);

impl<'de> Deserialize<'de> for Rgb {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        parse_hex(&s)
            .ok_or_else(|| serde::de::Error::custom(format!("{s:?} is not a #rrggbb colour")))
    }
}

fn parse_hex(s: &str) -> Option<Rgb> {
    let h = s.strip_prefix('#')?;
    if h.len() != 6 {
        return None;
    }
    let v = u32::from_str_radix(h, 16).ok()?;
    Some(Rgb((v >> 16) as u8, (v >> 8) as u8, v as u8))
}

#[derive(Debug, Clone, Copy, Deserialize)]
pub struct Palette {
    pub bg: Rgb,
    pub bg2: Rgb,
    pub fg: Rgb,
    pub accent: Rgb,
}

pub fn motifs() -> &'static BTreeMap<String, Motif> {
    static MOTIFS: OnceLock<BTreeMap<String, Motif>> = OnceLock::new();
    MOTIFS.get_or_init(|| {
        serde_json::from_str(include_str!("../assets/motifs.json"))
            .expect("assets/motifs.json is valid (checked by a test)")
    })
}

pub fn palettes() -> &'static BTreeMap<String, Palette> {
    static PALETTES: OnceLock<BTreeMap<String, Palette>> = OnceLock::new();
    PALETTES.get_or_init(|| {
        serde_json::from_str(include_str!("../assets/palettes.json"))
            .expect("assets/palettes.json is valid (checked by a test)")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_assets_parse_and_motifs_are_five_by_twelve() {
        assert!(palettes().len() >= 10);
        assert!(motifs().len() >= 20);
        for (name, m) in motifs() {
            assert_eq!(m.lines.len(), 5, "motif {name}");
            for line in &m.lines {
                assert_eq!(line.chars().count(), 12, "motif {name}: {line:?}");
                assert!(
                    !line.chars().any(crate::text::is_inert_unsafe),
                    "motif {name}"
                );
            }
        }
    }
}
