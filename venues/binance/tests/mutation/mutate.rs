//! The mutation engine shared by the venue crates' `mutation` test binaries (Deribit includes
//! this file with `#[path]`): a seeded PRNG, a corpus of the JSON frames the crate's sources
//! and tests already carry, the mutations, and a runner that feeds every input to every
//! decoder under `catch_unwind` and checks the errors.

#![allow(dead_code)]

use std::fmt::Write as _;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};

use serde_json::Value;
use tradewire_core::{BookKind, BookUpdate, OrderBook, SequenceRule};

/// The largest `Display` of an error the decoders may return: errors carry bounded excerpts.
pub const MAX_ERROR_LEN: usize = 2048;

/// splitmix64: tiny, seeded, good enough to pick positions and mutations.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed)
    }

    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (`n > 0`).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// Every raw string literal (`r"…"`, `r#"…"#`) holding a JSON object or array in the `.rs`
/// files below `dirs` (relative to the crate), deduplicated, in a stable order.
pub fn corpus(dirs: &[&str]) -> Vec<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    for dir in dirs {
        rust_files(&root.join(dir), &mut files);
    }
    files.sort();
    let mut frames: Vec<String> = Vec::new();
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        for literal in raw_literals(&text) {
            let Ok(v) = serde_json::from_str::<Value>(literal) else {
                continue;
            };
            if (v.is_object() || v.is_array()) && !frames.iter().any(|f| f == literal) {
                frames.push(literal.to_owned());
            }
        }
    }
    frames
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries {
        let path = entry.unwrap().path();
        if path.is_dir() {
            // This suite's own inputs are mutations, not fixtures.
            if !path.ends_with("mutation") {
                rust_files(&path, out);
            }
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

fn raw_literals(text: &str) -> Vec<&str> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let starts =
            b[i] == b'r' && (i == 0 || !(b[i - 1].is_ascii_alphanumeric() || b[i - 1] == b'_'));
        if !starts {
            i += 1;
            continue;
        }
        let mut j = i + 1;
        while j < b.len() && b[j] == b'#' {
            j += 1;
        }
        if j >= b.len() || b[j] != b'"' {
            i += 1;
            continue;
        }
        let hashes = j - i - 1;
        let mut close = String::from("\"");
        close.push_str(&"#".repeat(hashes));
        match text[j + 1..].find(&close) {
            Some(end) => {
                out.push(&text[j + 1..j + 1 + end]);
                i = j + 1 + end + close.len();
            }
            None => break,
        }
    }
    out
}

/// Raw JSON tokens spliced in place of values and at byte positions.
pub const TOKENS: &[&str] = &[
    "null",
    "true",
    "0",
    "-1",
    "-0",
    "1e400",
    "-1e400",
    "1e-400",
    "99999999999999999999999999999",
    "-99999999999999999999999999999",
    "18446744073709551616",
    "18446744073709551615",
    "9223372036854775807",
    "-9223372036854775808",
    "79228162514264337593543950335",
    "-79228162514264337593543950335",
    "\"79228162514264337593543950335\"",
    "\"0.0000000000000000000000000001\"",
    "-9223372036854775809",
    "0.0000000000000000000000000000001",
    "1.5",
    "\"\"",
    "\"x\"",
    "\"-1\"",
    "\"1e400\"",
    "\"1e-400\"",
    "\"99999999999999999999999999999\"",
    "\"NaN\"",
    "\"\\ud800\"",
    "{}",
    "[]",
    "[[]]",
    "[\"\"]",
    "{\"e\":null}",
];

/// Odd strings for string values: separators only, half names, multi-byte text, overflowing
/// dates and strikes.
pub const STRINGS: &[&str] = &[
    "",
    " ",
    "-",
    "--",
    ".",
    "..",
    "é",
    "€€€",
    "\u{0}",
    "BTC-",
    "-BTC",
    "BTC--C",
    "BTC-PERPETUAL-",
    "BTC-99XYZ99-1-C",
    "BTC-32DEC24-99999999999999999999999999999-P",
    "BTC-1JAN00-0-C",
    "BTC_USDC-PERPETUAL",
    "USDT",
    "BTCUSDT",
    "ÉÉÉUSDT",
    "chart.trades.",
    "chart.trades.X",
    "chart.trades..",
    "book.",
    "book.BTC-PERPETUAL.",
    "user.",
    "user.orders",
    "ticker.",
    "trades.",
    "a.b.c.d.e.f",
    "0m",
    "99999999999d",
    "1M",
    "1e400",
    "NaN",
    "-0.0",
    "BUY",
    "SELL",
];

/// `depth` opening brackets, closed.
pub fn nested(depth: usize) -> String {
    format!("{}{}", "[".repeat(depth), "]".repeat(depth))
}

/// Every prefix of `frame`: each byte boundary up to 256 bytes, else the first and last 64
/// and a stride in between (about 192 cuts).
pub fn truncations(frame: &[u8], out: &mut Vec<Vec<u8>>) {
    let n = frame.len();
    let stride = if n <= 256 { 1 } else { (n / 192).max(1) };
    for cut in 0..n {
        if cut < 64 || cut + 64 >= n || cut % stride == 0 {
            out.push(frame[..cut].to_vec());
        }
    }
}

/// `count` byte-level mutations at random positions: replacements (digit ↔ letter, quote
/// removed, `{` ↔ `[`, random bytes including invalid UTF-8), deletions and spliced tokens.
pub fn byte_mutations(frame: &[u8], rng: &mut Rng, count: usize, out: &mut Vec<Vec<u8>>) {
    if frame.is_empty() {
        return;
    }
    for _ in 0..count {
        let pos = rng.below(frame.len());
        let mut m = frame.to_vec();
        let c = m[pos];
        match rng.below(8) {
            0 => {
                // Targeted replacement of the byte's own kind.
                m[pos] = match c {
                    b'0'..=b'9' => *rng.pick(b"aeEx-.+ "),
                    b'"' => b' ',
                    b'{' => b'[',
                    b'[' => b'{',
                    b'}' => b']',
                    b']' => b'}',
                    b':' => b',',
                    b',' => b':',
                    b'a'..=b'z' | b'A'..=b'Z' => *rng.pick(b"0123456789"),
                    _ => *rng.pick(b"\"{}[]:,\\"),
                };
            }
            1 => m[pos] = *rng.pick(b"0123456789-.eE\"{}[]:,\\ xnt"),
            2 => m[pos] = *rng.pick(&[0x00, 0x7f, 0x80, 0xbf, 0xc0, 0xe2, 0xf0, 0xff]),
            3 => {
                m.remove(pos);
            }
            4 => {
                let token = *rng.pick(TOKENS);
                m.splice(pos..pos, token.bytes());
            }
            5 => {
                // A token in place of the rest of a number or word.
                let end = (pos..m.len())
                    .find(|&i| !m[i].is_ascii_alphanumeric() && !b"-.+".contains(&m[i]))
                    .unwrap_or(m.len());
                let token = *rng.pick(TOKENS);
                m.splice(pos..end, token.bytes());
            }
            6 => {
                let len = rng.below(8) + 1;
                let end = (pos + len).min(m.len());
                m.drain(pos..end);
            }
            _ => {
                let dup = m[pos..(pos + rng.below(16) + 1).min(m.len())].to_vec();
                m.splice(pos..pos, dup);
            }
        }
        out.push(m);
    }
}

/// At most this many values of one document are swapped.
const MAX_PATHS: usize = 48;

const MARK: &str = "\u{1}mutation\u{1}";
const MARK_JSON: &str = "\"\\u0001mutation\\u0001\"";

/// Every JSON value of `frame` replaced, one at a time, by `per_value` tokens picked at random
/// plus its type swap (a numeric string unquoted, a number quoted, a string or number as
/// `null` and `{}`, a container as `"x"`), re-serialized. Non-JSON frames give nothing.
pub fn value_swaps(frame: &str, rng: &mut Rng, per_value: usize, out: &mut Vec<Vec<u8>>) {
    let Ok(root) = serde_json::from_str::<Value>(frame) else {
        return;
    };
    let mut paths = Vec::new();
    collect_paths(&root, &mut Vec::new(), &mut paths);
    // Large documents (exchange info, account): a sample of their values.
    while paths.len() > MAX_PATHS {
        let i = rng.below(paths.len());
        paths.swap_remove(i);
    }
    for path in &paths {
        let node = lookup(&root, path);
        let mut replacements: Vec<String> = match node {
            Value::String(s) => vec![
                if s.parse::<f64>().is_ok() {
                    s.clone()
                } else {
                    "1".to_owned()
                },
                "null".to_owned(),
                "{}".to_owned(),
                "[]".to_owned(),
            ],
            Value::Number(n) => vec![
                format!("\"{n}\""),
                "null".to_owned(),
                "{}".to_owned(),
                "-1".to_owned(),
            ],
            Value::Null | Value::Bool(_) => {
                vec!["\"\"".to_owned(), "1".to_owned(), "{}".to_owned()]
            }
            Value::Array(_) | Value::Object(_) => {
                vec!["\"x\"".to_owned(), "null".to_owned(), "1".to_owned()]
            }
        };
        for _ in 0..per_value {
            replacements.push((*rng.pick(TOKENS)).to_owned());
        }
        if let Value::String(s) = node {
            // Names the decoders split and slice (symbols, channels, intervals, expiries):
            // every prefix of a short one, a digit changed, and odd spellings.
            if s.len() <= 24 {
                for (cut, _) in s.char_indices().skip(1) {
                    replacements.push(Value::String(s[..cut].to_owned()).to_string());
                }
            }
            if let Some(i) = s.find(|c: char| c.is_ascii_digit()) {
                for d in ["0", "9"] {
                    let mut t = s.clone();
                    t.replace_range(i..=i, d);
                    replacements.push(Value::String(t).to_string());
                }
            }
            for _ in 0..per_value {
                replacements.push(Value::String((*rng.pick(STRINGS)).to_owned()).to_string());
            }
        }
        if rng.below(8) == 0 {
            replacements.push(nested(200));
        }
        if rng.below(16) == 0 {
            replacements.push(format!("\"{}\"", "9".repeat(5000)));
        }
        for r in replacements {
            let mut v = root.clone();
            *lookup_mut(&mut v, path) = Value::String(MARK.to_owned());
            let text = serde_json::to_string(&v).unwrap().replace(MARK_JSON, &r);
            out.push(text.into_bytes());
        }
    }
    // Objects with a member removed.
    for path in &paths {
        if let Some((Seg::Key(key), parent)) = path.split_last() {
            let mut v = root.clone();
            if let Value::Object(map) = lookup_mut(&mut v, parent) {
                map.remove(key);
            }
            out.push(serde_json::to_string(&v).unwrap().into_bytes());
        }
    }
}

#[derive(Clone)]
enum Seg {
    Key(String),
    Index(usize),
}

fn collect_paths(v: &Value, path: &mut Vec<Seg>, out: &mut Vec<Vec<Seg>>) {
    if !path.is_empty() {
        out.push(path.clone());
    }
    match v {
        Value::Object(map) => {
            for (k, child) in map {
                path.push(Seg::Key(k.clone()));
                collect_paths(child, path, out);
                path.pop();
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter().enumerate() {
                path.push(Seg::Index(i));
                collect_paths(child, path, out);
                path.pop();
            }
        }
        _ => {}
    }
}

fn lookup<'a>(mut v: &'a Value, path: &[Seg]) -> &'a Value {
    for seg in path {
        v = match seg {
            Seg::Key(k) => &v[k.as_str()],
            Seg::Index(i) => &v[*i],
        };
    }
    v
}

fn lookup_mut<'a>(mut v: &'a mut Value, path: &[Seg]) -> &'a mut Value {
    for seg in path {
        v = match seg {
            Seg::Key(k) => &mut v[k.as_str()],
            Seg::Index(i) => &mut v[*i],
        };
    }
    v
}

/// Random inputs: raw bytes, and JSON-looking soup of structural characters and tokens.
pub fn random_inputs(rng: &mut Rng, count: usize, out: &mut Vec<Vec<u8>>) {
    for i in 0..count {
        let len = rng.below(96);
        let m: Vec<u8> = if i % 2 == 0 {
            (0..len).map(|_| rng.next() as u8).collect()
        } else {
            let mut s = String::new();
            for _ in 0..len / 4 {
                match rng.below(3) {
                    0 => s.push(char::from(*rng.pick(b"{}[]:,\"\\ "))),
                    1 => s.push_str(rng.pick::<&str>(TOKENS)),
                    _ => s.push_str(rng.pick::<&str>(&["\"e\"", "\"data\"", "\"id\""])),
                }
            }
            s.into_bytes()
        };
        out.push(m);
    }
}

/// Inputs that are hostile as a whole: deep nesting (10,000 `[`), huge strings, invalid UTF-8.
pub fn hostile_inputs(out: &mut Vec<Vec<u8>>) {
    out.push("[".repeat(10_000).into_bytes());
    out.push("{\"a\":".repeat(10_000).into_bytes());
    out.push(nested(10_000).into_bytes());
    out.push(format!("{{\"e\":\"{}\"}}", "x".repeat(100_000)).into_bytes());
    out.push(format!("[\"{}\"]", "9".repeat(100_000)).into_bytes());
    out.push(vec![0xff; 64]);
    out.push(vec![0xc0, 0x80]);
    out.push(b"{\"e\":\"\xff\xfe\"}".to_vec());
    out.push(Vec::new());
    out.push(b" ".to_vec());
    out.push(b"\0".to_vec());
}

/// A decoder under test: a name and a call that decodes one input (and normalizes what it
/// got), returning the error's `Display` on failure.
pub struct Decoder {
    pub name: &'static str,
    pub call: fn(&[u8]) -> Result<(), String>,
}

/// The input as text for `&str` decoders (lossy: invalid UTF-8 is what binary frames test).
pub fn text(input: &[u8]) -> std::borrow::Cow<'_, str> {
    String::from_utf8_lossy(input)
}

fn excerpt(input: &[u8]) -> String {
    let shown = &input[..input.len().min(300)];
    let mut s = format!("{:?}", String::from_utf8_lossy(shown));
    if shown.len() < input.len() {
        let _ = write!(s, "… ({} bytes)", input.len());
    }
    s
}

/// An error's `Display`, for `map_err`.
pub fn err(e: impl std::fmt::Display) -> String {
    e.to_string()
}

/// A decoded book update applied to a fresh book under `rule` as it is, then as a snapshot
/// and as the delta that follows it (so its levels reach the book whatever its sequence
/// numbers say); each apply is `Ok` or a typed `BookError`. Returns the book for queries.
pub fn apply_round(mut update: BookUpdate, rule: SequenceRule) -> OrderBook {
    let mut book = OrderBook::new(rule).with_crossed_check(true);
    let _ = book.apply(&update);
    update.kind = BookKind::Snapshot;
    update.last_seq = Some(update.last_seq.unwrap_or(1));
    let _ = book.apply(&update);
    update.kind = BookKind::Delta;
    update.prev_seq = update.last_seq;
    update.first_seq = update.last_seq.map(|s| s.saturating_add(1));
    update.last_seq = update.first_seq;
    let _ = book.apply(&update);
    let _ = (
        book.best_bid(),
        book.best_ask(),
        book.spread(),
        book.mid_price(),
    );
    book
}

/// How a run went: inputs fed, and how many decodes returned `Ok`.
#[derive(Debug, Default, Clone, Copy)]
pub struct Tally {
    pub calls: usize,
    pub ok: usize,
}

/// Feeds every input to every decoder; fails with the offending input on a panic, an empty
/// error or an error longer than [`MAX_ERROR_LEN`].
pub fn run(decoders: &[Decoder], inputs: &[Vec<u8>]) -> Tally {
    let mut tally = Tally::default();
    let mut failures = Vec::new();
    for d in decoders {
        for input in inputs {
            tally.calls += 1;
            match catch_unwind(AssertUnwindSafe(|| (d.call)(input))) {
                Ok(Ok(())) => tally.ok += 1,
                Ok(Err(e)) if e.is_empty() => {
                    failures.push(format!("{}: empty error for {}", d.name, excerpt(input)));
                }
                Ok(Err(e)) if e.chars().count() > MAX_ERROR_LEN => failures.push(format!(
                    "{}: error of {} chars (> {MAX_ERROR_LEN}) for {}: {}…",
                    d.name,
                    e.chars().count(),
                    excerpt(input),
                    e.chars().take(200).collect::<String>()
                )),
                Ok(Err(_)) => {}
                Err(p) => {
                    let msg = p
                        .downcast_ref::<&str>()
                        .map(|s| (*s).to_owned())
                        .or_else(|| p.downcast_ref::<String>().cloned())
                        .unwrap_or_default();
                    failures.push(format!("{}: PANIC {msg:?} on {}", d.name, excerpt(input)));
                }
            }
            if failures.len() >= 10 {
                break;
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} failure(s) (first 10):\n{}",
        failures.len(),
        failures.join("\n")
    );
    tally
}
