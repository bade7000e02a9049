//! The fast Log Matching check (chains compared once per term) against its definition,
//! checked entry by entry, on thousands of random pairs of logs.
use dsviz::algo::raft::{Command, Entry, Log, Members, Term};
use dsviz::sim::SimRng;

/// Log Matching by its definition: an index where both logs hold an entry of the same term
/// while some earlier entry differs.
fn slow_conflict(a: &[(u64, Entry)], b: &[(u64, Entry)]) -> bool {
    for (i, ea) in a {
        let Some((_, eb)) = b.iter().find(|(j, _)| j == i) else {
            continue;
        };
        if ea.term != eb.term {
            continue;
        }
        let prefix = |log: &[(u64, Entry)]| -> Vec<(u64, Entry)> {
            log.iter().filter(|(j, _)| j <= i).copied().collect()
        };
        if prefix(a) != prefix(b) {
            return true;
        }
    }
    false
}

/// A random log grown from a shared history: it copies a prefix of `truth`, then appends
/// entries of its own, possibly reusing terms in a way a broken protocol could.
fn random_log(rng: &mut SimRng, truth: &[Entry]) -> (Log, Vec<(u64, Entry)>) {
    let mut log = Log::new(Members::first(3));
    let mut full = Vec::new();
    let shared = rng.below(truth.len() as u64 + 1) as usize;
    for e in &truth[..shared] {
        let i = log.append(*e);
        full.push((i, *e));
    }
    let mut term: Term = full.last().map_or(1, |(_, e)| e.term);
    for _ in 0..rng.below(4) {
        term += rng.below(2);
        let command = if rng.chance(0.5) {
            Command::Noop
        } else {
            Command::Config(Members::first(1 + rng.below(4) as u32))
        };
        let e = Entry { term, command };
        let i = log.append(e);
        full.push((i, e));
    }
    if rng.chance(0.2) && !log.is_empty() {
        let from = 1 + rng.below(log.last_index());
        log.truncate_from(from);
        full.retain(|(i, _)| *i < from);
    }
    (log, full)
}

#[test]
fn fast_log_matching_agrees_with_its_definition() {
    let mut rng = SimRng::new(11);
    let (mut conflicts, mut clean) = (0, 0);
    for round in 0..5_000 {
        let mut truth = Vec::new();
        let mut term = 1;
        for _ in 0..rng.between(1, 8) {
            term += rng.below(2);
            truth.push(Entry {
                term,
                command: Command::Noop,
            });
        }
        let (a, fa) = random_log(&mut rng, &truth);
        let (mut b, fb) = random_log(&mut rng, &truth);
        // Sometimes compact a prefix both logs share, as a snapshot would (only committed
        // entries are compacted, and those are the same everywhere). The definition still
        // reads the whole of both logs.
        let common = fa.iter().zip(&fb).take_while(|(x, y)| x == y).count() as u64;
        if common > 1 && rng.chance(0.3) {
            b.compact(rng.between(1, common - 1));
        }
        let slow = slow_conflict(&fa, &fb);
        let fast = a.matching_conflict(&b).is_some();
        assert_eq!(fast, slow, "round {round}: {fa:?} vs {fb:?}");
        assert_eq!(
            fast,
            b.matching_conflict(&a).is_some(),
            "round {round}: symmetric"
        );
        if fast {
            conflicts += 1;
        } else {
            clean += 1;
        }
    }
    assert!(
        conflicts > 200 && clean > 200,
        "{conflicts} conflicts, {clean} clean"
    );
}
