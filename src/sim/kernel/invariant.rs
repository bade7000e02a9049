//! Named safety properties, checked by the kernel after every step.
use super::NodeSet;
use crate::sim::protocol::{Line, Protocol};
use crate::sim::time::Time;

/// What a check reads to decide whether it needs to run again.
pub type ChangeKey<P> = fn(&NodeSet<'_, P>) -> u64;

/// A safety property of a scene: `check` looks at every node (crashed ones included: their
/// durable state still counts) and says what is wrong, if anything, as a [`Line`]: English
/// through `Display` (traces, links, tests), the page's language through `crate::i18n::line`.
pub struct Invariant<P: Protocol> {
    pub name: &'static str,
    pub description: &'static str,
    pub check: fn(&NodeSet<'_, P>) -> Result<(), Line>,
    /// For an expensive check (a linearizability search over a client history, say): a
    /// cheap number that changes whenever the check's answer could (e.g. how many operations
    /// have completed). The kernel skips the check while it stays the same. `None`: check
    /// after every step.
    pub changes_with: Option<ChangeKey<P>>,
}

impl<P: Protocol> Invariant<P> {
    /// A property checked after every step.
    pub const fn new(
        name: &'static str,
        description: &'static str,
        check: fn(&NodeSet<'_, P>) -> Result<(), Line>,
    ) -> Self {
        Invariant {
            name,
            description,
            check,
            changes_with: None,
        }
    }

    /// Checks only after steps where `key` changed (see [`Invariant::changes_with`]).
    pub const fn checked_when(mut self, key: ChangeKey<P>) -> Self {
        self.changes_with = Some(key);
        self
    }
}

impl<P: Protocol> Clone for Invariant<P> {
    fn clone(&self) -> Self {
        Invariant {
            name: self.name,
            description: self.description,
            check: self.check,
            changes_with: self.changes_with,
        }
    }
}

/// The first time a property failed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Violation {
    pub step: u64,
    pub time: Time,
    /// What is wrong, typed so that the page shows it in the reader's language.
    pub message: Line,
}
