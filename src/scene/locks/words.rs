//! The lock panel's sentences, chosen from the lock view's typed state: who holds the lock
//! as far as the service and the holder itself know, and what fencing can do when two
//! clients believe they hold it.
use crate::algo::locks::LockView;
use crate::i18n::{tr, trf};

/// The panel's sentence on the holder; `None` when the lock is free. A queue lock's lowest
/// node is the server's view: its client holds the lock only once it believes it does
/// (its getChildren reply shows its node lowest), and until then the panel says only what
/// the server has.
pub fn holder_sentence(lock: &LockView) -> Option<String> {
    let h = lock.holder.as_ref()?;
    Some(match h.token {
        Some(seq) if lock.kind.is_queue() && h.crashed => trf(
            "Lowest node under /lock: #{seq}, {who}'s. {who} has crashed; its node stays until ZooKeeper expires its session.",
            &[("who", &h.name), ("seq", &seq)],
        ),
        Some(seq) if lock.kind.is_queue() && !h.believes => trf(
            "Lowest node under /lock: #{seq}, {who}'s. {who} does not believe it holds the lock: a client learns it from its getChildren reply.",
            &[("who", &h.name), ("seq", &seq)],
        ),
        Some(token) => trf(
            "{who} holds the lock with fencing token {token}.",
            &[("who", &h.name), ("token", &token)],
        ),
        None => trf("{who} holds the lock.", &[("who", &h.name)]),
    })
}

/// What fencing does for the storage while two or more clients believe they hold the lock,
/// from the tokens they really carry. Fencing protects the storage only if the newer grant
/// carries the higher token: equal tokens (a counter reset by a restart without
/// persistence) cannot be told apart, and a newer holder with a lower token (a counter
/// that went back) is the one whose writes get rejected.
pub fn believers_verdict(lock: &LockView) -> String {
    if !lock.fencing {
        return tr("Without fencing, both can write: the storage cannot tell them apart.").into();
    }
    let tokens: Vec<u64> = lock.believers.iter().filter_map(|b| b.token).collect();
    let shared = tokens
        .iter()
        .enumerate()
        .find(|(i, t)| tokens[i + 1..].contains(t))
        .map(|(_, t)| *t);
    if let Some(token) = shared {
        return if lock.believers.len() == 2 {
            trf(
                "Both carry token {token}: the storage cannot tell them apart, and fencing will not help.",
                &[("token", &token)],
            )
        } else {
            trf(
                "Two of them carry token {token}: the storage cannot tell them apart, and fencing will not help.",
                &[("token", &token)],
            )
        };
    }
    // The service's holder is the newest grant; another believer with a higher token got
    // it before the counter went back.
    let newest = lock.holder.as_ref().and_then(|h| h.token.map(|t| (h, t)));
    let higher = newest.and_then(|(h, t)| {
        lock.believers
            .iter()
            .filter(|b| b.client != h.client)
            .find(|b| b.token.is_some_and(|bt| bt > t))
            .map(|b| (h, t, b))
    });
    if let Some((h, t, b)) = higher {
        return trf(
            "{who}, the newer holder, carries token {token}, lower than {other}'s {higher}: the storage will reject the newer holder's writes and accept the stale ones.",
            &[
                ("who", &h.name),
                ("token", &t),
                ("other", &b.name),
                ("higher", &b.token.unwrap_or_default()),
            ],
        );
    }
    tr("Fencing tokens keep the storage safe: the older token's writes are rejected.").into()
}
