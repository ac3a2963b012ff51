//! Mutations of valid input files, for the fuzz driver and the property tests: each makes one
//! change of a kind that hand-written or exported files have (a deleted or repeated line, a
//! swapped type, a huge number, NaN, deep nesting, a cut, random bytes).
#![allow(
    clippy::many_single_char_names,
    reason = "byte positions and lengths of a mutation (a, b, n, i, j)"
)]
use osteodx::research::simulate::SplitMix64;

/// The kinds of mutation, in the order [`mutate`] draws them.
pub const KINDS: [&str; 12] = [
    "flip a byte",
    "delete a range",
    "insert random bytes",
    "duplicate a range",
    "delete a line",
    "swap two lines",
    "repeat a line",
    "replace a number",
    "swap a type",
    "nest deeply",
    "truncate",
    "repeat an id",
];

/// One mutation of `seed`, drawn with `rng`: (the kind, the new bytes).
pub fn mutate(seed: &[u8], rng: &mut SplitMix64) -> (&'static str, Vec<u8>) {
    let mut b = seed.to_vec();
    let n = b.len().max(1);
    let kind = rng.below(KINDS.len());
    let lines = |b: &[u8]| -> Vec<Vec<u8>> { b.split(|&c| c == b'\n').map(<[u8]>::to_vec).collect() };
    let join = |l: Vec<Vec<u8>>| l.join(&b'\n');
    match kind {
        0 if !b.is_empty() => {
            let i = rng.below(b.len());
            b[i] ^= 1 << rng.below(8);
        }
        1 if !b.is_empty() => {
            let i = rng.below(b.len());
            let len = 1 + rng.below(16.min(b.len() - i));
            b.drain(i..i + len);
        }
        2 => {
            let i = rng.below(n);
            let junk: Vec<u8> = (0..=rng.below(8)).map(|_| rng.below(256) as u8).collect();
            b.splice(i.min(b.len())..i.min(b.len()), junk);
        }
        3 if !b.is_empty() => {
            let i = rng.below(b.len());
            let len = 1 + rng.below(64.min(b.len() - i));
            let part = b[i..i + len].to_vec();
            b.splice(i..i, part);
        }
        4 => {
            let mut l = lines(&b);
            l.remove(rng.below(l.len()));
            b = join(l);
        }
        5 => {
            let mut l = lines(&b);
            let (i, j) = (rng.below(l.len()), rng.below(l.len()));
            l.swap(i, j);
            b = join(l);
        }
        6 => {
            let mut l = lines(&b);
            let i = rng.below(l.len());
            let times = [2, 10, 1000][rng.below(3)];
            let line = l[i].clone();
            l.splice(i..i, std::iter::repeat_n(line, times));
            b = join(l);
        }
        7 => {
            // A number becomes an extreme or not a number.
            let digits: Vec<usize> = (0..b.len()).filter(|&i| b[i].is_ascii_digit()).collect();
            if let Some(&i) = digits.get(rng.below(digits.len().max(1))) {
                let mut j = i;
                while j < b.len() && (b[j].is_ascii_digit() || b[j] == b'.' || b[j] == b'e' || b[j] == b'-') {
                    j += 1;
                }
                let with = [
                    "1e308",
                    "-1",
                    "0",
                    "1e-300",
                    "NaN",
                    "nan",
                    "inf",
                    "4.9e-324",
                    "99999999999999999999",
                    "-0",
                ];
                b.splice(i..j, with[rng.below(with.len())].bytes());
            }
        }
        8 => {
            // A value of one type where another is expected.
            let quotes: Vec<usize> = (0..b.len()).filter(|&i| b[i] == b'"').collect();
            if let Some(&i) = quotes.get(rng.below(quotes.len().max(1))) {
                let with = ["[]", "{}", "true", "1", "null", "[[[]]]"];
                let end = b[i + 1..]
                    .iter()
                    .position(|&c| c == b'"')
                    .map_or(b.len(), |p| i + 2 + p);
                b.splice(i..end, with[rng.below(with.len())].bytes());
            }
        }
        9 => {
            let i = rng.below(n).min(b.len());
            let depth = [64, 1000, 100_000][rng.below(3)];
            let open = if seed.first() == Some(&b'{') { "[" } else { "a = [" };
            let mut deep = open.as_bytes().to_vec();
            deep.extend(std::iter::repeat_n(b'[', depth));
            b.splice(i..i, deep);
        }
        10 => b.truncate(rng.below(n)),
        _ => {
            // One id repeated: a line holding `id` copied 100,000 times.
            let mut l = lines(&b);
            if let Some(i) = l.iter().position(|x| x.windows(2).any(|w| w == b"id")) {
                let line = l[i].clone();
                l.splice(i..i, std::iter::repeat_n(line, 100_000));
            }
            b = join(l);
        }
    }
    (KINDS[kind], b)
}
