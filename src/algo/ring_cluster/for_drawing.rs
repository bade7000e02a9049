//! Values that exist only for drawing the ring (fractions of a turn, animation time).
//!
//! They do not belong to the algorithm: the UI should own them. They live here, in one
//! clearly named place, until the views take them over.
use super::config::HashChoice;
use crate::algo::placement::hash_fn::{ketama_points, vnode_point};
use crate::sim::Time;

/// How long the view animates a change or a lookup (simulated time while playing).
pub const FLIGHT: Time = Time::from_millis(16);

/// Where a server's label sits: the angle (0 to 1 of a turn) of its first point, so that
/// with one virtual node the label sits beside its only tick.
pub fn home_fraction(name: &str, hash: HashChoice) -> f64 {
    match hash {
        HashChoice::Xxh3 => vnode_point(name, 0) as f64 / 18_446_744_073_709_551_616.0,
        HashChoice::Ketama => f64::from(ketama_points(name, 0)[0]) / 4_294_967_296.0,
    }
}

/// The fraction of a turn at which a hash sits on the ring (64- or 32-bit space).
pub fn ring_fraction(position: u64, hash: HashChoice) -> f64 {
    match hash {
        HashChoice::Xxh3 => position as f64 / 18_446_744_073_709_551_616.0,
        HashChoice::Ketama => position as f64 / 4_294_967_296.0,
    }
}
