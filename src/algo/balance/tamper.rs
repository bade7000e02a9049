//! Deliberate bugs, for the invariant tests: each breaks one node's books the way a wrong
//! line of code would, so that a test can show the invariant meant to catch it does.
//! Nothing in the scene calls these.
use super::BalanceNode;

/// One way to break a node's books.
#[doc(hidden)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tamper {
    /// Clients: forget the oldest request in progress without counting it (a lost request).
    ForgetRequest,
    /// Clients: count a completion that did not happen (a request counted twice).
    CountCompletionTwice,
    /// Clients: forget that the deadline timer is set while requests are in progress.
    DisarmDeadline,
    /// Balancer: count one answer twice.
    CountAnswerTwice,
    /// Balancer: count a retry that sent no attempt.
    RetryWithoutAttempt,
    /// Balancer: count a retry as a new request.
    RetryCountedAsRequest,
    /// Balancer: count one more open request on the first server than it awaits there.
    MiscountOpen,
    /// Balancer: forget the earliest open attempt's deadline.
    ForgetDeadline,
    /// Balancer: hold server `0`-based `server` unavailable since before its last pick.
    BackdateUnavailable { server: u32 },
    /// Server: lose the first queued request without counting it.
    LoseQueued,
    /// Server: start the first queued request in a slot it does not have.
    StartBeyondSlots,
}

impl BalanceNode {
    /// Applies `tamper` if it fits this node and its state; false when there was nothing
    /// to break (wrong kind of node, or no request where one is needed).
    #[doc(hidden)]
    pub fn tamper(&mut self, tamper: Tamper) -> bool {
        match self {
            BalanceNode::Client(c) => c.tamper(tamper),
            BalanceNode::Balancer(b) => b.tamper(tamper),
            BalanceNode::Server(s) => s.tamper(tamper),
        }
    }
}
