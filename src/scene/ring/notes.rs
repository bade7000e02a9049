//! The cluster's notes in words: what a membership change moved, and where a looked-up key
//! lives and why, for the step's caption and the event log.
use crate::algo::ring_cluster::{Algorithm, ChangeKind, RingNote};
use crate::i18n::{count, tr, trf, Lang};

pub fn describe(note: &RingNote) -> String {
    match note {
        RingNote::Changed {
            kind,
            node,
            moved,
            between_others,
            ideal,
            keys,
            by_churn,
            renumbered,
        } => {
            // Counts as the stage writes them (thousands separated).
            let own = count(u64::from(moved.saturating_sub(*between_others)));
            let (keys, ideal) = (&count(u64::from(*keys)), &count(u64::from(*ideal)));
            let others = &count(u64::from(*between_others));
            let args: [(&str, &dyn std::fmt::Display); 4] = [
                ("node", node),
                ("own", &own),
                ("keys", keys),
                ("ideal", ideal),
            ];
            let mut text = match kind {
                ChangeKind::Join => trf(
                    "{node} joins: {own} of {keys} keys move to it (about {ideal} is the fewest possible)",
                    &args,
                ),
                ChangeKind::Recover => trf(
                    "{node} recovers: {own} of {keys} keys move to it (about {ideal} is the fewest possible)",
                    &args,
                ),
                ChangeKind::Leave => trf("{node} leaves: its {own} keys move to other servers", &args),
                ChangeKind::Fail => trf(
                    "{node} fails: the {own} keys it held move to other servers",
                    &args,
                ),
                ChangeKind::Weight { from, to } => trf(
                    "{node}'s weight goes from {from} to {to}: {own} of {keys} keys move (about {ideal} is the fewest possible)",
                    &[
                        ("node", node),
                        ("from", from),
                        ("to", to),
                        ("own", &own),
                        ("keys", keys),
                        ("ideal", ideal),
                    ],
                ),
            };
            let jump_args: [(&str, &dyn std::fmt::Display); 4] = [
                ("change", &text),
                ("others", others),
                ("n", renumbered),
                ("node", node),
            ];
            if *between_others > 0 && *renumbered > 0 {
                // Jump hash: buckets are positions, so a server that was not last in the
                // list renumbers every server after it.
                text = if matches!(kind, ChangeKind::Weight { .. }) {
                    trf("{change}, and {others} more move between other servers: jump hash only adds or removes buckets cleanly at the end, and the {n} servers after {node} were renumbered", &jump_args)
                } else {
                    trf("{change}, and {others} more move between other servers: jump hash can only remove the last bucket cleanly, and the {n} servers after {node} were renumbered", &jump_args)
                };
            } else if *between_others > 0 {
                text = trf(
                    "{change}, and {others} more move between servers the change did not involve",
                    &[("change", &text), ("others", others)],
                );
            }
            if *by_churn {
                text = trf("{change} (a random change by churn)", &[("change", &text)]);
            }
            text
        }
        RingNote::LookedUp {
            key,
            algorithm,
            owner,
            replicas,
        } => {
            let Some(owner) = owner else {
                return trf("{key} has no owner", &[("key", key)]);
            };
            let text = trf(
                "{key} belongs to {owner}: {why}",
                &[
                    ("key", key),
                    ("owner", owner),
                    ("why", &owner_rule(*algorithm)),
                ],
            );
            if replicas.is_empty() {
                text
            } else {
                trf(
                    "{lookup}; its other replicas: {replicas}",
                    &[
                        ("lookup", &text),
                        ("replicas", &replicas.join(list_separator())),
                    ],
                )
            }
        }
    }
}

/// Why the owner is the owner, for each algorithm (each file under `algo/placement`).
fn owner_rule(algorithm: Algorithm) -> &'static str {
    match algorithm {
        Algorithm::Ring => tr("the first server point clockwise from the key's hash"),
        Algorithm::BoundedLoad => {
            tr("the first server point clockwise from the key's hash, or a later one if that server was full when the keys were placed")
        }
        Algorithm::Modulo => tr("the key's hash mod the number of servers picks it"),
        Algorithm::Jump => tr("jump hash maps the key's hash to this server's bucket number"),
        Algorithm::Rendezvous => tr("it has the highest score hash(key, server) of all servers"),
        Algorithm::Maglev => tr("it fills the key's slot in Maglev's lookup table"),
    }
}

/// Between the names of a list: Chinese lists names with "、".
fn list_separator() -> &'static str {
    match crate::i18n::lang() {
        Lang::Zh => "、",
        _ => ", ",
    }
}
