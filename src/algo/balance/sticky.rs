//! Sticky strategies: consistent hashing of the session key, plain and with bounded loads,
//! both on the placement library's ring (`crate::algo::placement`).
//!
//! **Plain consistent hashing.** Each server owns `vnodes x weight` points on a ring of
//! 64-bit hashes; a session goes to the first point clockwise from the hash of its key.
//! A server that is unavailable is walked past. Walking past a server's points gives
//! exactly the owner the ring would give with that server removed, because a server's
//! points depend only on its own name: so when a server fails, only its own sessions move,
//! the fewest possible, and they come back when it returns. What it does not do is
//! balance: sessions are spread only as evenly as the arcs are (about `1/sqrt(vnodes)`
//! apart), and a popular session stays on one server whatever its load.
//!
//! **Bounded loads** (Vahab Mirrokni, Mikkel Thorup and Morteza Zadimoghaddam,
//! "Consistent Hashing with Bounded Loads", SODA 2018; HAProxy's `hash-balance-factor`).
//! Each server may hold at most `ceil(c * m * w / W)` of the balancer's open requests,
//! where `m` is the number of open requests *including the new one*, `w` its weight and
//! `W` the weight of all available servers; for equal weights that is `ceil(c * m / n)`.
//! The walk from the session's point also passes servers that are at capacity. Because
//! the capacities add up to at least `m`, some server always has room. No server is ever
//! more than `c` times the average, at the price of moving sessions away from their home
//! whenever it is busy: each balancer counts only its own requests, so this bound is per
//! balancer.
//!
//! The placement library builds the ring and hashes the keys; the walk here uses its
//! clockwise list of point owners.
use super::messages::PickReason;
use crate::algo::placement::hash_fn::key_hash;
use crate::algo::placement::{HashRing, NodeSpec};
use std::fmt;
use std::hash::{Hash, Hasher};
use std::sync::Arc;

/// The hash of a session key on the ring: xxh3 of its little-endian bytes.
pub fn session_hash(session: u32) -> u64 {
    key_hash(&session.to_le_bytes())
}

/// The servers' names on the ring (their position in the server list decides the name,
/// so every balancer builds the same ring).
pub fn server_name(index: u32) -> String {
    format!("server-{index}")
}

/// A ring shared by every balancer (built once; cloning a balancer clones a pointer). It
/// compares and hashes by what it was built from, which fixes the ring entirely.
#[derive(Clone)]
pub struct SharedRing {
    ring: Option<Arc<HashRing>>,
    weights: Vec<u32>,
    vnodes: u32,
}

impl SharedRing {
    /// The ring for servers `0..weights.len()` with these weights. A configuration the
    /// library refuses (it cannot happen within the scene's bounds) gives an empty ring,
    /// on which every pick finds no server.
    pub fn new(weights: &[u32], vnodes: u32) -> Self {
        let nodes: Vec<NodeSpec> = weights
            .iter()
            .enumerate()
            .map(|(i, &w)| NodeSpec::new(server_name(i as u32), w))
            .collect();
        SharedRing {
            ring: HashRing::new(&nodes, vnodes).ok().map(Arc::new),
            weights: weights.to_vec(),
            vnodes,
        }
    }

    /// The server owning each point, clockwise, starting at the session's point and going
    /// once round the ring.
    fn walk(&self, session: u32) -> impl Iterator<Item = u32> + '_ {
        let ring = self.ring.as_deref();
        let owners = ring.map_or(&[][..], |r| r.owners_clockwise());
        let start = ring
            .and_then(|r| r.successor_position(session_hash(session)))
            .unwrap_or(0);
        let len = owners.len();
        (0..len).map(move |step| owners[(start + step) % len].0)
    }

    /// The server that owns the session when every server is available.
    pub fn home(&self, session: u32) -> Option<u32> {
        self.walk(session).next()
    }

    /// Plain consistent hashing: the first available server clockwise.
    pub fn pick(&self, session: u32, available: &[bool]) -> Option<(u32, PickReason)> {
        if !available.contains(&true) {
            return None;
        }
        for (skipped, server) in self.walk(session).enumerate() {
            if available.get(server as usize) == Some(&true) {
                let why = PickReason::Ring {
                    skipped_unavailable: skipped as u32,
                };
                return Some((server, why));
            }
        }
        None
    }

    /// Bounded loads: the first available server clockwise with fewer than its capacity
    /// of open requests (`open[i]` at this balancer).
    pub fn pick_bounded(
        &self,
        session: u32,
        available: &[bool],
        open: &[u32],
        capacity_permille: u32,
    ) -> Option<(u32, PickReason)> {
        let live = |i: usize| available.get(i) == Some(&true);
        let total_weight: u64 = (0..self.weights.len())
            .filter(|&i| live(i))
            .map(|i| u64::from(self.weights[i]))
            .sum();
        if total_weight == 0 {
            return None;
        }
        let total_open: u64 = (0..open.len())
            .filter(|&i| live(i))
            .map(|i| u64::from(open[i]))
            .sum();
        let (mut skipped_full, mut skipped_unavailable) = (0, 0);
        for server in self.walk(session) {
            let i = server as usize;
            if !live(i) {
                skipped_unavailable += 1;
                continue;
            }
            let weight = u64::from(self.weights[i]);
            let capacity =
                bounded_capacity(total_open + 1, weight, total_weight, capacity_permille);
            if u64::from(open.get(i).copied().unwrap_or(0)) < capacity {
                let why = PickReason::Bounded {
                    capacity: capacity.min(u64::from(u32::MAX)) as u32,
                    skipped_full,
                    skipped_unavailable,
                };
                return Some((server, why));
            }
            skipped_full += 1;
        }
        None
    }
}

/// A server's capacity under bounded loads: `ceil(c * m * w / W)` with `c` in thousandths,
/// computed in integers (and never below 1).
pub fn bounded_capacity(m: u64, weight: u64, total_weight: u64, c_permille: u32) -> u64 {
    let numerator = u128::from(c_permille) * u128::from(m) * u128::from(weight);
    let denominator = 1000 * u128::from(total_weight.max(1));
    (numerator.div_ceil(denominator) as u64).max(1)
}

impl PartialEq for SharedRing {
    fn eq(&self, other: &Self) -> bool {
        self.weights == other.weights && self.vnodes == other.vnodes
    }
}

impl Eq for SharedRing {}

impl Hash for SharedRing {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.weights.hash(state);
        self.vnodes.hash(state);
    }
}

impl fmt::Debug for SharedRing {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let points = self.ring.as_ref().map_or(0, |r| r.point_count());
        write!(
            f,
            "SharedRing {{ servers: {}, vnodes: {}, points: {points} }}",
            self.weights.len(),
            self.vnodes
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn walking_past_a_server_equals_removing_it() {
        let ring = SharedRing::new(&[1, 1, 1, 1], 50);
        let mut smaller = HashRing::new(&[0, 1, 3].map(|i| NodeSpec::new(server_name(i), 1)), 50)
            .expect("valid ring");
        let available = [true, true, false, true];
        for session in 0..2_000 {
            let (server, _) = ring.pick(session, &available).expect("a server");
            let name = smaller
                .owner(session_hash(session))
                .and_then(|i| smaller.node(i))
                .map(|n| n.name.clone());
            assert_eq!(Some(server_name(server)), name, "session {session}");
        }
        // And the library agrees that removing server 2 moves only its own sessions.
        let keys: Vec<u64> = (0..2_000).map(session_hash).collect();
        let moves = smaller
            .add_node(NodeSpec::new(server_name(2), 1), &keys)
            .expect("add");
        assert!(
            moves.len() > 300,
            "about a quarter of 2000 sessions move back"
        );
        for m in &moves {
            let to = smaller.node(m.to).map(|n| n.name.as_str());
            assert_eq!(to, Some("server-2"));
        }
    }

    #[test]
    fn capacities_follow_the_paper() {
        // c = 1.25, 4 servers of equal weight, 9 open requests + the new one.
        assert_eq!(bounded_capacity(10, 1, 4, 1_250), 4); // ceil(3.125)
        assert_eq!(bounded_capacity(1, 1, 4, 1_000), 1);
        assert_eq!(bounded_capacity(8, 2, 4, 1_000), 4);
    }
}
