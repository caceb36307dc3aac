//! Property tests of decoding: arbitrary bytes, and the repository's
//! fixtures mutated (bytes flipped, cut short, spliced, bytes inserted), fed
//! to `decode` with every format a layout can force. It must never panic,
//! must return quickly, and an error must be one printable line.
//!
//! `PROPTEST_CASES` raises the number of cases (64 by default, so that
//! `cargo test --lib` stays quick).

use std::time::{Duration, Instant};

use proptest::prelude::*;

use super::{Format, decode};

/// Debug builds decode a fixture in milliseconds; this is far above that,
/// and far below a hang or an allocation of everything.
const MAX_TIME: Duration = Duration::from_secs(10);

/// Every fixture of every built-in plugin, expected records included.
fn fixtures() -> Vec<(String, Vec<u8>)> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("plugins");
    let mut out = Vec::new();
    for plugin in std::fs::read_dir(root).unwrap().flatten() {
        let Ok(files) = std::fs::read_dir(plugin.path().join("fixtures")) else {
            continue;
        };
        for f in files.flatten() {
            let name = f.file_name().to_string_lossy().into_owned();
            out.push((name, std::fs::read(f.path()).unwrap()));
        }
    }
    out.sort();
    assert!(out.len() > 40, "the fixtures are found");
    out
}

fn formats() -> impl Strategy<Value = Option<Format>> {
    prop_oneof![
        Just(None),
        Just(Some(Format::Csv)),
        Just(Some(Format::Json)),
        Just(Some(Format::Ndjson)),
        Just(Some(Format::Xlsx)),
        Just(Some(Format::Zip)),
    ]
}

fn delimiters() -> impl Strategy<Value = Option<u8>> {
    prop_oneof![
        Just(None),
        Just(Some(b',')),
        Just(Some(b';')),
        Just(Some(b'\t'))
    ]
}

/// Decodes, and checks what the properties ask of every outcome.
fn check(name: &str, bytes: Vec<u8>, format: Option<Format>, delimiter: Option<u8>) {
    let len = bytes.len();
    let start = Instant::now();
    let result = decode(name, bytes, format, delimiter);
    let took = start.elapsed();
    assert!(took < MAX_TIME, "{name} ({len} bytes) took {took:?}");
    if let Err(e) = result {
        assert!(
            !e.chars().any(|c| c.is_control() || c == '\u{fffd}'),
            "{name}: {e:?}"
        );
        assert!(e.len() < 2000, "{name}: a message of {} bytes", e.len());
    }
}

/// A way to damage a file.
#[derive(Debug, Clone)]
enum Mutation {
    /// XOR the byte at this fraction of the file.
    Flip(f64, u8),
    /// Keep this fraction of the file.
    Cut(f64),
    /// Insert bytes at this fraction.
    Insert(f64, Vec<u8>),
    /// Copy a run of the file over another place.
    Splice(f64, f64, usize),
}

fn mutations() -> impl Strategy<Value = Vec<Mutation>> {
    let one = prop_oneof![
        4 => (0.0..1.0, 1..=255u8).prop_map(|(at, x)| Mutation::Flip(at, x)),
        1 => (0.0..1.0).prop_map(Mutation::Cut),
        1 => (0.0..1.0, proptest::collection::vec(any::<u8>(), 1..16))
            .prop_map(|(at, b)| Mutation::Insert(at, b)),
        1 => (0.0..1.0, 0.0..1.0, 1..256usize).prop_map(|(a, b, n)| Mutation::Splice(a, b, n)),
    ];
    proptest::collection::vec(one, 1..6)
}

fn apply(mut bytes: Vec<u8>, mutations: &[Mutation]) -> Vec<u8> {
    let at = |f: f64, len: usize| ((f * len as f64) as usize).min(len.saturating_sub(1));
    for m in mutations {
        if bytes.is_empty() {
            break;
        }
        match m {
            Mutation::Flip(f, x) => {
                let i = at(*f, bytes.len());
                bytes[i] ^= x;
            }
            Mutation::Cut(f) => bytes.truncate(at(*f, bytes.len())),
            Mutation::Insert(f, b) => {
                let i = at(*f, bytes.len());
                bytes.splice(i..i, b.iter().copied());
            }
            Mutation::Splice(from, to, n) => {
                let (from, to) = (at(*from, bytes.len()), at(*to, bytes.len()));
                let n = (*n).min(bytes.len() - from).min(bytes.len() - to);
                let run = bytes[from..from + n].to_vec();
                bytes[to..to + n].copy_from_slice(&run);
            }
        }
    }
    bytes
}

/// Heads that steer arbitrary bytes into each decoder.
fn heads() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        Just(Vec::new()),
        Just(b"PK\x03\x04".to_vec()),
        Just(vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]),
        Just(b"{\"data\": [".to_vec()),
        Just(b"[".to_vec()),
        Just(vec![0xFF, 0xFE]),
        Just(vec![0xFE, 0xFF]),
        Just(vec![0xEF, 0xBB, 0xBF]),
        Just(b"sep=".to_vec()),
        Just("数据概览".as_bytes().to_vec()),
    ]
}

#[test]
fn every_fixture_decodes_with_every_format_without_panicking() {
    for (name, bytes) in fixtures() {
        for format in [
            None,
            Some(Format::Csv),
            Some(Format::Json),
            Some(Format::Ndjson),
            Some(Format::Xlsx),
            Some(Format::Zip),
        ] {
            check(&name, bytes.clone(), format, None);
            // Named as a CSV, as a download renamed by hand.
            check("renamed.csv", bytes.clone(), format, None);
        }
    }
}

proptest! {
    #![proptest_config(crate::prop_config())]

    #[test]
    fn arbitrary_bytes_never_panic(
        head in heads(),
        body in proptest::collection::vec(any::<u8>(), 0..4096),
        format in formats(),
        delimiter in delimiters(),
    ) {
        let mut bytes = head;
        bytes.extend(body);
        check("random.csv", bytes, format, delimiter);
    }

    #[test]
    fn mutated_fixtures_never_panic(
        pick in any::<prop::sample::Index>(),
        damage in mutations(),
        format in formats(),
        delimiter in delimiters(),
    ) {
        let fixtures = fixtures();
        let (name, bytes) = &fixtures[pick.index(fixtures.len())];
        check(name, apply(bytes.clone(), &damage), format, delimiter);
    }
}

/// A long hunt, one case at a time, each written to stderr before it is
/// decoded, so that a case that aborts the process (an allocation failure
/// cannot be caught) is the last line: run it with a memory limit,
/// `ulimit -v 4000000; cargo test --lib hunt -- --ignored --nocapture`.
/// `HUNT_CASES`, `HUNT_SEED` (a byte) and `HUNT_ONLY` (a name ending, such
/// as `.xls`) steer it.
#[test]
#[ignore]
fn hunt() {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};
    let var = |k: &str| std::env::var(k).ok();
    let only = var("HUNT_ONLY").unwrap_or_default();
    let fixtures: Vec<_> = fixtures()
        .into_iter()
        .filter(|(n, _)| n.ends_with(&only))
        .collect();
    let seed: u8 = var("HUNT_SEED").and_then(|s| s.parse().ok()).unwrap_or(0);
    let cases: usize = var("HUNT_CASES")
        .and_then(|s| s.parse().ok())
        .unwrap_or(200_000);
    let rng = TestRng::from_seed(RngAlgorithm::ChaCha, &[seed; 32]);
    let mut runner = TestRunner::new_with_rng(Config::default(), rng);
    let strategy = (
        any::<prop::sample::Index>(),
        mutations(),
        formats(),
        delimiters(),
    );
    for i in 0..cases {
        let (pick, damage, format, delimiter) = strategy.new_tree(&mut runner).unwrap().current();
        let (name, bytes) = &fixtures[pick.index(fixtures.len())];
        eprintln!("{i} {name} {format:?} {delimiter:?} {damage:?}");
        check(name, apply(bytes.clone(), &damage), format, delimiter);
    }
}
