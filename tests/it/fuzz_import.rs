//! Bad catalog and profile files never panic: 10,000 mutated versions of a
//! valid catalog and profile (truncations, type swaps, huge numbers, deep
//! nesting, invalid UTF-8, enormous strings, byte flips) each end in a
//! successful import or an error that names the file, and an error leaves
//! the database exactly as it was.


use marquee::catalog::parse_file;
use marquee::store::Store;
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde_json::Value;

const CASES: u32 = 10_000;
const LABEL: &str = "fuzzed.json";

fn originals() -> [Vec<u8>; 2] {
    [
        std::fs::read(crate::common::fixture("tiny-catalog.json")).unwrap(),
        std::fs::read(crate::common::fixture("tiny-profile.json")).unwrap(),
    ]
}

/// Every value in a JSON document, as a JSON pointer.
fn pointers(v: &Value, at: String, out: &mut Vec<String>) {
    out.push(at.clone());
    match v {
        Value::Object(m) => m.iter().for_each(|(k, x)| {
            pointers(
                x,
                format!("{at}/{}", k.replace('~', "~0").replace('/', "~1")),
                out,
            )
        }),
        Value::Array(a) => a
            .iter()
            .enumerate()
            .for_each(|(i, x)| pointers(x, format!("{at}/{i}"), out)),
        _ => {}
    }
}

/// One mutation of `bytes`, chosen by `kind` and driven by `seed`.
fn mutate(bytes: &[u8], kind: u8, seed: u64) -> Vec<u8> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut json: Value = serde_json::from_slice(bytes).unwrap();
    let mut paths = vec![];
    pointers(&json, String::new(), &mut paths);
    let path = paths[rng.gen_range(1..paths.len())].clone();
    let replace = |json: &mut Value, new: Value| {
        if let Some(slot) = json.pointer_mut(&path) {
            *slot = new;
        }
    };
    match kind % 8 {
        0 => bytes[..rng.gen_range(0..bytes.len())].to_vec(),
        1 => {
            let swaps = [
                Value::Null,
                Value::Bool(true),
                42.into(),
                "text".into(),
                serde_json::json!([]),
                serde_json::json!({}),
            ];
            replace(&mut json, swaps[rng.gen_range(0..swaps.len())].clone());
            serde_json::to_vec(&json).unwrap()
        }
        2 => {
            let huge = [
                "1e308",
                "-1",
                "18446744073709551616",
                "9223372036854775807",
                "-0.0",
                "1e-320",
            ];
            replace(
                &mut json,
                serde_json::from_str(huge[rng.gen_range(0..huge.len())]).unwrap(),
            );
            serde_json::to_vec(&json).unwrap()
        }
        3 => {
            let depth = rng.gen_range(100..5_000);
            let text = serde_json::to_string(&json).unwrap();
            let at = rng.gen_range(0..text.len());
            let at = (0..=at)
                .rev()
                .find(|&i| text.is_char_boundary(i))
                .unwrap_or(0);
            format!("{}{}{}", &text[..at], "[".repeat(depth), &text[at..]).into_bytes()
        }
        4 => {
            let mut b = bytes.to_vec();
            for _ in 0..rng.gen_range(1..4) {
                let at = rng.gen_range(0..b.len());
                b.insert(at, [0xFF, 0xC3, 0x80, 0xED][rng.gen_range(0..4)]);
            }
            b
        }
        5 => {
            replace(
                &mut json,
                "ё\u{1b}x".repeat(rng.gen_range(1_000..300_000)).into(),
            );
            serde_json::to_vec(&json).unwrap()
        }
        6 => {
            let mut b = bytes.to_vec();
            for _ in 0..rng.gen_range(1..6) {
                let at = rng.gen_range(0..b.len());
                b[at] = rng.gen();
            }
            b
        }
        _ => {
            // Remove a value (a missing required field, an empty list).
            if let Some((parent, key)) = path.rsplit_once('/') {
                match json.pointer_mut(parent) {
                    Some(Value::Object(m)) => {
                        m.remove(&key.replace("~1", "/").replace("~0", "~"));
                    }
                    Some(Value::Array(a)) if !a.is_empty() => {
                        a.remove(key.parse::<usize>().unwrap_or(0).min(a.len() - 1));
                    }
                    _ => {}
                }
            }
            serde_json::to_vec(&json).unwrap()
        }
    }
}

/// What the database holds, to check an error left it unchanged.
fn fingerprint(store: &Store) -> String {
    let stats = store.stats().unwrap();
    let titles = serde_json::to_string(&store.titles().unwrap()).unwrap();
    let profiles = serde_json::to_string(&store.profiles().unwrap()).unwrap();
    let events = store.all_events().unwrap().len();
    format!("{stats:?}|{titles}|{profiles}|{events}")
}

#[test]
fn ten_thousand_mutated_files_import_or_fail_cleanly() {
    let originals = originals();
    let mut store = Store::open_in_memory().unwrap();
    let base: Vec<_> = originals
        .iter()
        .map(|b| parse_file("base.json", b).unwrap())
        .collect();
    store.import(&base).unwrap();
    // The runner takes a shared closure: the store and counters live in cells.
    let store = std::cell::RefCell::new(store);
    let (imported, refused) = (std::cell::Cell::new(0u32), std::cell::Cell::new(0u32));
    let mut runner = TestRunner::new(Config {
        cases: CASES,
        failure_persistence: None,
        ..Config::default()
    });
    runner
        .run(&(0usize..2, 0u8..8, any::<u64>()), |(which, kind, seed)| {
            let bytes = mutate(&originals[which], kind, seed);
            let before = fingerprint(&store.borrow());
            let outcome = parse_file(LABEL, &bytes)
                .map_err(|e| e.to_string())
                .and_then(|f| {
                    store
                        .borrow_mut()
                        .import(&[f])
                        .map(|_| ())
                        .map_err(|e| e.to_string())
                });
            match outcome {
                Ok(()) => imported.set(imported.get() + 1),
                Err(message) => {
                    refused.set(refused.get() + 1);
                    prop_assert!(
                        message.contains(LABEL),
                        "the error names the file: {message}"
                    );
                    prop_assert!(
                        message.len() < 2_000,
                        "the error stays readable: {} bytes: {}",
                        message.len(),
                        message.chars().take(600).collect::<String>()
                    );
                    prop_assert_eq!(
                        fingerprint(&store.borrow()),
                        before,
                        "a refused file changed the database"
                    );
                }
            }
            Ok(())
        })
        .unwrap();
    let (imported, refused) = (imported.get(), refused.get());
    eprintln!("{CASES} cases: {imported} imported, {refused} refused with a message");
    assert_eq!(imported + refused, CASES);
    assert!(refused > CASES / 2, "most mutations are errors: {refused}");
}
