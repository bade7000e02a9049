//! The lock panel's sentences, chosen from the lock view's typed state: who holds the lock
//! as far as the service and the holder itself know, and what fencing can do when two
//! clients believe they hold it.
use super::{HolderUnaware, LocksView};
use crate::algo::locks::{LockKind, LockView};
use crate::i18n::{tr, trf};

/// The panel's sentence on the holder; `None` when the lock is free. A queue lock's lowest
/// node is the server's view: its client holds the lock only once it believes it does
/// (its getChildren reply shows its node lowest), and until then the panel says only what
/// the server has. A lease lock's key is the server's view too: while the reply that
/// grants it is on its way (review #11), or once the client has let go, the panel says
/// what Redis has, and that the client does not know it holds the lock.
pub fn holder_sentence(view: &LocksView) -> Option<String> {
    let lock = &view.lock;
    let h = lock.holder.as_ref()?;
    let who = ("who", &h.name as &dyn std::fmt::Display);
    let redlock = lock.kind == LockKind::Redlock;
    Some(match h.token {
        Some(seq) if lock.kind.is_queue() && h.crashed => trf(
            "Lowest node under /lock: #{seq}, {who}'s. {who} has crashed; its node stays until ZooKeeper expires its session.",
            &[who, ("seq", &seq)],
        ),
        Some(seq) if lock.kind.is_queue() && !h.believes => trf(
            "Lowest node under /lock: #{seq}, {who}'s. {who} does not believe it holds the lock: a client learns it from its getChildren reply.",
            &[who, ("seq", &seq)],
        ),
        _ if lock.kind.is_queue() || h.believes => match h.token {
            Some(token) => trf(
                "{who} holds the lock with fencing token {token}.",
                &[who, ("token", &token)],
            ),
            None => trf("{who} holds the lock.", &[who]),
        },
        _ if h.crashed && redlock => trf(
            "A majority of the Redis servers have the key for {who}, which has crashed: the keys stay until their leases run out.",
            &[who],
        ),
        _ if h.crashed => trf(
            "redis: key set for {who}, which has crashed: the key stays until its lease runs out.",
            &[who],
        ),
        _ => match (view.holder_unaware, redlock, h.token) {
            (Some(HolderUnaware::ReplyInFlight), true, _) => trf(
                "A majority of the Redis servers have set the key for {who} (replies in flight): {who} does not know yet that it holds the lock.",
                &[who],
            ),
            (Some(HolderUnaware::ReplyInFlight), false, Some(token)) => trf(
                "redis: key set for {who} with fencing token {token} (reply in flight): {who} does not know yet that it holds the lock.",
                &[who, ("token", &token)],
            ),
            (Some(HolderUnaware::ReplyInFlight), false, None) => trf(
                "redis: key set for {who} (reply in flight): {who} does not know yet that it holds the lock.",
                &[who],
            ),
            (Some(HolderUnaware::Releasing), true, _) => trf(
                "A majority of the Redis servers still have the key for {who}, whose release is on its way.",
                &[who],
            ),
            (Some(HolderUnaware::Releasing), false, _) => trf(
                "redis: key still set for {who}, whose release is on its way.",
                &[who],
            ),
            (_, true, _) => trf(
                "A majority of the Redis servers have the key for {who}, but {who} does not believe it holds the lock: the keys stay until their leases run out.",
                &[who],
            ),
            (_, false, _) => trf(
                "redis: key set for {who}, but {who} does not believe it holds the lock: the key stays until its lease runs out.",
                &[who],
            ),
        },
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
