//! The contract between the client loop every lock shares (`client`) and each algorithm's
//! client part: what a grant looks like to its holder ([`Held`]), what the algorithm reports
//! back ([`Progress`]), and the tokens that travel with a grant (the random lease value that
//! marks a lease on its server, and the fencing token the storage checks).
use super::LockNode;
use crate::sim::{Ctx, Line, Time};

/// A grant, as the client that received it sees it.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Held {
    /// The fencing token the lock service handed out; Redlock has none.
    pub token: Option<u64>,
    /// Ghost value (known to the simulator, never read by any node's decision): the grant's
    /// place among all grants, so that "no stale writes" can be checked whether or not
    /// fencing is on. It is not the token: the lease server numbers its grants in a ghost
    /// counter that no crash resets, the queue server numbers each child when it becomes
    /// the first of the queue, and Redlock uses the simulated time in microseconds at
    /// which the majority was reached. So a token handed out twice (a counter reset) still
    /// shows as the older grant it is.
    pub grant: u64,
    /// The random value that marks this holder's lease on lease servers.
    pub lease_value: Option<u64>,
    pub since: Time,
    /// When the lease ends by the client's own estimate (lease and Redlock).
    pub believed_expiry: Option<Time>,
}

impl Held {
    /// What the client holds ("token 3"), for the views and the single-holder invariant.
    pub fn line(&self) -> Line {
        match (self.token, self.lease_value) {
            (Some(token), _) => Line::tr("token {token}").with("token", token),
            (None, Some(value)) => {
                Line::tr("value {value}, no fencing token").with("value", short_token(value))
            }
            (None, None) => Line::tr("no token"),
        }
    }
}

/// What an algorithm's client part tells the loop.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(crate) enum Progress {
    Nothing,
    Acquired(Held),
    /// This attempt failed: back off and try again.
    Failed,
    Released,
    /// The session (queue lock) is gone: whatever the client held or waited for is lost.
    Lost,
}

/// A random lease value: never 0, so that it reads as "set" everywhere.
pub(crate) fn random_token(cx: &mut Ctx<'_, LockNode>) -> u64 {
    cx.rng().next_u64() | 1
}

/// A short form of a random lease token for the views.
pub fn short_token(token: u64) -> String {
    format!("{:04x}", token & 0xffff)
}
