//! What the stage draws for each algorithm, from the algorithms' own code: only the two
//! ring-based algorithms have a ring. Jump hash and hash mod N have numbered buckets
//! (a server of weight `w` owns `w` consecutive ones, in the order servers joined);
//! rendezvous hashing has a score per server for each key; Maglev has its lookup table.
//! Pure, so native tests check each picture against the algorithm it draws.
use crate::algo::placement::hash_fn::{node_hash, pair_hash};
use crate::algo::placement::jump::JUMP_LCG_MULTIPLIER;
use crate::algo::placement::maglev::Maglev;
use crate::algo::placement::rendezvous::weighted_score;
use crate::algo::placement::{NodeSpec, PlacementConfig};
use crate::algo::ring_cluster::{Algorithm, RingNode};

/// What the stage shows instead of (or as) the ring.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Picture {
    /// The hash ring with each server's points (ring, bounded loads).
    Ring,
    /// Buckets `0 .. n-1` in join order (jump hash, hash mod N).
    Buckets,
    /// Each server's score for a key (rendezvous).
    Scores,
    /// The lookup table (Maglev).
    Table,
}

pub fn picture(algorithm: Algorithm) -> Picture {
    match algorithm {
        Algorithm::Ring | Algorithm::BoundedLoad => Picture::Ring,
        Algorithm::Modulo | Algorithm::Jump => Picture::Buckets,
        Algorithm::Rendezvous => Picture::Scores,
        Algorithm::Maglev => Picture::Table,
    }
}

/// One live server's place in the list the list-based algorithms use: its slot, its
/// position in join order, and its buckets `first .. first + weight`.
#[derive(Clone, Debug, PartialEq)]
pub struct ListEntry {
    pub slot: u16,
    pub name: String,
    pub first_bucket: u32,
    pub weight: u32,
}

/// The live servers in join order (the order jump hash, hash mod N and Maglev see), with
/// their buckets.
pub fn list_entries(node: &RingNode) -> Vec<ListEntry> {
    let mut next = 0;
    node.list_order()
        .iter()
        .filter_map(|&slot| {
            let spec = node
                .ring()
                .node(crate::algo::placement::NodeIndex(u32::from(slot)))?;
            let entry = ListEntry {
                slot,
                name: spec.name.clone(),
                first_bucket: next,
                weight: spec.weight,
            };
            next += spec.weight;
            Some(entry)
        })
        .collect()
}

/// The buckets a key visits under jump hash (Lamping and Veach's loop, step by step):
/// it starts in bucket 0 and jumps forward; the last bucket below `buckets` is its
/// bucket. Empty when there are no buckets.
pub fn jump_path(key: u64, buckets: u32) -> Vec<u32> {
    jump_walk(key, buckets).path
}

/// Jump hash's walk for a key and why it stops where it does.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JumpWalk {
    /// The buckets visited, from bucket 0; the last is the key's bucket.
    pub path: Vec<u32>,
    /// The jump the loop computed last, from the key's bucket: the first at or past the
    /// number of buckets, so the loop stops (0 when there are no buckets).
    pub next: i64,
}

/// [`jump_path`] and the jump that ends it: the loop of
/// [`jump_consistent_hash`](crate::algo::placement::jump::jump_consistent_hash), stop by
/// stop, keeping the `j` that failed the test `j < buckets`.
pub fn jump_walk(mut key: u64, buckets: u32) -> JumpWalk {
    let mut path = Vec::new();
    let mut j: i64 = 0;
    while j < i64::from(buckets) {
        let b = j;
        path.push(b as u32);
        key = key.wrapping_mul(JUMP_LCG_MULTIPLIER).wrapping_add(1);
        j = ((b + 1) as f64 * ((1i64 << 31) as f64 / ((key >> 33) + 1) as f64)) as i64;
    }
    JumpWalk { path, next: j }
}

/// A server's rendezvous score for a key, as a number from 0 to 1 that orders servers
/// exactly as the algorithm does: `u^(1/w)` for the pair hash's fraction `u`, which is
/// `exp(-1 / score)` of the weighted score `w / -ln(u)` (with equal weights the algorithm
/// compares the raw pair hashes, which order the servers the same way).
pub fn rendezvous_score(name: &str, weight: u32, key_hash: u64) -> f64 {
    let score = weighted_score(weight.max(1), pair_hash(node_hash(name), key_hash));
    (-1.0 / score).exp()
}

/// Each live server's score for a key, in slot order.
pub fn rendezvous_scores(node: &RingNode, key_hash: u64) -> Vec<(u16, f64)> {
    node.live_nodes()
        .map(|(slot, spec)| (slot, rendezvous_score(&spec.name, spec.weight, key_hash)))
        .collect()
}

/// How many decimals the score labels get: two, or more (up to six) until the highest
/// score reads higher than every other one (two scores 0.934 and 0.931 would both read
/// 0.93). Scores equal to six decimals are left at six.
pub fn score_decimals(scores: &[f64]) -> usize {
    let top = scores.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    (2..=6)
        .find(|&d| {
            // Compared as the labels read: scores are positive, so with the same decimals a
            // longer label is higher, and labels of one length compare as text. (Not parsed
            // back into numbers: parsing floats would cost the bundle 15 KB for this alone.)
            let shown = |s: f64| {
                let label = format!("{s:.d$}");
                (label.len(), label)
            };
            let best = shown(top);
            scores
                .iter()
                .filter(|&&s| s < top)
                .all(|&s| shown(s) < best)
        })
        .unwrap_or(6)
}

/// A score as the stage writes it, with `decimals` decimals.
pub fn score_text(score: f64, decimals: usize) -> String {
    format!("{score:.decimals$}")
}

/// The key's winner under rendezvous hashing and its score as the stage writes it: the
/// live server with the highest score (the lookup's owner).
pub fn rendezvous_winner(node: &RingNode, key_hash: u64) -> Option<(u16, String)> {
    let scores = rendezvous_scores(node, key_hash);
    let values: Vec<f64> = scores.iter().map(|s| s.1).collect();
    let decimals = score_decimals(&values);
    scores
        .iter()
        .copied()
        .reduce(|a, b| if b.1 > a.1 { b } else { a })
        .map(|(slot, score)| (slot, score_text(score, decimals)))
}

/// Maglev's lookup table as the cluster's servers' slots (entry `i` is the slot of the
/// server that holds table entry `i`), built by the algorithm itself over the servers in
/// join order. Empty if it cannot be built.
pub fn maglev_table(node: &RingNode) -> Vec<u16> {
    let entries = list_entries(node);
    let list: Vec<NodeSpec> = entries
        .iter()
        .map(|e| NodeSpec::new(e.name.clone(), e.weight))
        .collect();
    let size = PlacementConfig::default().maglev_table_size;
    Maglev::new(&list, size)
        .map(|m| {
            m.table()
                .iter()
                .map(|i| entries.get(i.get()).map_or(0, |e| e.slot))
                .collect()
        })
        .unwrap_or_default()
}

/// A window of `2 * half + 1` table entries centred on the key's entry `hash mod M`:
/// (entry index, server slot), and the key's entry.
pub fn table_window(table: &[u16], key_hash: u64, half: u32) -> (Vec<(u32, u16)>, u32) {
    let size = table.len() as u64;
    if size == 0 {
        return (Vec::new(), 0);
    }
    let at = key_hash % size;
    let window = (0..=2 * u64::from(half))
        .map(|k| (at + size + k - u64::from(half).min(size)) % size)
        .map(|i| (i as u32, table[i as usize]))
        .collect();
    (window, at as u32)
}

/// The buckets a key's lookup visits: jump hash's jumps from bucket 0 (the last is the
/// key's bucket), or hash mod N's one bucket. Empty for the other pictures.
pub fn lookup_buckets(algorithm: Algorithm, key_hash: u64, buckets: u32) -> Vec<u32> {
    match algorithm {
        Algorithm::Jump => jump_path(key_hash, buckets),
        Algorithm::Modulo if buckets > 0 => vec![(key_hash % u64::from(buckets)) as u32],
        _ => Vec::new(),
    }
}

/// The size `M` of the cluster's Maglev table.
pub fn maglev_table_size() -> u32 {
    PlacementConfig::default().maglev_table_size
}

/// How Maglev finds a key's entry: `(M, hash mod M)`, the table's size and the key's
/// entry in it, as its lookup reads it.
pub fn maglev_entry(key_hash: u64) -> (u32, u32) {
    let size = maglev_table_size();
    (size, (key_hash % u64::from(size.max(1))) as u32)
}
