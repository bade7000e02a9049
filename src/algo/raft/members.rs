//! A cluster configuration: the set of servers whose votes and log copies count.
//!
//! Raft (dissertation, chapter 4) changes the configuration one server at a time, and every
//! decision (winning an election, committing an entry) needs a majority of the
//! configuration the deciding server currently uses. With at most 16 server nodes a set is
//! one 16-bit mask: copying, comparing and counting cost one instruction each, which keeps
//! the per-step invariant checks cheap.
use crate::sim::NodeId;
use std::fmt;

/// A set of server node ids (each below [`Members::LIMIT`]).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Members(u16);

impl Members {
    /// Node ids must be below this to be members.
    pub const LIMIT: u32 = 16;

    /// Nodes `0..count`.
    pub fn first(count: u32) -> Members {
        let count = count.min(Self::LIMIT);
        Members(((1u32 << count) - 1) as u16)
    }

    pub fn contains(self, id: NodeId) -> bool {
        id.0 < Self::LIMIT && self.0 & (1 << id.0) != 0
    }

    /// The set with `id` added (unchanged if `id` is out of range).
    pub fn with(self, id: NodeId) -> Members {
        if id.0 < Self::LIMIT {
            Members(self.0 | (1 << id.0))
        } else {
            self
        }
    }

    pub fn without(self, id: NodeId) -> Members {
        if id.0 < Self::LIMIT {
            Members(self.0 & !(1 << id.0))
        } else {
            self
        }
    }

    pub fn union(self, other: Members) -> Members {
        Members(self.0 | other.0)
    }

    pub fn len(self) -> u32 {
        self.0.count_ones()
    }

    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// How many votes (or copies) make a majority of this configuration.
    pub fn quorum(self) -> u32 {
        self.len() / 2 + 1
    }

    /// Whether the members of this configuration found in `ayes` form a majority of it.
    /// Servers outside the configuration do not count, even if they said yes.
    pub fn is_quorum(self, ayes: Members) -> bool {
        !self.is_empty() && (self.0 & ayes.0).count_ones() >= self.quorum()
    }

    /// The members in id order.
    pub fn iter(self) -> impl Iterator<Item = NodeId> {
        (0..Self::LIMIT)
            .filter(move |i| self.0 & (1 << i) != 0)
            .map(NodeId)
    }

    /// The raw mask (bit `i` is node `i`), for compact keys.
    pub fn bits(self) -> u16 {
        self.0
    }
}

impl fmt::Display for Members {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<String> = self.iter().map(|n| n.to_string()).collect();
        write!(f, "{{{}}}", names.join(", "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn majorities_ignore_outsiders() {
        let five = Members::first(5);
        assert_eq!(five.quorum(), 3);
        let ayes = Members::default().with(NodeId(0)).with(NodeId(1));
        assert!(!five.is_quorum(ayes));
        assert!(!five.is_quorum(ayes.with(NodeId(7))), "n7 is not a member");
        assert!(five.is_quorum(ayes.with(NodeId(4))));
        let four = five.without(NodeId(4));
        assert_eq!((four.len(), four.quorum()), (4, 3));
        assert!(!Members::default().is_quorum(Members::first(16)));
        assert_eq!(four.to_string(), "{n0, n1, n2, n3}");
    }
}
