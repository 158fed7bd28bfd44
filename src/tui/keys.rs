//! The key map as data: each binding says in which modes it works, what it
//! does and how the help overlay describes it. `resolve` is pure.

use super::app::Mode;
use super::msg::{Feedback, Msg};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

pub struct Binding {
    pub keys: &'static [KeyCode],
    pub label: &'static str,
    pub modes: &'static [Mode],
    pub action: Msg,
    pub help: &'static str,
}

use Mode::*;
/// Where the feedback keys (y n L w m) act on the selected title.
const BROWSE: &[Mode] = &[Home, Detail, SearchList];
const LISTS: &[Mode] = &[
    Home,
    Search,
    SearchList,
    Profiles,
    Onboarding,
    OnboardingFind,
    Context,
    Digest,
];
/// Screens that scroll: ↑↓ and PgUp/PgDn move their text.
const SCROLLS: &[Mode] = &[Detail, Explain, Help, Moved];
/// Screens `q` closes.
const CLOSES: &[Mode] = &[Detail, Explain, Help, Moved, Experiment, Digest];
/// Every screen over the home page: Esc goes back one level from each.
const OVER: &[Mode] = &[
    Detail,
    Explain,
    Help,
    Moved,
    Search,
    SearchList,
    Profiles,
    NewProfile,
    Onboarding,
    OnboardingFind,
    Context,
    PickConfig,
    Experiment,
    Digest,
];

pub const KEYMAP: &[Binding] = &[
    Binding {
        keys: &[KeyCode::Up, KeyCode::Char('k')],
        label: "↑ k",
        modes: LISTS,
        action: Msg::Up,
        help: "move up",
    },
    Binding {
        keys: &[KeyCode::Down, KeyCode::Char('j')],
        label: "↓ j",
        modes: LISTS,
        action: Msg::Down,
        help: "move down",
    },
    Binding {
        keys: &[KeyCode::Up, KeyCode::Char('k')],
        label: "↑ k",
        modes: SCROLLS,
        action: Msg::ScrollUp,
        help: "scroll up (details, explain, help)",
    },
    Binding {
        keys: &[KeyCode::Down, KeyCode::Char('j')],
        label: "↓ j",
        modes: SCROLLS,
        action: Msg::ScrollDown,
        help: "scroll down (details, explain, help)",
    },
    Binding {
        keys: &[KeyCode::PageUp],
        label: "PgUp",
        modes: &[Detail, Explain, Help, Moved, Search, SearchList, Onboarding],
        action: Msg::PageUp,
        help: "a page up",
    },
    Binding {
        keys: &[KeyCode::PageDown],
        label: "PgDn",
        modes: &[Detail, Explain, Help, Moved, Search, SearchList, Onboarding],
        action: Msg::PageDown,
        help: "a page down",
    },
    Binding {
        keys: &[KeyCode::Left, KeyCode::Char('h')],
        label: "← h",
        modes: &[Home, Onboarding, Context, NewProfile],
        action: Msg::Left,
        help: "move left",
    },
    Binding {
        keys: &[KeyCode::Right, KeyCode::Char('l')],
        label: "→ l",
        modes: &[Home, Onboarding, Context, NewProfile],
        action: Msg::Right,
        help: "move right",
    },
    Binding {
        keys: &[KeyCode::Char('g'), KeyCode::Home],
        label: "g Home",
        modes: &[Home],
        action: Msg::First,
        help: "first row",
    },
    Binding {
        keys: &[KeyCode::Char('G'), KeyCode::End],
        label: "G End",
        modes: &[Home],
        action: Msg::Last,
        help: "last row",
    },
    Binding {
        keys: &[KeyCode::Enter],
        label: "Enter",
        modes: &[
            Home,
            Search,
            SearchList,
            Profiles,
            Onboarding,
            OnboardingFind,
            Context,
            NewProfile,
            PickConfig,
            Digest,
        ],
        action: Msg::Select,
        help: "open details / choose / confirm",
    },
    Binding {
        keys: &[KeyCode::Char(' ')],
        label: "Space",
        modes: &[Onboarding],
        action: Msg::Toggle,
        help: "pick or unpick a title",
    },
    Binding {
        keys: &[KeyCode::Char('x')],
        label: "x",
        modes: BROWSE,
        action: Msg::Explain,
        help: "explain: the score feature by feature",
    },
    Binding {
        keys: &[KeyCode::Char('y')],
        label: "y",
        modes: BROWSE,
        action: Msg::Give(Feedback::Up),
        help: "thumbs up",
    },
    Binding {
        keys: &[KeyCode::Char('n')],
        label: "n",
        modes: BROWSE,
        action: Msg::Give(Feedback::Down),
        help: "thumbs down (not for me)",
    },
    Binding {
        keys: &[KeyCode::Char('L')],
        label: "L",
        modes: BROWSE,
        action: Msg::Give(Feedback::Love),
        help: "love it (double thumbs up)",
    },
    Binding {
        keys: &[KeyCode::Char('w')],
        label: "w",
        modes: BROWSE,
        action: Msg::Give(Feedback::Play),
        help: "watch (a series plays its next episode)",
    },
    Binding {
        keys: &[KeyCode::Char('m')],
        label: "m",
        modes: BROWSE,
        action: Msg::Give(Feedback::ToggleList),
        help: "add to / remove from My List",
    },
    Binding {
        keys: &[KeyCode::Char('u')],
        label: "u",
        modes: BROWSE,
        action: Msg::Undo,
        help: "undo the last feedback (exact page back)",
    },
    Binding {
        keys: &[KeyCode::Char('U')],
        label: "U",
        modes: BROWSE,
        action: Msg::Redo,
        help: "redo the feedback undone last",
    },
    Binding {
        keys: &[KeyCode::Char('J')],
        label: "J",
        modes: BROWSE,
        action: Msg::SaveJourney,
        help: "save the journey (marquee replay FILE)",
    },
    Binding {
        keys: &[KeyCode::Char('r')],
        label: "r",
        modes: BROWSE,
        action: Msg::ReloadConfig,
        help: "reload --config (also when it is saved)",
    },
    Binding {
        keys: &[KeyCode::Char('B')],
        label: "B",
        modes: BROWSE,
        action: Msg::OpenPickConfig,
        help: "compare with another config file",
    },
    Binding {
        keys: &[KeyCode::Char('b')],
        label: "b",
        modes: BROWSE,
        action: Msg::ToggleSplit,
        help: "split view A | B (after B or --compare)",
    },
    Binding {
        keys: &[KeyCode::Char('/')],
        label: "/",
        modes: &[Home, Onboarding, SearchList],
        action: Msg::OpenSearch,
        help: "search titles, people, genres, tags",
    },
    Binding {
        keys: &[KeyCode::Char('p')],
        label: "p",
        modes: &[Home],
        action: Msg::OpenProfiles,
        help: "switch or create a profile",
    },
    Binding {
        keys: &[KeyCode::Char('c')],
        label: "c",
        modes: &[Home],
        action: Msg::OpenContext,
        help: "change time of day, day and device",
    },
    Binding {
        keys: &[KeyCode::Char('?')],
        label: "?",
        modes: &[Home, Detail, Onboarding, Profiles, Context],
        action: Msg::OpenHelp,
        help: "this help",
    },
    Binding {
        keys: &[KeyCode::Char('M')],
        label: "M",
        modes: BROWSE,
        action: Msg::OpenMoved,
        help: "what moved at the last re-rank, and why",
    },
    Binding {
        keys: &[KeyCode::Char('e')],
        label: "e",
        modes: &[Home],
        action: Msg::OpenExperiment,
        help: "weekly retention: ranker vs popularity",
    },
    Binding {
        keys: &[KeyCode::Char('f')],
        label: "f",
        modes: &[Home],
        action: Msg::OpenDigest,
        help: "for you this week: the profile's digest",
    },
    Binding {
        keys: &[KeyCode::Char('D')],
        label: "D",
        modes: &[Home],
        action: Msg::ToggleDeveloper,
        help: "developer details in the header",
    },
    Binding {
        keys: &[KeyCode::Esc],
        label: "Esc",
        modes: OVER,
        action: Msg::Back,
        help: "back one level (never quits)",
    },
    Binding {
        keys: &[KeyCode::Esc],
        label: "Esc",
        modes: &[Home],
        action: Msg::Back,
        help: "clear the movement marks",
    },
    Binding {
        keys: &[KeyCode::Char('q')],
        label: "q",
        modes: &[Home],
        action: Msg::Quit,
        help: "quit",
    },
    Binding {
        keys: &[KeyCode::Char('q')],
        label: "q",
        modes: CLOSES,
        action: Msg::Back,
        help: "close",
    },
    Binding {
        keys: &[KeyCode::Char('x'), KeyCode::Char('?'), KeyCode::Enter],
        label: "x ? Enter",
        modes: &[Explain, Help],
        action: Msg::Back,
        help: "also close explain / help",
    },
    Binding {
        keys: &[KeyCode::Tab],
        label: "Tab",
        modes: &[PickConfig],
        action: Msg::Complete,
        help: "complete the file path",
    },
    Binding {
        keys: &[KeyCode::Backspace],
        label: "Backspace",
        modes: &[Search, NewProfile, PickConfig, OnboardingFind],
        action: Msg::Backspace,
        help: "delete a character",
    },
];

/// The action a key means in a mode. Ctrl-C quits everywhere; in text
/// fields, printable characters are typed, Ctrl-U clears and Ctrl-W deletes a word.
pub fn resolve(mode: Mode, key: KeyEvent) -> Option<Msg> {
    let typing = matches!(mode, Search | NewProfile | PickConfig | OnboardingFind);
    if key.modifiers.contains(KeyModifiers::CONTROL) {
        return match key.code {
            KeyCode::Char('c') => Some(Msg::Quit),
            KeyCode::Char('u') if typing => Some(Msg::ClearInput),
            KeyCode::Char('w') if typing => Some(Msg::DeleteWord),
            _ => None,
        };
    }
    if typing {
        if let KeyCode::Char(c) = key.code {
            return Some(Msg::Input(c));
        }
    }
    let bound = KEYMAP
        .iter()
        .find(|b| b.modes.contains(&mode) && b.keys.contains(&key.code))
        .map(|b| b.action.clone());
    // In the search results a letter no key uses goes back to the query, typed.
    match (mode, key.code, bound) {
        (SearchList, KeyCode::Char(c), None) => Some(Msg::Input(c)),
        (_, _, bound) => bound,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(c: KeyCode) -> KeyEvent {
        KeyEvent::new(c, KeyModifiers::NONE)
    }

    #[test]
    fn vim_and_arrow_keys_move() {
        assert_eq!(resolve(Home, key(KeyCode::Char('j'))), Some(Msg::Down));
        assert_eq!(resolve(Home, key(KeyCode::Down)), Some(Msg::Down));
        assert_eq!(resolve(Home, key(KeyCode::Char('h'))), Some(Msg::Left));
    }

    #[test]
    fn typing_in_search_types_instead_of_acting() {
        assert_eq!(
            resolve(Search, key(KeyCode::Char('n'))),
            Some(Msg::Input('n'))
        );
        assert_eq!(
            resolve(Home, key(KeyCode::Char('n'))),
            Some(Msg::Give(Feedback::Down))
        );
    }

    #[test]
    fn ctrl_c_quits_everywhere_and_esc_closes_overlays() {
        let ctrl_c = KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL);
        for m in [
            Home, Detail, Explain, Help, Search, Profiles, NewProfile, Onboarding, Context, Loading,
        ] {
            assert_eq!(resolve(m, ctrl_c), Some(Msg::Quit), "{m:?}");
        }
        assert_eq!(resolve(Detail, key(KeyCode::Esc)), Some(Msg::Back));
    }

    #[test]
    fn esc_goes_back_and_never_quits_while_q_quits_from_home() {
        for m in [
            Home, Detail, Explain, Help, Moved, Search, Profiles, NewProfile, Onboarding, Context,
            PickConfig,
        ] {
            assert_eq!(resolve(m, key(KeyCode::Esc)), Some(Msg::Back), "{m:?}");
        }
        assert_eq!(resolve(Home, key(KeyCode::Char('q'))), Some(Msg::Quit));
    }

    #[test]
    fn e_opens_the_experiment_and_f_the_digest_and_esc_leaves_both() {
        assert_eq!(
            resolve(Home, key(KeyCode::Char('e'))),
            Some(Msg::OpenExperiment)
        );
        assert_eq!(
            resolve(Home, key(KeyCode::Char('f'))),
            Some(Msg::OpenDigest)
        );
        for m in [Experiment, Digest] {
            assert_eq!(resolve(m, key(KeyCode::Esc)), Some(Msg::Back), "{m:?}");
            assert_eq!(
                resolve(m, key(KeyCode::Char('q'))),
                Some(Msg::Back),
                "{m:?}"
            );
        }
        assert_eq!(resolve(Digest, key(KeyCode::Down)), Some(Msg::Down));
        assert_eq!(resolve(Digest, key(KeyCode::Enter)), Some(Msg::Select));
    }

    #[test]
    fn question_mark_opens_help_in_onboarding() {
        assert_eq!(
            resolve(Onboarding, key(KeyCode::Char('?'))),
            Some(Msg::OpenHelp)
        );
    }

    #[test]
    fn help_lists_no_binding_twice() {
        let mut seen = std::collections::BTreeSet::new();
        for b in KEYMAP {
            assert!(
                seen.insert((b.label, b.help)),
                "{} {} is listed twice",
                b.label,
                b.help
            );
        }
    }

    #[test]
    fn text_fields_take_ctrl_u_and_ctrl_w() {
        let ctrl = |c| KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL);
        assert_eq!(resolve(Search, ctrl('u')), Some(Msg::ClearInput));
        assert_eq!(resolve(PickConfig, ctrl('w')), Some(Msg::DeleteWord));
        assert_eq!(resolve(Home, ctrl('u')), None);
    }
}
