//! Side-by-side comparison of the placement algorithms on the same nodes and keys.
//!
//! **What it measures.** For one node list and one key set, each algorithm is built three
//! times: as given, after a node joins, and after a node leaves. It reports how many keys
//! changed owner in each case (next to the ideal: the joining node's fair share, and the
//! leaving node's fair share), how unevenly keys are spread (peak-to-mean: the busiest
//! node's keys over its fair share), how much memory the lookup structure takes, and the
//! cost of a lookup, both in words and, if the caller passes a clock, in nanoseconds.
//!
//! **How to read it.** Modulo moves nearly everything on any change. Jump hash is ideal
//! when the joining node is appended, but removing a node from the middle renumbers the
//! nodes after it, so many keys move. The ring and rendezvous move about the ideal
//! number; Maglev a little more; bounded loads more again (overflow cascades) in exchange
//! for a hard cap on peak-to-mean.
//!
//! **Determinism.** Keys are the strings `"key-0"`, `"key-1"`, ... hashed by each
//! algorithm's own key hash. Nothing here reads a wall clock: timing exists only when the
//! caller supplies `clock` (for example `Instant` natively or `performance.now()` in a
//! browser), and everything else is the same on every run.
use super::{
    check_key_count, hash_keys, load_stats, BoundedLoad, HashRing, JumpHash, KetamaRing, Maglev,
    Modulo, NodeIndex, NodeSpec, Placement, PlacementConfig, PlacementError, Rendezvous,
};

/// What to compare: the nodes, how many keys, which node joins and which leaves.
#[derive(Clone, Debug, PartialEq)]
pub struct CompareSetup {
    pub nodes: Vec<NodeSpec>,
    pub key_count: u32,
    /// The node added for the "join" measurement (appended to the list).
    pub joining: NodeSpec,
    /// The name of the node removed for the "leave" measurement.
    pub leaving: String,
    pub config: PlacementConfig,
}

impl CompareSetup {
    /// `node_count` nodes of weight 1 named `node-0`, `node-1`, ...; `node-{node_count}`
    /// joins and the middle node leaves.
    pub fn uniform(node_count: u32, key_count: u32, config: PlacementConfig) -> Self {
        CompareSetup {
            nodes: (0..node_count)
                .map(|i| NodeSpec::new(format!("node-{i}"), 1))
                .collect(),
            key_count,
            joining: NodeSpec::new(format!("node-{node_count}"), 1),
            leaving: format!("node-{}", node_count / 2),
            config,
        }
    }
}

/// One algorithm's row of the comparison.
#[derive(Clone, Debug, PartialEq)]
pub struct AlgorithmReport {
    pub name: &'static str,
    /// Keys whose owner changed when `joining` was added.
    pub moved_on_join: u64,
    /// Keys whose owner changed when `leaving` was removed (`None` with a single node).
    pub moved_on_leave: Option<u64>,
    /// Busiest node's keys over its fair share (1.0 is perfect).
    pub peak_to_mean: f64,
    pub memory_bytes: usize,
    pub lookup_complexity: &'static str,
    /// Nanoseconds per key to place the key set (best of 3 passes), when a clock was given.
    pub lookup_ns: Option<f64>,
}

/// The whole comparison.
#[derive(Clone, Debug, PartialEq)]
pub struct Comparison {
    pub key_count: u64,
    /// The fewest moves a join can cause on average: the joining node's fair share.
    pub ideal_moves_on_join: f64,
    /// The fewest moves a leave can cause on average: the leaving node's fair share.
    pub ideal_moves_on_leave: Option<f64>,
    pub reports: Vec<AlgorithmReport>,
}

/// How many times the key set is placed to time the lookups (the fastest pass counts).
const TIMED_PASSES: u32 = 3;

/// A clock the caller may supply: returns the current time in nanoseconds.
pub type Clock<'a> = Option<&'a mut dyn FnMut() -> f64>;

/// Compares every algorithm in this module on `setup` (see the module documentation).
pub fn compare_algorithms(
    setup: &CompareSetup,
    mut clock: Clock<'_>,
) -> Result<Comparison, PlacementError> {
    check_key_count(setup.key_count as usize)?;
    let leaving = setup
        .nodes
        .iter()
        .position(|n| n.name == setup.leaving)
        .ok_or_else(|| PlacementError::UnknownNode(setup.leaving.clone()))?;
    let keys: Vec<String> = (0..setup.key_count).map(|i| format!("key-{i}")).collect();
    let mut joined = setup.nodes.clone();
    joined.push(setup.joining.clone());
    let mut left = setup.nodes.clone();
    left.remove(leaving);
    let scenario = Scenario {
        setup,
        keys: &keys,
        joined: &joined,
        left: (setup.nodes.len() > 1).then_some((&left[..], leaving)),
    };
    let reports = vec![
        scenario.report::<Modulo>(clock.as_deref_mut())?,
        scenario.report::<JumpHash>(clock.as_deref_mut())?,
        scenario.report::<HashRing>(clock.as_deref_mut())?,
        scenario.report::<KetamaRing>(clock.as_deref_mut())?,
        scenario.report::<Rendezvous>(clock.as_deref_mut())?,
        scenario.report::<Maglev>(clock.as_deref_mut())?,
        scenario.report::<BoundedLoad>(clock)?,
    ];
    let total_weight: u64 = setup.nodes.iter().map(|n| u64::from(n.weight)).sum();
    let key_count = f64::from(setup.key_count);
    let join_weight = f64::from(setup.joining.weight);
    Ok(Comparison {
        key_count: u64::from(setup.key_count),
        ideal_moves_on_join: key_count * join_weight / (total_weight as f64 + join_weight),
        ideal_moves_on_leave: scenario
            .left
            .map(|_| key_count * f64::from(setup.nodes[leaving].weight) / total_weight as f64),
        reports,
    })
}

struct Scenario<'a> {
    setup: &'a CompareSetup,
    keys: &'a [String],
    joined: &'a [NodeSpec],
    /// The node list after the leave, and the position the leaving node had.
    left: Option<(&'a [NodeSpec], usize)>,
}

impl Scenario<'_> {
    fn report<P: Placement>(
        &self,
        clock: Option<&mut (dyn FnMut() -> f64 + '_)>,
    ) -> Result<AlgorithmReport, PlacementError> {
        let config = &self.setup.config;
        let placement = P::build(&self.setup.nodes, config)?;
        let hashes = hash_keys(&placement, self.keys)?;
        let before = placement.place_all(&hashes)?;
        // Best of a few timed passes: the first pass also pays for page faults and cold
        // caches, and a busy machine adds noise that only ever makes a pass slower.
        let lookup_ns = match clock {
            Some(now) => {
                let mut best = f64::INFINITY;
                for _pass in 0..TIMED_PASSES {
                    let start = now();
                    std::hint::black_box(placement.place_all(&hashes)?);
                    best = best.min(now() - start);
                }
                Some(best / hashes.len().max(1) as f64)
            }
            None => None,
        };
        let weights: Vec<(NodeIndex, u32)> = self
            .setup
            .nodes
            .iter()
            .enumerate()
            .map(|(i, n)| (NodeIndex(i as u32), n.weight))
            .collect();
        let peak_to_mean = load_stats(&weights, &before, None).peak_to_mean;

        // After a join the old nodes keep their indices (the joiner is appended).
        let after_join = P::build(self.joined, config)?.place_all(&hashes)?;
        let moved_on_join = count_moves(&before, &after_join, Some);

        // After a leave, indices past the leaving node shift down by one.
        let moved_on_leave = match self.left {
            Some((left, gone)) => {
                let after_leave = P::build(left, config)?.place_all(&hashes)?;
                let to_original = |i: usize| Some(if i >= gone { i + 1 } else { i });
                Some(count_moves(&before, &after_leave, to_original))
            }
            None => None,
        };
        Ok(AlgorithmReport {
            name: placement.name(),
            moved_on_join,
            moved_on_leave,
            peak_to_mean,
            memory_bytes: placement.memory_bytes(),
            lookup_complexity: placement.lookup_complexity(),
            lookup_ns,
        })
    }
}

/// Keys whose owner differs, after translating the new indices to the original list.
fn count_moves(
    before: &[NodeIndex],
    after: &[NodeIndex],
    to_original: impl Fn(usize) -> Option<usize>,
) -> u64 {
    before
        .iter()
        .zip(after)
        .filter(|(old, new)| to_original(new.get()) != Some(old.get()))
        .count() as u64
}
