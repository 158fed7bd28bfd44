//! The key map as data: each binding says in which modes it works, what it
//! does and how the help overlay describes it. `resolve` is pure.

use super::action::{Action, Feedback};
use super::app::Mode;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

pub struct Binding {
    pub keys: &'static [KeyCode],
    pub label: &'static str,
    pub modes: &'static [Mode],
    pub action: Action,
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
];
/// Screens that scroll: ↑↓ and PgUp/PgDn move their text.
const SCROLLS: &[Mode] = &[Detail, Explain, Help, Moved];
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
];

pub const KEYMAP: &[Binding] = &[
    Binding {
        keys: &[KeyCode::Up, KeyCode::Char('k')],
        label: "↑ k",
        modes: LISTS,
        action: Action::Up,
        help: "move up",
    },
    Binding {
        keys: &[KeyCode::Down, KeyCode::Char('j')],
        label: "↓ j",
        modes: LISTS,
        action: Action::Down,
        help: "move down",
    },
    Binding {
        keys: &[KeyCode::Up, KeyCode::Char('k')],
        label: "↑ k",
        modes: SCROLLS,
        action: Action::ScrollUp,
        help: "scroll up (details, explain, help)",
    },
    Binding {
        keys: &[KeyCode::Down, KeyCode::Char('j')],
        label: "↓ j",
        modes: SCROLLS,
        action: Action::ScrollDown,
        help: "scroll down (details, explain, help)",
    },
    Binding {
        keys: &[KeyCode::PageUp],
        label: "PgUp",
        modes: &[Detail, Explain, Help, Moved, Search, SearchList, Onboarding],
        action: Action::PageUp,
        help: "a page up",
    },
    Binding {
        keys: &[KeyCode::PageDown],
        label: "PgDn",
        modes: &[Detail, Explain, Help, Moved, Search, SearchList, Onboarding],
        action: Action::PageDown,
        help: "a page down",
    },
    Binding {
        keys: &[KeyCode::Left, KeyCode::Char('h')],
        label: "← h",
        modes: &[Home, Onboarding, Context, NewProfile],
        action: Action::Left,
        help: "move left",
    },
    Binding {
        keys: &[KeyCode::Right, KeyCode::Char('l')],
        label: "→ l",
        modes: &[Home, Onboarding, Context, NewProfile],
        action: Action::Right,
        help: "move right",
    },
    Binding {
        keys: &[KeyCode::Char('g'), KeyCode::Home],
        label: "g Home",
        modes: &[Home],
        action: Action::First,
        help: "first row",
    },
    Binding {
        keys: &[KeyCode::Char('G'), KeyCode::End],
        label: "G End",
        modes: &[Home],
        action: Action::Last,
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
        ],
        action: Action::Select,
        help: "open details / choose / confirm",
    },
    Binding {
        keys: &[KeyCode::Char(' ')],
        label: "Space",
        modes: &[Onboarding],
        action: Action::Toggle,
        help: "pick or unpick a title",
    },
    Binding {
        keys: &[KeyCode::Char('x')],
        label: "x",
        modes: BROWSE,
        action: Action::Explain,
        help: "explain: the score feature by feature",
    },
    Binding {
        keys: &[KeyCode::Char('y')],
        label: "y",
        modes: BROWSE,
        action: Action::Give(Feedback::Up),
        help: "thumbs up",
    },
    Binding {
        keys: &[KeyCode::Char('n')],
        label: "n",
        modes: BROWSE,
        action: Action::Give(Feedback::Down),
        help: "thumbs down (not for me)",
    },
    Binding {
        keys: &[KeyCode::Char('L')],
        label: "L",
        modes: BROWSE,
        action: Action::Give(Feedback::Love),
        help: "love it (double thumbs up)",
    },
    Binding {
        keys: &[KeyCode::Char('w')],
        label: "w",
        modes: BROWSE,
        action: Action::Give(Feedback::Play),
        help: "watch (a series plays its next episode)",
    },
    Binding {
        keys: &[KeyCode::Char('m')],
        label: "m",
        modes: BROWSE,
        action: Action::Give(Feedback::ToggleList),
        help: "add to / remove from My List",
    },
    Binding {
        keys: &[KeyCode::Char('u')],
        label: "u",
        modes: BROWSE,
        action: Action::Undo,
        help: "undo the last feedback (exact page back)",
    },
    Binding {
        keys: &[KeyCode::Char('U')],
        label: "U",
        modes: BROWSE,
        action: Action::Redo,
        help: "redo the feedback undone last",
    },
    Binding {
        keys: &[KeyCode::Char('J')],
        label: "J",
        modes: BROWSE,
        action: Action::SaveJourney,
        help: "save the journey (marquee replay FILE)",
    },
    Binding {
        keys: &[KeyCode::Char('r')],
        label: "r",
        modes: BROWSE,
        action: Action::ReloadConfig,
        help: "reload --config (also when it is saved)",
    },
    Binding {
        keys: &[KeyCode::Char('B')],
        label: "B",
        modes: BROWSE,
        action: Action::OpenPickConfig,
        help: "compare with another config file",
    },
    Binding {
        keys: &[KeyCode::Char('b')],
        label: "b",
        modes: BROWSE,
        action: Action::ToggleSplit,
        help: "split view A | B (after B or --compare)",
    },
    Binding {
        keys: &[KeyCode::Char('/')],
        label: "/",
        modes: &[Home, Onboarding, SearchList],
        action: Action::OpenSearch,
        help: "search titles, people, genres, tags",
    },
    Binding {
        keys: &[KeyCode::Char('p')],
        label: "p",
        modes: &[Home],
        action: Action::OpenProfiles,
        help: "switch or create a profile",
    },
    Binding {
        keys: &[KeyCode::Char('c')],
        label: "c",
        modes: &[Home],
        action: Action::OpenContext,
        help: "change time of day and device",
    },
    Binding {
        keys: &[KeyCode::Char('?')],
        label: "?",
        modes: &[Home, Detail, Onboarding, Profiles, Context],
        action: Action::OpenHelp,
        help: "this help",
    },
    Binding {
        keys: &[KeyCode::Char('M')],
        label: "M",
        modes: BROWSE,
        action: Action::OpenMoved,
        help: "what moved at the last re-rank, and why",
    },
    Binding {
        keys: &[KeyCode::Char('D')],
        label: "D",
        modes: &[Home],
        action: Action::ToggleDeveloper,
        help: "developer details in the header",
    },
    Binding {
        keys: &[KeyCode::Esc],
        label: "Esc",
        modes: OVER,
        action: Action::Back,
        help: "back one level (never quits)",
    },
    Binding {
        keys: &[KeyCode::Esc],
        label: "Esc",
        modes: &[Home],
        action: Action::Back,
        help: "clear the movement marks",
    },
    Binding {
        keys: &[KeyCode::Char('q')],
        label: "q",
        modes: &[Home],
        action: Action::Quit,
        help: "quit",
    },
    Binding {
        keys: &[KeyCode::Char('q')],
        label: "q",
        modes: SCROLLS,
        action: Action::Back,
        help: "close",
    },
    Binding {
        keys: &[KeyCode::Char('x'), KeyCode::Char('?'), KeyCode::Enter],
        label: "x ? Enter",
        modes: &[Explain, Help],
        action: Action::Back,
        help: "also close explain / help",
    },
    Binding {
        keys: &[KeyCode::Tab],
        label: "Tab",
        modes: &[PickConfig],
        action: Action::Complete,
        help: "complete the file path",
    },
    Binding {
        keys: &[KeyCode::Backspace],
        label: "Backspace",
        modes: &[Search, NewProfile, PickConfig, OnboardingFind],
        action: Action::Backspace,
        help: "delete a character",
    },
];

/// The action a key means in a mode. Ctrl-C quits everywhere; in text
/// fields, printable characters are typed, Ctrl-U clears and Ctrl-W deletes a word.
pub fn resolve(mode: Mode, key: KeyEvent) -> Option<Action> {
    let typing = matches!(mode, Search | NewProfile | PickConfig | OnboardingFind);
    if key.modifiers.contains(KeyModifiers::CONTROL) {
        return match key.code {
            KeyCode::Char('c') => Some(Action::Quit),
            KeyCode::Char('u') if typing => Some(Action::ClearInput),
            KeyCode::Char('w') if typing => Some(Action::DeleteWord),
            _ => None,
        };
    }
    if typing {
        if let KeyCode::Char(c) = key.code {
            return Some(Action::Input(c));
        }
    }
    let bound = KEYMAP
        .iter()
        .find(|b| b.modes.contains(&mode) && b.keys.contains(&key.code))
        .map(|b| b.action.clone());
    // In the search results a letter no key uses goes back to the query, typed.
    match (mode, key.code, bound) {
        (SearchList, KeyCode::Char(c), None) => Some(Action::Input(c)),
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
        assert_eq!(resolve(Home, key(KeyCode::Char('j'))), Some(Action::Down));
        assert_eq!(resolve(Home, key(KeyCode::Down)), Some(Action::Down));
        assert_eq!(resolve(Home, key(KeyCode::Char('h'))), Some(Action::Left));
    }

    #[test]
    fn typing_in_search_types_instead_of_acting() {
        assert_eq!(
            resolve(Search, key(KeyCode::Char('n'))),
            Some(Action::Input('n'))
        );
        assert_eq!(
            resolve(Home, key(KeyCode::Char('n'))),
            Some(Action::Give(Feedback::Down))
        );
    }

    #[test]
    fn ctrl_c_quits_everywhere_and_esc_closes_overlays() {
        let ctrl_c = KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL);
        for m in [
            Home, Detail, Explain, Help, Search, Profiles, NewProfile, Onboarding, Context, Loading,
        ] {
            assert_eq!(resolve(m, ctrl_c), Some(Action::Quit), "{m:?}");
        }
        assert_eq!(resolve(Detail, key(KeyCode::Esc)), Some(Action::Back));
    }

    #[test]
    fn esc_goes_back_and_never_quits_while_q_quits_from_home() {
        for m in [
            Home, Detail, Explain, Help, Moved, Search, Profiles, NewProfile, Onboarding, Context,
            PickConfig,
        ] {
            assert_eq!(resolve(m, key(KeyCode::Esc)), Some(Action::Back), "{m:?}");
        }
        assert_eq!(resolve(Home, key(KeyCode::Char('q'))), Some(Action::Quit));
    }

    #[test]
    fn question_mark_opens_help_in_onboarding() {
        assert_eq!(
            resolve(Onboarding, key(KeyCode::Char('?'))),
            Some(Action::OpenHelp)
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
        assert_eq!(resolve(Search, ctrl('u')), Some(Action::ClearInput));
        assert_eq!(resolve(PickConfig, ctrl('w')), Some(Action::DeleteWord));
        assert_eq!(resolve(Home, ctrl('u')), None);
    }
}
