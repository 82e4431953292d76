//! The index against a brute-force model: the same pages, through the cursor, after random
//! inserts, replacements (name, region or flags changed) and removals, across pending lists,
//! merges and rebuilds.

use crate::{
    After, Latest, Listing, ListingIndex, ListingIndexBuilder, Query, SizeClass, SortBy, Tiers,
};
use std::collections::BTreeMap;

/// xorshift64*: deterministic and dependency-free.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

#[derive(Debug, Clone)]
struct Firm {
    uscc: String,
    name: String,
    region: String,
    industry: String,
    latest: Option<Latest>,
}

impl Firm {
    fn listing(&self) -> Listing<'_> {
        Listing {
            uscc: &self.uscc,
            name: &self.name,
            region: &self.region,
            industry: &self.industry,
            latest: self.latest,
        }
    }
}

const REGIONS: [&str; 8] = [
    "330106", "330108", "330201", "330000", "110101", "110105", "440305", "440106",
];
const INDUSTRIES: [&str; 7] = ["6511", "6512", "651", "65", "1311", "1320", "5211"];
const CHARS: [&str; 9] = ["华", "创", "科", "技", "贸", "易", "A", "b", "中"];
const TIERS: [Tiers; 3] = [Tiers::INNOVATIVE, Tiers::SPECIALIZED, Tiers::LITTLE_GIANT];
const SIZES: [&str; 5] = ["large", "medium", "small", "micro", "?"];

fn random_firm(rng: &mut Rng, uscc: String) -> Firm {
    let name: String = (0..1 + rng.below(5)).map(|_| *rng.pick(&CHARS)).collect();
    let latest = (rng.below(5) > 0).then(|| {
        let mut eligible = Tiers::NONE;
        let mut candidate = Tiers::NONE;
        for tier in TIERS {
            match rng.below(6) {
                0 => {
                    eligible = eligible.with(tier);
                    candidate = candidate.with(tier);
                }
                1 | 2 => candidate = candidate.with(tier),
                _ => {}
            }
        }
        Latest {
            size_class: SizeClass::from_stored(Some(*rng.pick(&SIZES))),
            eligible,
            candidate,
        }
    });
    Firm {
        uscc,
        name,
        region: rng.pick(&REGIONS).to_string(),
        industry: rng.pick(&INDUSTRIES).to_string(),
        latest,
    }
}

fn random_uscc(rng: &mut Rng) -> String {
    const ALPHABET: &[u8] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";
    (0..1 + rng.below(18))
        .map(|_| char::from(*rng.pick(ALPHABET)))
        .collect()
}

fn random_query(rng: &mut Rng) -> Query {
    let region = match rng.below(4) {
        0 => None,
        1 => Some(rng.pick(&["33", "11", "44", "12"]).to_string()),
        2 => Some(rng.pick(&["3301", "3302", "1101", "4403"]).to_string()),
        _ => Some(rng.pick(&REGIONS).to_string()),
    };
    let industries = (0..rng.below(3))
        .map(|_| {
            rng.pick(&["65", "651", "6511", "13", "1320", "52"])
                .to_string()
        })
        .collect();
    let size_classes = (0..rng.below(3))
        .map(|_| SizeClass::from_stored(Some(*rng.pick(&SIZES[..4]))))
        .collect();
    let tiers = |rng: &mut Rng| {
        (0..rng.below(3))
            .map(|_| *rng.pick(&TIERS))
            .fold(Tiers::NONE, Tiers::with)
    };
    let eligible_for = if rng.below(3) == 0 {
        tiers(rng)
    } else {
        Tiers::NONE
    };
    let candidate_for = if rng.below(3) == 0 {
        tiers(rng)
    } else {
        Tiers::NONE
    };
    let name_contains = match rng.below(3) {
        0 => None,
        _ => Some((0..rng.below(3)).map(|_| *rng.pick(&CHARS)).collect()),
    };
    Query {
        region,
        industries,
        size_classes,
        eligible_for,
        candidate_for,
        name_contains,
        sort: *rng.pick(&[SortBy::Uscc, SortBy::Name, SortBy::Region]),
        descending: rng.below(2) == 0,
        after: None,
        limit: 1 + rng.below(40),
    }
}

/// The filter and order spelled out plainly over the model.
fn expected(model: &BTreeMap<String, Firm>, q: &Query) -> Vec<String> {
    let sort_value = |f: &Firm| -> String {
        match q.sort {
            SortBy::Uscc => String::new(),
            SortBy::Name => f.name.clone(),
            SortBy::Region => f.region.clone(),
        }
    };
    let mut rows: Vec<&Firm> = model
        .values()
        .filter(|f| {
            q.region
                .as_ref()
                .is_none_or(|r| f.region.starts_with(r.as_str()))
        })
        .filter(|f| {
            q.industries.is_empty()
                || q.industries
                    .iter()
                    .any(|p| f.industry.starts_with(p.as_str()))
        })
        .filter(|f| {
            q.size_classes.is_empty()
                || f.latest.is_some_and(|l| {
                    l.size_class != SizeClass::NONE && q.size_classes.contains(&l.size_class)
                })
        })
        .filter(|f| {
            q.eligible_for.is_empty()
                || f.latest
                    .is_some_and(|l| l.eligible.bits() & q.eligible_for.bits() != 0)
        })
        .filter(|f| {
            q.candidate_for.is_empty()
                || f.latest
                    .is_some_and(|l| l.candidate.bits() & q.candidate_for.bits() != 0)
        })
        .filter(|f| {
            q.name_contains
                .as_ref()
                .is_none_or(|n| f.name.contains(n.as_str()))
        })
        .filter(|f| match &q.after {
            None => true,
            Some(a) => {
                let mine = (sort_value(f), f.uscc.clone());
                let theirs = (
                    if q.sort == SortBy::Uscc {
                        String::new()
                    } else {
                        a.value.clone()
                    },
                    a.uscc.clone(),
                );
                if q.descending {
                    mine < theirs
                } else {
                    mine > theirs
                }
            }
        })
        .collect();
    rows.sort_by(|a, b| (sort_value(a), &a.uscc).cmp(&(sort_value(b), &b.uscc)));
    if q.descending {
        rows.reverse();
    }
    rows.iter()
        .take(q.limit.max(1))
        .map(|f| f.uscc.clone())
        .collect()
}

/// Pages through `q` on both and compares every page.
fn check_pages(index: &ListingIndex, model: &BTreeMap<String, Firm>, mut q: Query) {
    for _ in 0..4 {
        let got = index.query(&q).expect("covered");
        let want = expected(model, &q);
        assert_eq!(got, want, "{q:?}");
        let Some(last) = got.last().filter(|_| got.len() == q.limit.max(1)) else {
            return;
        };
        let firm = &model[last];
        q.after = Some(After {
            value: match q.sort {
                SortBy::Uscc => String::new(),
                SortBy::Name => firm.name.clone(),
                SortBy::Region => firm.region.clone(),
            },
            uscc: last.clone(),
        });
    }
}

#[test]
fn pages_match_the_model_through_updates() {
    let mut rng = Rng(0x5EED);
    let mut model: BTreeMap<String, Firm> = BTreeMap::new();
    for _ in 0..3000 {
        let uscc = random_uscc(&mut rng);
        model.insert(uscc.clone(), random_firm(&mut rng, uscc));
    }
    // Built in two parts, to go through the builder.
    let firms: Vec<&Firm> = model.values().collect();
    let (first, second) = firms.split_at(firms.len() / 2);
    let mut builder = ListingIndexBuilder::default();
    builder.add_all(first.iter().map(|f| f.listing()));
    builder.add_all(second.iter().map(|f| f.listing()));
    let mut index = builder.finish();
    assert_eq!(index.len(), model.len());
    for round in 0..40 {
        for _ in 0..25 {
            let q = random_query(&mut rng);
            check_pages(&index, &model, q);
        }
        // A batch of changes: new firms, replaced ones (some only flags), removals.
        let mut batch = Vec::new();
        for _ in 0..rng.below(400) {
            let uscc = if rng.below(2) == 0 || model.is_empty() {
                random_uscc(&mut rng)
            } else {
                let i = rng.below(model.len());
                model.keys().nth(i).cloned().unwrap_or_default()
            };
            let mut firm = random_firm(&mut rng, uscc.clone());
            if let Some(old) = model.get(&uscc).filter(|_| rng.below(2) == 0) {
                firm.name = old.name.clone();
                firm.region = old.region.clone();
            }
            batch.push(firm.clone());
            model.insert(uscc, firm);
        }
        index.upsert_all(batch.iter().map(Firm::listing));
        let removed: Vec<String> = (0..rng.below(60))
            .filter_map(|_| {
                let i = rng.below(model.len().max(1));
                model.keys().nth(i).cloned()
            })
            .collect();
        for uscc in &removed {
            model.remove(uscc);
        }
        index.remove_all(removed.iter().map(String::as_str));
        assert_eq!(index.len(), model.len(), "round {round}");
    }
}

#[test]
fn bulk_growth_merges_and_rebuilds() {
    let mut rng = Rng(7);
    let mut model: BTreeMap<String, Firm> = BTreeMap::new();
    let mut index = ListingIndex::default();
    // Batches of a growing import: pending lists merge into the runs on the way.
    for _ in 0..12 {
        let batch: Vec<Firm> = (0..1500)
            .map(|_| {
                let uscc = random_uscc(&mut rng);
                random_firm(&mut rng, uscc)
            })
            .collect();
        for f in &batch {
            model.insert(f.uscc.clone(), f.clone());
        }
        index.upsert_all(batch.iter().map(Firm::listing));
    }
    // Many renames: dead slots pile up and force a rebuild.
    let renamed: Vec<Firm> = model
        .values()
        .take(9000)
        .map(|f| Firm {
            name: format!("{}华", f.name),
            ..f.clone()
        })
        .collect();
    for f in &renamed {
        model.insert(f.uscc.clone(), f.clone());
    }
    index.upsert_all(renamed.iter().map(Firm::listing));
    for _ in 0..200 {
        let q = random_query(&mut rng);
        check_pages(&index, &model, q);
    }
    assert!(index.heap_bytes() > 0);
}

#[test]
fn unrepresentable_keys_make_the_index_decline() {
    let good = Listing {
        uscc: "A1",
        name: "甲",
        region: "330106",
        industry: "65",
        latest: None,
    };
    let mut index = ListingIndex::build([good]);
    let q = Query {
        limit: 10,
        ..Query::default()
    };
    assert_eq!(index.query(&q), Some(vec!["A1".to_owned()]));
    index.upsert_all([Listing {
        region: "33010",
        ..good
    }]);
    assert_eq!(index.query(&q), None);
    index.upsert_all([good]);
    assert_eq!(index.query(&q), Some(vec!["A1".to_owned()]));
    // A malformed cursor or region: the caller asks the database (which reports the error).
    let bad_cursor = Query {
        after: Some(After {
            value: String::new(),
            uscc: "A-1".into(),
        }),
        ..q.clone()
    };
    assert_eq!(index.query(&bad_cursor), None);
}

#[test]
fn rare_flags_skip_blocks_and_stay_exact() {
    let mut rng = Rng(99);
    let mut model: BTreeMap<String, Firm> = BTreeMap::new();
    for _ in 0..20_000 {
        let uscc = random_uscc(&mut rng);
        let mut firm = random_firm(&mut rng, uscc.clone());
        // Almost nobody eligible or a candidate, few medium-sized: most blocks are skipped.
        if rng.below(150) == 0 {
            firm.latest = Some(Latest {
                size_class: SizeClass::from_stored(Some("medium")),
                eligible: *rng.pick(&TIERS),
                candidate: *rng.pick(&TIERS),
            });
            model.insert(uscc, firm);
            continue;
        }
        firm.latest = firm.latest.map(|l| Latest {
            eligible: Tiers::NONE,
            candidate: Tiers::NONE,
            size_class: if l.size_class == SizeClass::from_stored(Some("medium")) {
                SizeClass::from_stored(Some("micro"))
            } else {
                l.size_class
            },
        });
        model.insert(uscc, firm);
    }
    let mut index = ListingIndex::build(model.values().map(Firm::listing));
    let rare = |rng: &mut Rng, model: &BTreeMap<String, Firm>| -> Vec<Firm> {
        let mut out = Vec::new();
        for _ in 0..40 {
            let Some(mut f) = model.values().nth(rng.below(model.len())).cloned() else {
                continue;
            };
            f.latest = Some(Latest {
                size_class: SizeClass::from_stored(Some("medium")),
                eligible: *rng.pick(&TIERS),
                candidate: *rng.pick(&TIERS),
            });
            out.push(f);
        }
        out
    };
    for round in 0..6 {
        // Flags granted in place (name and region unchanged), and some taken away.
        let granted = rare(&mut rng, &model);
        for f in &granted {
            model.insert(f.uscc.clone(), f.clone());
        }
        index.upsert_all(granted.iter().map(Firm::listing));
        // Revoked in place, among those in the runs since the build.
        let revoked: Vec<Firm> = model
            .values()
            .filter(|f| f.latest.is_some_and(|l| !l.eligible.is_empty()))
            .take(5 * round)
            .map(|f| Firm {
                latest: None,
                ..f.clone()
            })
            .collect();
        for f in &revoked {
            model.insert(f.uscc.clone(), f.clone());
        }
        index.upsert_all(revoked.iter().map(Firm::listing));
        for _ in 0..60 {
            let mut q = random_query(&mut rng);
            match rng.below(3) {
                0 => q.eligible_for = *rng.pick(&TIERS),
                1 => q.candidate_for = *rng.pick(&TIERS),
                _ => q.size_classes = vec![SizeClass::from_stored(Some("medium"))],
            }
            q.name_contains = None;
            check_pages(&index, &model, q);
        }
    }
}
