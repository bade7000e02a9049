//! The cluster's state: the ring, the keys and their owners, and what the views read.
use super::config::{churn_budget, Algorithm, RingConfig, KEY_SPACE};
use super::keys::KeyNaming;
use super::placing::{capacity, count_loads, join_order, place, slot_count};
use super::report::{Change, ListPlace, Lookup, Rejection};
use crate::algo::placement::{HashRing, NodeIndex, NodeSpec};
use std::rc::Rc;

/// The cluster: ring, keys, owners, and the last change (see the module documentation).
///
/// The large parts sit behind `Rc`, so that the timeline's checkpoints (clones of the
/// whole world) share them until a change replaces them.
#[derive(Clone, Debug)]
pub struct RingNode {
    pub(super) config: Rc<RingConfig>,
    pub(super) key_naming: KeyNaming,
    pub(super) ring: Rc<HashRing>,
    pub(super) key_hashes: Rc<Vec<u64>>,
    /// Owner slot per key.
    pub(super) owners: Rc<Vec<u16>>,
    /// Keys per slot.
    pub(super) loads: Vec<u32>,
    /// Servers that failed (and may recover), with their weights.
    pub(super) failed: Vec<NodeSpec>,
    /// The live servers' slots in the order they joined, a newcomer last: the list the
    /// list-based algorithms (modulo, jump, Maglev) place keys over.
    pub(super) order: Vec<u16>,
    /// The same list with each failed server still at the place it had when it failed:
    /// what the list pictures draw (see [`RingNode::list_places`]). Placement never reads
    /// it.
    pub(super) places: Vec<ListPlace>,
    /// The units the list pictures' circle is divided into (see
    /// [`RingNode::list_scale`]). Only a drawing reads it, and it follows from the
    /// history of `places`: it is not part of the state's fingerprint.
    pub(super) list_scale: u32,
    /// The number in the next churn-made name `node-<n>`.
    pub(super) next_number: u32,
    pub(super) churn_left: u32,
    pub(super) handled: u64,
    pub(super) changes: u32,
    pub(super) last_change: Option<Rc<Change>>,
    pub(super) lookup: Option<Rc<Lookup>>,
    pub(super) rejection: Option<Rc<Rejection>>,
}

/// A run's state for fingerprints. The configuration and the ring follow from the run's
/// parameters and the membership; the key owners, loads, failures and counters say what
/// can differ between two states (the last change, lookup and rejection are reports about
/// the step that made them, counted by `changes` and `handled`).
impl RingNode {
    pub(super) fn fingerprint_parts(&self) -> impl std::hash::Hash + PartialEq + '_ {
        (
            (self.key_naming, &self.owners, &self.loads, &self.failed),
            (&self.order, &self.places),
            (
                self.next_number,
                self.churn_left,
                self.handled,
                self.changes,
            ),
        )
    }
}

impl PartialEq for RingNode {
    fn eq(&self, other: &Self) -> bool {
        self.fingerprint_parts() == other.fingerprint_parts()
    }
}

impl Eq for RingNode {}

impl std::hash::Hash for RingNode {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.fingerprint_parts().hash(state);
    }
}

/// One server's row for the histogram.
#[derive(Clone, Debug, PartialEq)]
pub struct NodeRow {
    pub slot: u16,
    pub name: String,
    pub weight: u32,
    pub keys: u32,
    /// Its fair share of the keys: `K * w / W`.
    pub fair: f64,
    /// The bounded-load capacity, for that algorithm.
    pub cap: Option<u64>,
}

/// How evenly keys are spread.
#[derive(Clone, Debug, PartialEq)]
pub struct LoadSummary {
    pub mean: f64,
    /// The root-mean-square distance of the servers' key counts from their fair shares
    /// (with equal weights: the standard deviation of the counts).
    pub std_dev: f64,
    /// The highest ratio of a server's keys to its fair share (the keys times its part of
    /// the total weight): 1.0 is perfect. With unequal weights this is not the busiest
    /// server over the mean: a server of weight 3 may hold three times the mean and still
    /// be at its fair share.
    pub peak_over_fair_share: f64,
}

impl RingNode {
    /// Builds the cluster: the ring, the seeded key set and every key's owner.
    pub fn new(config: &RingConfig, seed: u64) -> Result<Self, String> {
        config.validate().map_err(|e| e.to_string())?;
        let ring =
            HashRing::with_scheme(&config.nodes, config.scheme()).map_err(|e| e.to_string())?;
        let key_naming = KeyNaming::new(seed);
        let mut scratch = String::new();
        let key_hashes: Vec<u64> = (0..config.key_count)
            .map(|i| {
                use std::fmt::Write;
                scratch.clear();
                let n = (key_naming.offset + u64::from(i) * key_naming.stride) % KEY_SPACE;
                let _ = write!(scratch, "key-{n:07}");
                ring.hash_key(scratch.as_bytes())
            })
            .collect();
        let order = join_order(&[], &ring);
        let places = order.iter().map(|&slot| ListPlace::Live(slot)).collect();
        let owners = place(config, &ring, &order, &key_hashes)?;
        let loads = count_loads(&owners, slot_count(&ring));
        let mut node = RingNode {
            next_number: config.nodes.len() as u32 + 1,
            config: Rc::new(config.clone()),
            key_naming,
            ring: Rc::new(ring),
            key_hashes: Rc::new(key_hashes),
            owners: Rc::new(owners),
            loads,
            failed: Vec::new(),
            order,
            places,
            list_scale: 0,
            churn_left: churn_budget(config),
            handled: 0,
            changes: 0,
            last_change: None,
            lookup: None,
            rejection: None,
        };
        node.list_scale = next_list_scale(0, node.drawn_units());
        Ok(node)
    }

    pub fn config(&self) -> &RingConfig {
        &self.config
    }

    pub fn ring(&self) -> &HashRing {
        &self.ring
    }

    /// The ring behind its `Rc` (its address identifies a version, for caching drawings).
    pub fn ring_rc(&self) -> &Rc<HashRing> {
        &self.ring
    }

    pub fn key_hashes(&self) -> &Rc<Vec<u64>> {
        &self.key_hashes
    }

    /// Owner slot per key.
    pub fn owners(&self) -> &Rc<Vec<u16>> {
        &self.owners
    }

    /// Keys per slot (0 for free slots).
    pub fn loads(&self) -> &[u32] {
        &self.loads
    }

    pub fn key_count(&self) -> u32 {
        self.key_hashes.len() as u32
    }

    pub fn key_name(&self, index: u32) -> String {
        self.key_naming.name(index)
    }

    pub fn key_naming(&self) -> KeyNaming {
        self.key_naming
    }

    pub fn failed(&self) -> &[NodeSpec] {
        &self.failed
    }

    /// How many handler calls (start, timers, commands) the cluster has handled: the
    /// last change or lookup is "current" when it was made by the latest one.
    pub fn handled(&self) -> u64 {
        self.handled
    }

    pub fn changes(&self) -> u32 {
        self.changes
    }

    pub fn last_change(&self) -> Option<&Change> {
        self.last_change.as_deref()
    }

    /// The last change behind its `Rc` (its address identifies it, for caching drawings).
    pub fn last_change_rc(&self) -> Option<&Rc<Change>> {
        self.last_change.as_ref()
    }

    pub fn lookup(&self) -> Option<&Lookup> {
        self.lookup.as_deref()
    }

    pub fn lookup_rc(&self) -> Option<&Rc<Lookup>> {
        self.lookup.as_ref()
    }

    pub fn rejection_rc(&self) -> Option<&Rc<Rejection>> {
        self.rejection.as_ref()
    }

    /// The configuration behind its `Rc`.
    pub fn config_rc(&self) -> &Rc<RingConfig> {
        &self.config
    }

    pub fn rejection(&self) -> Option<&Rejection> {
        self.rejection.as_deref()
    }

    pub fn churn_left(&self) -> u32 {
        self.churn_left
    }

    /// The live servers: (slot, spec), in slot order.
    pub fn live_nodes(&self) -> impl Iterator<Item = (u16, &NodeSpec)> + '_ {
        self.ring.nodes().map(|(i, n)| (i.0 as u16, n))
    }

    /// The name of the server in `slot`, if it is live.
    pub fn node_name(&self, slot: u16) -> Option<&str> {
        self.ring
            .node(NodeIndex(u32::from(slot)))
            .map(|n| n.name.as_str())
    }

    /// The live servers' slots in the order the list-based algorithms (modulo, jump,
    /// Maglev) see them: the order they joined, a newcomer always last. A server's buckets
    /// (modulo, jump) and its turn in each round of Maglev's table filling follow its
    /// place here, so a join never renumbers the servers already there.
    pub fn list_order(&self) -> &[u16] {
        &self.order
    }

    /// The list as the list pictures draw it: the live servers in [`RingNode::list_order`],
    /// with each failed server (by name) at the place it had in the list when it failed,
    /// until it recovers (a recovery is a join: the server comes back last). Only a
    /// drawing reads it: a failed server's place keeps the survivors after it where they
    /// were. Its live entries are exactly `list_order`, in the same order.
    pub fn list_places(&self) -> &[ListPlace] {
        &self.places
    }

    /// A place's width on the list pictures' circle: its server's weight.
    pub fn place_weight(&self, place: &ListPlace) -> u32 {
        match place {
            ListPlace::Live(slot) => self
                .ring
                .node(NodeIndex(u32::from(*slot)))
                .map_or(0, |n| n.weight),
            ListPlace::Failed(name) => self
                .failed
                .iter()
                .find(|f| &f.name == name)
                .map_or(0, |f| f.weight),
            ListPlace::Gone { weight, .. } => *weight,
        }
    }

    /// The units the places take: the live servers' weights and the ghosts'.
    pub fn drawn_units(&self) -> u32 {
        self.places.iter().map(|p| self.place_weight(p)).sum()
    }

    /// How many units (of weight: jump hash's and hash mod N's buckets) the list
    /// pictures' whole circle holds. The places fill it from the top, clockwise; the rest
    /// is room for servers that join. It changes only when a change would overflow it (or
    /// leave less than a third of it used), so that a join or a weight change moves no
    /// server that keeps its place in the list.
    pub fn list_scale(&self) -> u32 {
        self.list_scale.max(self.drawn_units()).max(1)
    }

    /// The first `node-<n>` name not in use by a live or failed server. It may still be
    /// refused (the ring may be full): offer [`RingNode::join_suggestion`] instead.
    pub fn suggested_name(&self) -> String {
        let mut n = self.next_number;
        loop {
            let name = format!("node-{n}");
            if self.ring.index_of(&name).is_none() && !self.failed.iter().any(|f| f.name == name) {
                return name;
            }
            n += 1;
        }
    }

    /// Rows for the histogram, in slot order.
    pub fn node_rows(&self) -> Vec<NodeRow> {
        let total_weight: u64 = self.live_nodes().map(|(_, n)| u64::from(n.weight)).sum();
        let keys = u64::from(self.key_count());
        let bounded = self.config.algorithm == Algorithm::BoundedLoad;
        self.live_nodes()
            .map(|(slot, node)| NodeRow {
                slot,
                name: node.name.clone(),
                weight: node.weight,
                keys: self.loads.get(usize::from(slot)).copied().unwrap_or(0),
                fair: if total_weight == 0 {
                    0.0
                } else {
                    keys as f64 * f64::from(node.weight) / total_weight as f64
                },
                cap: bounded.then(|| {
                    capacity(
                        keys,
                        u64::from(node.weight),
                        total_weight,
                        self.config.capacity_factor(),
                    )
                }),
            })
            .collect()
    }

    /// Mean and standard deviation of the keys per server, and the peak over fair share.
    pub fn load_summary(&self) -> LoadSummary {
        let rows = self.node_rows();
        let counts: Vec<f64> = rows.iter().map(|r| f64::from(r.keys)).collect();
        let mean = if counts.is_empty() {
            0.0
        } else {
            counts.iter().sum::<f64>() / counts.len() as f64
        };
        let peak_over_fair_share = rows
            .iter()
            .filter(|r| r.fair > 0.0)
            .map(|r| f64::from(r.keys) / r.fair)
            .fold(0.0, f64::max);
        // Spread around each server's own fair share, not around the mean: with weights
        // 1, 1, 2, 4 the servers *should* differ, and a spread around the mean would call a
        // perfectly weighted ring badly balanced. With equal weights the two are the same.
        let off_share: Vec<f64> = rows.iter().map(|r| f64::from(r.keys) - r.fair).collect();
        let std_dev = if off_share.is_empty() {
            0.0
        } else {
            (off_share.iter().map(|d| d * d).sum::<f64>() / off_share.len() as f64).sqrt()
        };
        LoadSummary {
            mean,
            std_dev,
            peak_over_fair_share,
        }
    }
}

/// The units the list pictures' circle is divided into, after a change that leaves
/// `drawn` units drawn (the live servers' weights and the ghosts'), from `scale` before
/// it: unchanged while everything fits and more than a third of it is used, so that a
/// join, a weight change or a leave moves no sector it does not have to and the circle
/// keeps its scale; else half as much again as is drawn, leaving room for joins.
pub(super) fn next_list_scale(scale: u32, drawn: u32) -> u32 {
    if drawn > scale || drawn.saturating_mul(3) < scale {
        drawn + drawn.div_ceil(2)
    } else {
        scale
    }
}
