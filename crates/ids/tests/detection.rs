//! Measures what share of typing errors the check characters catch over a large random
//! sample (deterministic seed), prints it, and asserts only what can be proved.
//!
//! Run with `cargo test -p shangyun-ids --test detection -- --nocapture` to see the figures.

use shangyun_ids::{AuthorityTable, OrgCode, USCC_ALPHABET, Uscc};

/// splitmix64: a small, seedable generator so the sample is the same on every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn pick<T: Copy>(&mut self, items: &[T]) -> Option<T> {
        let n = items.len() as u64;
        if n == 0 {
            return None;
        }
        items.get((self.next() % n) as usize).copied()
    }
}

struct Tally {
    tried: u64,
    caught: u64,
    unchanged: u64,
}

impl Tally {
    fn share(&self) -> f64 {
        self.caught as f64 / self.tried.max(1) as f64
    }
}

fn transpositions(codes: &[String], accepts: impl Fn(&str) -> bool) -> Tally {
    let mut tally = Tally {
        tried: 0,
        caught: 0,
        unchanged: 0,
    };
    for code in codes {
        let chars: Vec<char> = code.chars().collect();
        for i in 0..chars.len() - 1 {
            if chars[i] == chars[i + 1] {
                tally.unchanged += 1;
                continue;
            }
            let mut swapped = chars.clone();
            swapped.swap(i, i + 1);
            let swapped: String = swapped.into_iter().collect();
            tally.tried += 1;
            if !accepts(&swapped) {
                tally.caught += 1;
            }
        }
    }
    tally
}

const SAMPLE: usize = 100_000;

#[test]
fn uscc_catches_every_adjacent_transposition_of_different_characters() {
    let pairs: Vec<(char, char)> = AuthorityTable::embedded()
        .map(|t| t.pairs().map(|(a, e)| (a.code, e.code)).collect())
        .unwrap_or_default();
    let alphabet: Vec<char> = USCC_ALPHABET.chars().collect();
    let digits: Vec<char> = ('0'..='9').collect();
    let mut rng = Rng(20_250_101);
    let mut codes = Vec::with_capacity(SAMPLE);
    while codes.len() < SAMPLE {
        let (Some((a, t)), region, body) = (
            rng.pick(&pairs),
            (0..6).filter_map(|_| rng.pick(&digits)).collect::<String>(),
            (0..8)
                .filter_map(|_| rng.pick(&alphabet))
                .collect::<String>(),
        ) else {
            break;
        };
        if let Ok(uscc) = Uscc::compose(a, t, &region, &body) {
            codes.push(uscc.to_string());
        }
    }
    assert_eq!(codes.len(), SAMPLE);
    let tally = transpositions(&codes, |s| Uscc::parse(s).is_ok());
    println!(
        "USCC adjacent transpositions: {} of {} caught ({:.4} %), {} swaps of equal characters skipped",
        tally.caught,
        tally.tried,
        100.0 * tally.share(),
        tally.unchanged
    );
    // Provable (see the crate docs): mod 31 is prime and adjacent weights differ by a
    // factor of 3 (28 vs 1 at 17/18), so a swap of different characters always changes Σ.
    assert_eq!(tally.caught, tally.tried);
    assert!(tally.tried > 1_500_000);
}

#[test]
fn org_code_check_alone_catches_most_transpositions() {
    let body_chars: Vec<char> = ('0'..='9').chain('A'..='Z').collect();
    let digits: Vec<char> = ('0'..='9').collect();
    let mut rng = Rng(11_714);
    let mut mixed = Vec::with_capacity(SAMPLE);
    let mut numeric = Vec::with_capacity(SAMPLE);
    for _ in 0..SAMPLE {
        let body: String = (0..8).filter_map(|_| rng.pick(&body_chars)).collect();
        mixed.extend(OrgCode::from_body(&body).ok().map(|c| c.to_string()));
        let body: String = (0..8).filter_map(|_| rng.pick(&digits)).collect();
        numeric.extend(OrgCode::from_body(&body).ok().map(|c| c.to_string()));
    }
    let mixed = transpositions(&mixed, |s| OrgCode::parse(s).is_ok());
    let numeric = transpositions(&numeric, |s| OrgCode::parse(s).is_ok());
    println!(
        "organization code, body of 0-9/A-Z: {} of {} adjacent transpositions caught ({:.4} %)",
        mixed.caught,
        mixed.tried,
        100.0 * mixed.share()
    );
    println!(
        "organization code, all-digit body: {} of {} adjacent transpositions caught ({:.4} %)",
        numeric.caught,
        numeric.tried,
        100.0 * numeric.share()
    );
    // Adjacent weight differences (3,7,9,10,5,8,4,2 then 1 for the check) are all ≢ 0 mod
    // 11, so a body swap is missed only when the two values differ by a multiple of 11: for
    // uniform distinct characters of 36 that is 84 of 1260 ordered pairs (6.7 %), so > 90 %
    // is a safe bound. Digit bodies differ by < 11, so only a swap with the check can be
    // missed: position 8 = '1' and check 'X' (33·2 − 1·2 + 1 − 10 = 55 ≡ 0), about one
    // code in 110, i.e. ≈ 0.1 % of swaps; > 99 % is a safe bound.
    assert!(mixed.share() > 0.90, "{}", mixed.share());
    assert!(numeric.share() > 0.99, "{}", numeric.share());
}
