//! Placing keys with the chosen algorithm, and the helpers changes and lookups share.
use super::config::{Algorithm, RingConfig};
use super::report::Move;
use crate::algo::placement::{
    self, BoundedLoad, HashRing, JumpHash, Maglev, Modulo, NodeIndex, NodeSpec, Placement,
    PlacementConfig, Rendezvous,
};

/// Bounded loads' capacity for a server: `ceil(c * K * w / W)`, and never below the
/// integer fair share (the same formula as [`BoundedLoad::capacities`]).
pub fn capacity(keys: u64, weight: u64, total_weight: u64, factor: f64) -> u64 {
    let share = u128::from(keys) * u128::from(weight);
    let fair = share.div_ceil(u128::from(total_weight.max(1))) as u64;
    let scaled = (factor * (share as f64 / total_weight.max(1) as f64)).ceil();
    fair.max(scaled as u64)
}

/// The clockwise walk from a key: the first `wanted` distinct servers and the ring
/// positions of the points where each was met.
pub fn preference_walk(ring: &HashRing, key_hash: u64, wanted: usize) -> (Vec<u16>, Vec<u64>) {
    let wanted = wanted.min(ring.node_count());
    let (mut replicas, mut walk) = (Vec::with_capacity(wanted), Vec::with_capacity(wanted));
    let Some(start) = ring.successor_position(key_hash) else {
        return (replicas, walk);
    };
    let points = ring.points().skip(start).chain(ring.points().take(start));
    for point in points {
        if replicas.len() >= wanted {
            break;
        }
        let slot = point.node.0 as u16;
        if !replicas.contains(&slot) {
            replicas.push(slot);
            walk.push(point.position);
        }
    }
    (replicas, walk)
}

/// The live servers as a list (for the list-based algorithms) and each entry's slot, in
/// `order` (the order they joined: see [`join_order`]).
pub(super) fn node_list(ring: &HashRing, order: &[u16]) -> (Vec<NodeSpec>, Vec<u16>) {
    order
        .iter()
        .filter_map(|&slot| {
            ring.node(NodeIndex(u32::from(slot)))
                .map(|n| (n.clone(), slot))
        })
        .unzip()
}

/// The list order after a membership change: the servers still live keep their places and
/// a newcomer goes last. Jump hash only keeps its promise when buckets are added at the
/// end (Lamping and Veach grow the bucket list by appending); the ring gives a newcomer
/// the lowest free slot, which may sit in the middle, so the list cannot follow the slots.
pub(super) fn join_order(before: &[u16], ring: &HashRing) -> Vec<u16> {
    let live = |slot: u16| ring.node(NodeIndex(u32::from(slot))).is_some();
    let mut order: Vec<u16> = before.iter().copied().filter(|&s| live(s)).collect();
    for (index, _) in ring.nodes() {
        let slot = index.0 as u16;
        if !order.contains(&slot) {
            order.push(slot);
        }
    }
    order
}

pub(super) fn slot_count(ring: &HashRing) -> usize {
    ring.nodes().map(|(i, _)| i.get() + 1).max().unwrap_or(0)
}

pub(super) fn count_loads(owners: &[u16], slots: usize) -> Vec<u32> {
    let mut loads = vec![0u32; slots];
    for &owner in owners {
        if let Some(load) = loads.get_mut(usize::from(owner)) {
            *load += 1;
        }
    }
    loads
}

pub(super) fn diff(before: &[u16], after: &[u16]) -> Vec<Move> {
    before
        .iter()
        .zip(after)
        .enumerate()
        .filter(|(_, (a, b))| a != b)
        .map(|(i, (&from, &to))| Move {
            key: i as u32,
            from,
            to,
        })
        .collect()
}

pub(super) fn placement_config(config: &RingConfig) -> PlacementConfig {
    PlacementConfig {
        vnodes_per_weight: config.vnodes.max(1),
        capacity_factor: config.capacity_factor(),
        ..PlacementConfig::default()
    }
}

pub(super) fn build_placement(
    config: &RingConfig,
    list: &[NodeSpec],
) -> Result<Box<dyn Placement>, String> {
    let pc = placement_config(config);
    let err = |e: placement::PlacementError| e.to_string();
    Ok(match config.algorithm {
        Algorithm::Ring | Algorithm::BoundedLoad => {
            Box::new(HashRing::with_scheme(list, config.scheme()).map_err(err)?)
        }
        Algorithm::Modulo => Box::new(Modulo::new(list).map_err(err)?),
        Algorithm::Jump => Box::new(JumpHash::new(list).map_err(err)?),
        Algorithm::Rendezvous => Box::new(Rendezvous::new(list).map_err(err)?),
        Algorithm::Maglev => Box::new(Maglev::new(list, pc.maglev_table_size).map_err(err)?),
    })
}

/// Every key's owner slot under the configured algorithm.
pub(super) fn place(
    config: &RingConfig,
    ring: &HashRing,
    order: &[u16],
    key_hashes: &[u64],
) -> Result<Vec<u16>, String> {
    let (list, slots) = node_list(ring, order);
    let to_slot = |i: NodeIndex| slots.get(i.get()).copied().unwrap_or(0);
    match config.algorithm {
        Algorithm::Ring => Ok(key_hashes
            .iter()
            .map(|&h| ring.owner(h).map_or(0, |i| i.0 as u16))
            .collect()),
        Algorithm::BoundedLoad => {
            let bounded = BoundedLoad::new(&list, config.vnodes, config.capacity_factor())
                .map_err(|e| e.to_string())?;
            let assignment = bounded.assign(key_hashes).map_err(|e| e.to_string())?;
            Ok(assignment.owners.into_iter().map(to_slot).collect())
        }
        _ => {
            let placement = build_placement(config, &list)?;
            let owners = placement.place_all(key_hashes).map_err(|e| e.to_string())?;
            Ok(owners.into_iter().map(to_slot).collect())
        }
    }
}

/// How many keys `hash % N` (over weight-expanded buckets, servers in join order) would
/// move for the change from `before` to `after`.
pub(super) fn modulo_moves(
    (before, order_before): (&HashRing, &[u16]),
    (after, order_after): (&HashRing, &[u16]),
    key_hashes: &[u64],
) -> Result<u64, String> {
    let (list_before, slots_before) = node_list(before, order_before);
    let (list_after, slots_after) = node_list(after, order_after);
    let err = |e: placement::PlacementError| e.to_string();
    let old = Modulo::new(&list_before).map_err(err)?;
    let new = Modulo::new(&list_after).map_err(err)?;
    let slot = |slots: &[u16], i: Option<NodeIndex>| i.and_then(|i| slots.get(i.get()).copied());
    Ok(key_hashes
        .iter()
        .filter(|&&h| slot(&slots_before, old.owner(h)) != slot(&slots_after, new.owner(h)))
        .count() as u64)
}
