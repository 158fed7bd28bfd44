//! The seeded viewing population: simulated viewers in taste communities,
//! with regional, device and time-of-day habits, and the events they produce.
//!
//! Each viewer's *true* taste stays available ([`Population::appeal`]), so
//! simulations (an A/B test, say) can replay viewers against any page. The
//! same seed and catalog give the same population, event for event: every
//! viewer draws from its own RNG, derived from (seed, viewer index).

use super::{Action, ArtworkTheme, Device, Maturity, Title, TitleKind};
use chrono::{NaiveDate, NaiveTime};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::collections::BTreeMap;

/// A taste community: what its members like and where they live.
struct Community {
    name: &'static str,
    share: f64,
    likes: &'static [(&'static str, f64)],
    regions: &'static [(&'static str, f64)],
    kids: bool,
}

const COMMUNITIES: &[Community] = &[
    Community {
        name: "noir",
        share: 0.12,
        kids: false,
        likes: &[
            ("mystery", 1.2),
            ("crime", 1.0),
            ("thriller", 0.8),
            ("dark", 0.8),
            ("british", 0.6),
            ("scandinavian", 0.6),
            ("slow-burn", 0.5),
            ("detective", 0.6),
        ],
        regions: &[
            ("GB", 0.4),
            ("US", 0.2),
            ("SE", 0.15),
            ("DE", 0.15),
            ("FR", 0.1),
        ],
    },
    Community {
        name: "anime-scifi",
        share: 0.10,
        kids: false,
        likes: &[
            ("anime", 1.3),
            ("scifi", 1.0),
            ("animation", 0.5),
            ("mecha", 0.7),
            ("space", 0.6),
            ("japanese", 0.5),
            ("fantasy", 0.3),
            ("artificial-intelligence", 0.4),
        ],
        regions: &[
            ("JP", 0.3),
            ("US", 0.3),
            ("KR", 0.1),
            ("FR", 0.1),
            ("BR", 0.1),
            ("GB", 0.1),
        ],
    },
    Community {
        name: "romcom",
        share: 0.10,
        kids: false,
        likes: &[
            ("romance", 1.2),
            ("comedy", 1.0),
            ("feel-good", 0.7),
            ("date-night", 0.6),
            ("witty", 0.5),
            ("first-love", 0.5),
            ("romantic", 0.5),
        ],
        regions: &[
            ("US", 0.3),
            ("GB", 0.2),
            ("ES", 0.15),
            ("MX", 0.15),
            ("BR", 0.1),
            ("FR", 0.1),
        ],
    },
    Community {
        name: "documentary",
        share: 0.08,
        kids: false,
        likes: &[
            ("documentary", 1.4),
            ("nature", 0.7),
            ("history", 0.6),
            ("based-on-real-life", 0.6),
            ("true-crime", 0.4),
            ("food", 0.3),
        ],
        regions: &[("GB", 0.3), ("US", 0.3), ("DE", 0.2), ("FR", 0.2)],
    },
    Community {
        name: "kids",
        share: 0.08,
        kids: true,
        likes: &[
            ("kids", 1.4),
            ("family", 1.0),
            ("animation", 0.8),
            ("for-little-kids", 0.7),
            ("animals", 0.5),
            ("friendship", 0.5),
            ("for-tweens", 0.4),
        ],
        regions: &[
            ("US", 0.3),
            ("GB", 0.2),
            ("BR", 0.15),
            ("IN", 0.15),
            ("FR", 0.1),
            ("DE", 0.1),
        ],
    },
    Community {
        name: "action",
        share: 0.11,
        kids: false,
        likes: &[
            ("action", 1.2),
            ("adventure", 0.8),
            ("thriller", 0.6),
            ("exciting", 0.6),
            ("fast-paced", 0.6),
            ("spies", 0.5),
            ("heist", 0.4),
        ],
        regions: &[
            ("US", 0.4),
            ("IN", 0.2),
            ("KR", 0.1),
            ("GB", 0.1),
            ("FR", 0.1),
            ("MX", 0.1),
        ],
    },
    Community {
        name: "horror",
        share: 0.07,
        kids: false,
        likes: &[
            ("horror", 1.4),
            ("scary", 0.8),
            ("supernatural", 0.6),
            ("chilling", 0.6),
            ("monsters", 0.5),
            ("thriller", 0.3),
        ],
        regions: &[("US", 0.4), ("KR", 0.2), ("JP", 0.2), ("GB", 0.2)],
    },
    Community {
        name: "prestige-drama",
        share: 0.09,
        kids: false,
        likes: &[
            ("drama", 1.2),
            ("critically-acclaimed", 0.6),
            ("award-winning", 0.6),
            ("emotional", 0.5),
            ("slow-burn", 0.4),
            ("history", 0.4),
            ("war", 0.3),
        ],
        regions: &[
            ("FR", 0.3),
            ("GB", 0.2),
            ("US", 0.2),
            ("DE", 0.1),
            ("ES", 0.1),
            ("SE", 0.1),
        ],
    },
    Community {
        name: "k-drama",
        share: 0.07,
        kids: false,
        likes: &[
            ("korean", 1.0),
            ("romance", 0.7),
            ("drama", 0.6),
            ("romantic", 0.5),
            ("revenge", 0.4),
            ("thriller", 0.3),
        ],
        regions: &[("KR", 0.6), ("US", 0.2), ("JP", 0.1), ("IN", 0.1)],
    },
    Community {
        name: "fantasy",
        share: 0.07,
        kids: false,
        likes: &[
            ("fantasy", 1.3),
            ("adventure", 0.7),
            ("magic", 0.7),
            ("dragons", 0.6),
            ("medieval", 0.5),
            ("royalty", 0.4),
        ],
        regions: &[("US", 0.3), ("GB", 0.3), ("DE", 0.2), ("BR", 0.2)],
    },
    Community {
        name: "reality-sports-music",
        share: 0.06,
        kids: false,
        likes: &[
            ("reality", 1.0),
            ("sports", 0.8),
            ("music", 0.8),
            ("underdog", 0.5),
            ("inspiring", 0.5),
            ("food", 0.4),
        ],
        regions: &[("US", 0.4), ("GB", 0.2), ("BR", 0.2), ("IN", 0.2)],
    },
    Community {
        name: "bollywood",
        share: 0.05,
        kids: false,
        likes: &[
            ("indian", 0.9),
            ("music", 0.6),
            ("musical-numbers", 0.6),
            ("romance", 0.5),
            ("family-ties", 0.5),
            ("drama", 0.4),
        ],
        regions: &[("IN", 0.8), ("GB", 0.1), ("US", 0.1)],
    },
];

/// Minutes east of UTC for each region the population lives in.
pub fn region_offset_min(region: &str) -> i32 {
    match region {
        "US" => -300,
        "MX" => -360,
        "BR" => -180,
        "GB" | "IE" => 0,
        "FR" | "DE" | "ES" | "SE" | "IT" | "DK" | "NO" => 60,
        "IN" => 330,
        "JP" | "KR" => 540,
        "AU" => 600,
        _ => 0,
    }
}

/// One simulated viewer and their true tastes.
#[derive(Debug, Clone)]
pub struct SimViewer {
    /// The member name it is stored under: `v00001`, …
    pub name: String,
    pub community: &'static str,
    pub region: &'static str,
    pub maturity: Maturity,
    /// Weight of each genre or tag id in this viewer's taste.
    pub taste: BTreeMap<String, f64>,
    /// Response to each artwork theme (index: [`ArtworkTheme::index`]).
    pub theme_affinity: [f64; 10],
    /// How strongly popularity/quality pulls this viewer.
    pub quality_pull: f64,
    /// Likelihood of each device (index: [`Device::index`]).
    pub devices: [f64; 4],
    /// Local hour this viewer usually watches at.
    pub peak_hour: u32,
    /// Roughly how many titles the viewer watched over the year.
    pub activity: usize,
    seed: u64,
}

/// Everything the generator knows, for replaying viewers later.
#[derive(Debug, Clone)]
pub struct Population {
    pub seed: u64,
    pub viewers: Vec<SimViewer>,
    /// A latent quality per title id, shared by every viewer.
    pub quality: BTreeMap<String, f64>,
}

/// One generated event; `title` indexes the title slice given to [`Population::events`].
#[derive(Debug, Clone, PartialEq)]
pub struct SimEvent {
    pub viewer: usize,
    pub title: usize,
    pub at: i64,
    pub offset_min: i32,
    pub action: Action,
    pub progress: f32,
    pub season: Option<u32>,
    pub episode: Option<u32>,
    pub device: Device,
    pub artwork: Option<usize>,
}

/// Some titles pull viewing earlier or later in the day: horror late, kids early.
fn daypart_shift(t: &Title) -> i64 {
    let has = |g: &str| t.genres.iter().any(|x| x == g);
    if has("horror") || has("thriller") {
        2
    } else if has("kids") || has("family") {
        -5
    } else if has("documentary") || has("history") {
        -3
    } else {
        0
    }
}

fn normal(rng: &mut ChaCha8Rng) -> f64 {
    // Box–Muller; exact reproducibility matters more than speed here.
    let u1: f64 = rng.gen_range(f64::EPSILON..1.0);
    let u2: f64 = rng.gen();
    (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
}

fn pick_weighted<'a, T>(rng: &mut ChaCha8Rng, items: &'a [(T, f64)]) -> &'a T {
    let total: f64 = items.iter().map(|(_, w)| w).sum();
    let mut x = rng.gen::<f64>() * total;
    for (item, w) in items {
        if x < *w {
            return item;
        }
        x -= w;
    }
    &items[items.len() - 1].0
}

/// A stable 64-bit mix (SplitMix64), for per-viewer seeds and per-pair noise.
fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

fn str_hash(s: &str) -> u64 {
    s.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ b as u64).wrapping_mul(0x100_0000_01b3)
    })
}

impl Population {
    /// Draw `n` viewers and a quality per title. Pure in (seed, n, title ids).
    pub fn generate(seed: u64, n: usize, titles: &[Title]) -> Population {
        let all_features: Vec<String> = {
            let mut f: Vec<String> = titles
                .iter()
                .flat_map(|t| t.genres.iter().chain(&t.tags).cloned())
                .collect();
            f.sort();
            f.dedup();
            f
        };
        let quality = titles
            .iter()
            .map(|t| {
                let mut rng = ChaCha8Rng::seed_from_u64(mix(seed ^ str_hash(&t.id)));
                (t.id.clone(), normal(&mut rng))
            })
            .collect();
        let shares: Vec<(usize, f64)> = COMMUNITIES
            .iter()
            .enumerate()
            .map(|(i, c)| (i, c.share))
            .collect();
        let viewers = (0..n)
            .map(|i| {
                let vseed = mix(seed.wrapping_mul(31).wrapping_add(i as u64));
                let mut rng = ChaCha8Rng::seed_from_u64(vseed);
                let c = &COMMUNITIES[*pick_weighted(&mut rng, &shares)];
                let mut taste = BTreeMap::new();
                for (f, w) in c.likes {
                    taste.insert(f.to_string(), w * rng.gen_range(0.6..1.4));
                }
                // A second, weaker community for some viewers, and a few idiosyncratic likes.
                if rng.gen_bool(0.35) {
                    let other = &COMMUNITIES[*pick_weighted(&mut rng, &shares)];
                    if other.kids == c.kids {
                        for (f, w) in other.likes {
                            *taste.entry(f.to_string()).or_insert(0.0) += 0.35 * w;
                        }
                    }
                }
                if !all_features.is_empty() {
                    for _ in 0..3 {
                        let f = &all_features[rng.gen_range(0..all_features.len())];
                        *taste.entry(f.clone()).or_insert(0.0) += rng.gen_range(-0.5..0.6);
                    }
                }
                let mut theme_affinity = [0.0; 10];
                for a in theme_affinity.iter_mut() {
                    *a = 0.8 * normal(&mut rng);
                }
                let region = *pick_weighted(&mut rng, c.regions);
                let tv_lean = rng.gen_range(0.0..1.0);
                let devices = [0.2 + 1.5 * tv_lean, 1.2 - tv_lean, 0.3, 0.3];
                let peak_hour = if c.kids {
                    rng.gen_range(7..19)
                } else {
                    *pick_weighted(
                        &mut rng,
                        &[(7, 0.1), (12, 0.1), (19, 0.25), (21, 0.4), (23, 0.15)],
                    )
                };
                let activity = (8.0 + 22.0 * (-rng.gen::<f64>().ln())).min(90.0) as usize;
                SimViewer {
                    name: format!("v{:05}", i + 1),
                    community: c.name,
                    region,
                    maturity: if c.kids {
                        Maturity::TvY7
                    } else {
                        Maturity::TvMa
                    },
                    taste,
                    theme_affinity,
                    quality_pull: rng.gen_range(0.3..0.9),
                    devices,
                    peak_hour,
                    activity,
                    seed: vseed,
                }
            })
            .collect();
        Population {
            seed,
            viewers,
            quality,
        }
    }

    /// The viewer's true appeal of a title, before any noise of the moment:
    /// taste for its genres (first genre counts most) and tags, plus its quality.
    pub fn appeal(&self, viewer: &SimViewer, title: &Title) -> f64 {
        let mut s = 0.0;
        for (i, g) in title.genres.iter().enumerate() {
            s += viewer.taste.get(g).copied().unwrap_or(0.0) * if i == 0 { 1.0 } else { 0.6 };
        }
        for t in &title.tags {
            s += 0.5 * viewer.taste.get(t).copied().unwrap_or(0.0);
        }
        // A fixed per-(viewer, title) idiosyncrasy, so tastes are not purely content-driven.
        let h = mix(viewer.seed ^ str_hash(&title.id));
        let idio = ((h >> 11) as f64 / (1u64 << 53) as f64 - 0.5) * 1.2;
        s + viewer.quality_pull * self.quality.get(&title.id).copied().unwrap_or(0.0) + idio
    }

    /// How much the viewer is drawn to an artwork theme (a click-through multiplier).
    pub fn artwork_pull(&self, viewer: &SimViewer, theme: ArtworkTheme) -> f64 {
        viewer.theme_affinity[theme.index()]
    }

    /// Every viewer's events over the year before `as_of`, ordered by viewer then time.
    pub fn events(&self, titles: &[Title], as_of: NaiveDate) -> Vec<SimEvent> {
        let end = as_of
            .and_time(NaiveTime::from_hms_opt(20, 0, 0).expect("valid time"))
            .and_utc()
            .timestamp();
        let mut out = Vec::with_capacity(self.viewers.len() * 70);
        for (vi, v) in self.viewers.iter().enumerate() {
            self.viewer_events(vi, v, titles, end, &mut out);
        }
        out
    }

    fn viewer_events(
        &self,
        vi: usize,
        v: &SimViewer,
        titles: &[Title],
        end: i64,
        out: &mut Vec<SimEvent>,
    ) {
        const DAY: i64 = super::DAY_SECONDS;
        let first_event = out.len();
        let mut rng = ChaCha8Rng::seed_from_u64(mix(v.seed ^ 0xE7E7));
        let offset_min = region_offset_min(v.region);
        // Choose titles without replacement, favouring appeal (Gumbel top-k) and new arrivals.
        let mut keyed: Vec<(f64, usize, f64)> = titles
            .iter()
            .enumerate()
            .filter(|(_, t)| v.maturity.allows(t.maturity))
            .map(|(i, t)| {
                let appeal = self.appeal(v, t);
                let days_new = (end - t.added_at()) / DAY;
                let fresh = if days_new < 60 { 0.8 } else { 0.0 };
                let gumbel = -(-rng.gen_range(f64::EPSILON..1.0f64).ln()).ln();
                (appeal / 0.6 + fresh + gumbel, i, appeal)
            })
            .collect();
        keyed.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        keyed.truncate(v.activity);
        for (_, ti, appeal) in keyed {
            let t = &titles[ti];
            let start = t.added_at().max(end - 365 * DAY);
            if start >= end {
                continue;
            }
            // More viewing lately (a growing service), never before the title was added.
            let span = (end - start) as f64;
            let mut at = end - (span * rng.gen::<f64>().powf(1.6)) as i64;
            let hour =
                (v.peak_hour as i64 + daypart_shift(t) + rng.gen_range(-2..=2)).rem_euclid(24);
            at = at - at.rem_euclid(DAY) + hour * 3600 - offset_min as i64 * 60
                + rng.gen_range(0..3600);
            at = at.clamp(start, end - 60);
            let device = self.pick_device(&mut rng, v, t);
            let artwork = self.pick_artwork(&mut rng, v, t);
            let liked = 1.0 / (1.0 + (-(appeal - 0.9) * 2.5).exp());
            let ev = |at: i64,
                      action: Action,
                      progress: f32,
                      ep: Option<(u32, u32)>,
                      art: Option<usize>| SimEvent {
                viewer: vi,
                title: ti,
                at,
                offset_min,
                action,
                progress,
                season: ep.map(|e| e.0),
                episode: ep.map(|e| e.1),
                device,
                artwork: art,
            };
            let mut finished = false;
            let mut last_at = at;
            match t.kind {
                TitleKind::Movie => {
                    if rng.gen_bool(liked.clamp(0.05, 0.97)) {
                        out.push(ev(at, Action::Play, 1.0, None, artwork));
                        finished = true;
                    } else {
                        out.push(ev(
                            at,
                            Action::Play,
                            rng.gen_range(0.05..0.6),
                            None,
                            artwork,
                        ));
                    }
                }
                TitleKind::Series => {
                    let mut ep = t.first_episode();
                    let mut n = 0;
                    while let Some(e) = ep {
                        let go_on = n == 0 || rng.gen_bool((0.35 + 0.6 * liked).min(0.95));
                        if !go_on || n >= 14 {
                            break;
                        }
                        let complete = rng.gen_bool((0.5 + 0.5 * liked).min(0.98));
                        let progress = if complete {
                            1.0
                        } else {
                            rng.gen_range(0.1..0.8)
                        };
                        out.push(ev(
                            last_at,
                            Action::Play,
                            progress,
                            Some(e),
                            if n == 0 { artwork } else { None },
                        ));
                        n += 1;
                        if !complete {
                            break;
                        }
                        last_at = (last_at + rng.gen_range(3_600..2 * DAY)).min(end - 30);
                        ep = t.next_episode(e.0, e.1);
                    }
                    finished = n >= 3 || ep.is_none();
                }
            }
            let after = (last_at + 120).min(end - 1);
            if finished && liked > 0.75 && rng.gen_bool(0.35) {
                let a = if liked > 0.93 && rng.gen_bool(0.4) {
                    Action::Love
                } else {
                    Action::Up
                };
                out.push(ev(after, a, 0.0, None, None));
            } else if !finished && liked < 0.3 && rng.gen_bool(0.3) {
                out.push(ev(after, Action::Down, 0.0, None, None));
            }
            if liked > 0.6 && rng.gen_bool(0.12) {
                out.push(ev((at - 600).max(start), Action::ListAdd, 0.0, None, None));
            }
        }
        out[first_event..].sort_by_key(|e| e.at);
    }

    fn pick_device(&self, rng: &mut ChaCha8Rng, v: &SimViewer, t: &Title) -> Device {
        // Short episodes lean to phones and tablets; long films to the TV.
        let short = t.runtime_min <= 30;
        let w = [
            v.devices[0] * if short { 0.6 } else { 1.6 },
            v.devices[1] * if short { 1.8 } else { 0.6 },
            v.devices[2],
            v.devices[3],
        ];
        let items: Vec<(Device, f64)> = Device::ALL.into_iter().zip(w).collect();
        *pick_weighted(rng, &items)
    }

    fn pick_artwork(&self, rng: &mut ChaCha8Rng, v: &SimViewer, t: &Title) -> Option<usize> {
        // The variant that won the viewer over: themes they respond to more often.
        let items: Vec<(usize, f64)> = t
            .artwork
            .iter()
            .enumerate()
            .map(|(i, a)| (i, (1.5 * self.artwork_pull(v, a.theme)).exp()))
            .collect();
        (!items.is_empty()).then(|| *pick_weighted(rng, &items))
    }
}
