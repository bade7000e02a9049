//! The ring views' words that must say what the figures really are: the ring's size, which
//! only the ring-based algorithms have points for, and the load figure, the peak over
//! each server's fair share (not over the mean: weights count). Pure, so native tests read
//! exactly what the page shows.
use super::geometry::fmt_count;
use crate::algo::ring_cluster::RingNode;
use crate::i18n::{tr, trf};

/// The line under the key count in the middle of the ring. Ring points exist only for the
/// ring-based algorithms; the others (hash mod N, jump hash, rendezvous, Maglev) have
/// none, so the line names the algorithm instead.
pub fn size_line(node: &RingNode) -> String {
    let nodes = node.ring().node_count();
    let algorithm = node.config().algorithm;
    if algorithm.uses_ring() {
        trf(
            "{nodes} nodes · {points} points",
            &[
                ("nodes", &nodes),
                ("points", &fmt_count(node.ring().point_count() as u64)),
            ],
        )
    } else {
        trf(
            "{nodes} nodes · {algorithm}",
            &[("nodes", &nodes), ("algorithm", &tr(algorithm.label()))],
        )
    }
}

/// The ring picture's accessible name (its points only where there are any).
pub fn ring_label(node: &RingNode) -> String {
    let nodes = node.ring().node_count();
    let keys = node.key_count();
    let algorithm = node.config().algorithm;
    if algorithm.uses_ring() {
        trf(
            "A ring of {nodes} nodes with {points} points and {keys} keys",
            &[
                ("nodes", &nodes),
                ("points", &node.ring().point_count()),
                ("keys", &keys),
            ],
        )
    } else {
        trf(
            "{keys} keys on {nodes} nodes, placed by {algorithm}",
            &[
                ("keys", &keys),
                ("nodes", &nodes),
                ("algorithm", &tr(algorithm.label())),
            ],
        )
    }
}

/// The load figure under the histogram.
pub fn peak_text(peak_over_fair_share: f64) -> String {
    trf(
        "peak / fair share {peak}",
        &[("peak", &format!("{peak_over_fair_share:.2}"))],
    )
}

/// The histogram's accessible name.
pub fn histogram_label(std_dev: f64, peak_over_fair_share: f64) -> String {
    trf(
        "Keys per node: std dev {std}, peak / fair share {peak}",
        &[
            ("std", &format!("{std_dev:.1}")),
            ("peak", &format!("{peak_over_fair_share:.2}")),
        ],
    )
}

/// The compare table's header for the load figure, and its tooltip.
pub fn peak_header() -> (&'static str, &'static str) {
    (
        tr("peak / fair share"),
        tr("the most loaded node's keys over its fair share (its weight's part of all keys); 1.00 is perfect"),
    )
}
