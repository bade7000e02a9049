//! A sentence for every decision a node of the locks scene narrates: what it does and why,
//! in the present tense, naming nodes as the stage does. English in the code, Chinese in
//! `locks.zh.txt`.
use crate::algo::locks::{LockNote, OwnValue};
use crate::i18n::trf;
use crate::scene::Names;
use crate::sim::NodeId;

/// The sentence for `note`, narrated by `node`. Node names keep the stage's spelling
/// ("redis", "client 3"), even at the start of a sentence.
pub fn describe(names: &Names<'_>, node: NodeId, note: &LockNote) -> String {
    let n = names.of(node);
    let of = |id: &NodeId| names.of(*id);
    match note {
        LockNote::Granted { client, fence: Some(f), expires_at } => trf("{n} grants {c} the lock: one script runs SET NX (SET replies only OK) and INCR lock:fencing, whose result {k} is the fencing token; the lease ends at {at} on {n}'s clock unless released.", &[("n", &n), ("c", &of(client)), ("k", f), ("at", expires_at)]),
        LockNote::Granted { client, fence: None, expires_at } => trf("{n} sets the lock key for {c} (SET NX succeeds), with no fencing token; the lease runs out at {at} on {n}'s clock unless {c} releases it first.", &[("n", &n), ("c", &of(client)), ("at", expires_at)]),
        LockNote::Refused { client, holder } => trf("{n} refuses {c}: {h} holds the lock, and SET NX only sets a key that does not exist yet.", &[("n", &n), ("c", &of(client)), ("h", &of(holder))]),
        LockNote::Released { client, redlock: false } => trf("{n} deletes the lock key for {c}: it still held {c}'s random value, so the lock is free.", &[("n", &n), ("c", &of(client))]),
        LockNote::Released { client, redlock: true } => trf("{n} deletes the lock key for {c}: it still held {c}'s random value, so this server's key is free (the lock as a whole belongs to whoever holds a majority of the servers).", &[("n", &n), ("c", &of(client))]),
        LockNote::NotYours { client, key_holder, own, redlock } => not_yours(names, node, *client, *key_holder, *own, *redlock),
        LockNote::LeaseExpired { holder } => trf("{h}'s lease expires on {n}'s clock and the key is deleted, whatever {h} is doing: if {h} is paused, it still believes it holds the lock.", &[("n", &n), ("h", &of(holder))]),
        LockNote::Restarted { kept_lease: true, counter } => trf("{n} restarts with its data kept on disk: the lock key is still there, and its fencing-token counter is at {k}.", &[("n", &n), ("k", counter)]),
        LockNote::Restarted { kept_lease: false, counter: 0 } => trf("{n} restarts with no lock key and its token counter at 0: the lock is free, and without persistence the tokens handed out before the crash will be handed out again.", &[("n", &n)]),
        LockNote::Restarted { kept_lease: false, counter } => trf("{n} restarts: no lock was held, and its fencing-token counter survived at {k}, so tokens keep increasing.", &[("n", &n), ("k", counter)]),
        LockNote::RestartedLosingWrites { kept_lease: true, counter, counter_before } if counter < counter_before => trf("{n} restarts from its append-only file without the writes of its last second, which were not yet fsynced (appendfsync everysec): the lock key is there, but the fencing-token counter is back at {k} after reaching {b}, so tokens it already handed out will be handed out again.", &[("n", &n), ("k", counter), ("b", counter_before)]),
        LockNote::RestartedLosingWrites { kept_lease: false, counter, counter_before } if counter < counter_before => trf("{n} restarts from its append-only file without the writes of its last second, which were not yet fsynced (appendfsync everysec): the lock key is gone, so the lock is free, and the fencing-token counter is back at {k} after reaching {b}, so tokens it already handed out will be handed out again.", &[("n", &n), ("k", counter), ("b", counter_before)]),
        LockNote::RestartedLosingWrites { kept_lease: true, .. } => trf("{n} restarts from its append-only file without the writes of its last second, which were not yet fsynced (appendfsync everysec): the lock key is there, as the disk last had it.", &[("n", &n)]),
        LockNote::RestartedLosingWrites { kept_lease: false, .. } => trf("{n} restarts from its append-only file without the writes of its last second, which were not yet fsynced (appendfsync everysec): there is no lock key, so the lock is free.", &[("n", &n)]),
        LockNote::Fsynced => trf("{n}'s background fsync puts the writes of the last second on disk (appendfsync everysec): from now on a crash keeps them.", &[("n", &n)]),
        LockNote::ChildCreated { client, seq } => trf("{n} creates node #{s} for {c} under /lock: ephemeral, so it goes when {c}'s session ends, and sequential, so the lowest number holds the lock.", &[("n", &n), ("c", &of(client)), ("s", seq)]),
        LockNote::SessionExpired { client, deleted, .. } if deleted.is_empty() => trf("{n} has heard nothing from {c} for a whole session timeout: it expires the session ({c} had no node in the queue).", &[("n", &n), ("c", &of(client))]),
        LockNote::SessionExpired { client, deleted, .. } => {
            let nodes: Vec<String> = deleted.iter().map(|s| format!("#{s}")).collect();
            trf("{n} has heard nothing from {c} for a whole session timeout: it expires the session and deletes its node {s}, which wakes whoever watches it.", &[("n", &n), ("c", &of(client)), ("s", &nodes.join(", "))])
        }
        LockNote::WriteAccepted { client, token: Some(k) } => trf("{n} accepts {c}'s write with token {k}.", &[("n", &n), ("c", &of(client)), ("k", k)]),
        LockNote::WriteAccepted { client, token: None } => trf("{n} accepts {c}'s write, which carries no fencing token: nothing tells it whether {c} still holds the lock.", &[("n", &n), ("c", &of(client))]),
        LockNote::WriteRejected { client, token: Some(k), newest: Some(m) } => trf("{n} rejects {c}'s write: its token {k} is older than token {m}, which it has already accepted, so a newer holder exists (fencing).", &[("n", &n), ("c", &of(client)), ("k", k), ("m", m)]),
        LockNote::WriteRejected { client, .. } => trf("{n} rejects {c}'s write: its token is older than one it has already accepted (fencing).", &[("n", &n), ("c", &of(client))]),
        LockNote::Acquired { token: Some(k), believed_expiry: Some(e) } => trf("{n} gets the lock with fencing token {k} and starts its work; by its own clock the lease ends at {e}.", &[("n", &n), ("k", k), ("e", e)]),
        LockNote::Acquired { token: Some(k), believed_expiry: None } => trf("{n}'s node #{k} is now the lowest in the queue: it holds the lock, with {k} as its fencing token, and starts its work.", &[("n", &n), ("k", k)]),
        LockNote::Acquired { token: None, believed_expiry: Some(e) } => trf("{n} holds the lock on a majority of the servers and starts its work; by its own clock the lease ends at {e}. It has no fencing token.", &[("n", &n), ("e", e)]),
        LockNote::Acquired { token: None, believed_expiry: None } => trf("{n} gets the lock and starts its work.", &[("n", &n)]),
        LockNote::GaveBackLateGrant => trf("{n}'s grant arrives so late that the lease may already be over: it hands the lock back instead of using it.", &[("n", &n)]),
        LockNote::LeaseOverByItsOwnClock => trf("By {n}'s own clock its lease is over: it stops believing it holds the lock and releases it.", &[("n", &n)]),
        LockNote::SessionLost => trf("{n}'s ZooKeeper session expired, deleting its queue node and the lock it held or awaited.", &[("n", &n)]),
        LockNote::Wrote { token: Some(k) } => trf("{n} writes to the storage with token {k}, believing it holds the lock.", &[("n", &n), ("k", k)]),
        LockNote::Wrote { token: None } => trf("{n} writes to the storage, believing it holds the lock; the write carries no fencing token.", &[("n", &n)]),
        LockNote::BackedOff { delay, failures: 1 } => trf("{n}'s attempt failed: it retries after a random {d}, doubled per failure to spread clients out.", &[("n", &n), ("d", delay)]),
        LockNote::BackedOff { delay, failures } => trf("{n}'s attempt failed again ({k} failures in a row): it waits {d}, a longer random delay, before trying again.", &[("n", &n), ("d", delay), ("k", failures)]),
    }
}

/// A release the compare-and-delete script refused, with the reason the server really has:
/// whose value the key holds now (or that there is no key), and what became of the
/// client's own value there.
fn not_yours(
    names: &Names<'_>,
    node: NodeId,
    client: NodeId,
    key_holder: Option<NodeId>,
    own: OwnValue,
    redlock: bool,
) -> String {
    let n = names.of(node);
    let c = names.of(client);
    let h = key_holder.map(|h| names.of(h)).unwrap_or_default();
    let args: &[(&str, &dyn std::fmt::Display)] = &[("n", &n), ("c", &c), ("h", &h)];
    match (own, key_holder.is_some()) {
        (OwnValue::NeverSet, true) if redlock => trf("{c} also releases on {n}, where its value was never set: Redlock unlocks every server, even those it could not lock. {n}'s key holds {h}'s value, so the script deletes nothing.", args),
        (OwnValue::NeverSet, false) if redlock => trf("{c} also releases on {n}, where its value was never set: Redlock unlocks every server, even those it could not lock. {n} has no lock key, so the script deletes nothing.", args),
        (OwnValue::NeverSet, true) => trf("{n} does not delete the key for {c}: {c}'s value was never set there, and the key holds {h}'s value, so a release cannot free another client's lock.", args),
        (OwnValue::NeverSet, false) => trf("{n} deletes nothing for {c}: {c}'s value was never set there, and there is no lock key.", args),
        (OwnValue::Expired, true) => trf("{n} does not delete the key for {c}: {c}'s lease ran out on {n}'s clock and the key now holds {h}'s value, so a late release cannot free another client's lock.", args),
        (OwnValue::Expired, false) => trf("{n} deletes nothing for {c}: {c}'s lease ran out on {n}'s clock and there is no lock key now.", args),
        (OwnValue::LostInCrash, true) => trf("{n} does not delete the key for {c}: {c}'s key was lost when {n} crashed, and the key now holds {h}'s value, so a late release cannot free another client's lock.", args),
        (OwnValue::LostInCrash, false) => trf("{n} deletes nothing for {c}: {c}'s key was lost when {n} crashed, and there is no lock key now.", args),
    }
}
