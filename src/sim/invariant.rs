//! Named safety properties, checked after every step.
use super::kernel::NodeSet;
use super::protocol::Protocol;
use super::time::Time;

/// A safety property of a scene: `check` looks at every node (crashed ones included: their
/// durable state still counts) and says what is wrong, if anything.
pub struct Invariant<P: Protocol> {
    pub name: &'static str,
    pub description: &'static str,
    pub check: fn(&NodeSet<'_, P>) -> Result<(), String>,
}

impl<P: Protocol> Clone for Invariant<P> {
    fn clone(&self) -> Self {
        Invariant {
            name: self.name,
            description: self.description,
            check: self.check,
        }
    }
}

/// The first time a property failed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Violation {
    pub step: u64,
    pub time: Time,
    pub message: String,
}
