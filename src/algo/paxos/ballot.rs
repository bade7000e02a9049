//! Ballots (Lamport's "proposal numbers"; "ballot numbers" in *The Part-Time Parliament*).
//!
//! Every attempt to get a value chosen runs under a ballot, and ballots must be totally
//! ordered and unique to one proposer, so that two proposers never run the same ballot
//! with different values. The usual construction, used here, is a pair (round, proposer
//! id) compared round first: proposer 2's third try is `3.2`, and `3.2 < 4.0 < 4.1`. A
//! proposer that wants to overtake a ballot `r.x` it has seen picks round `r + 1` with its
//! own id. Round 0 is never used, so [`Ballot::ZERO`] means "nothing yet".
//! (*Paxos Made Simple* §2.5: "different proposers choose their numbers from disjoint
//! sets of numbers".)
use crate::sim::NodeId;
use std::fmt;
use std::str::FromStr;

/// A log position in Multi-Paxos; single-decree Paxos uses slot 0 only.
pub type Slot = u32;

/// A ballot: (round, proposer), ordered by round, then proposer id.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Ballot {
    pub round: u32,
    pub proposer: NodeId,
}

impl Ballot {
    /// Below every real ballot: "never promised" or "never accepted".
    pub const ZERO: Ballot = Ballot {
        round: 0,
        proposer: NodeId(0),
    };

    pub fn new(round: u32, proposer: NodeId) -> Self {
        Ballot { round, proposer }
    }

    pub fn is_zero(self) -> bool {
        self.round == 0
    }

    /// The smallest ballot of `proposer` that is above `above`.
    pub fn next_above(above: Ballot, proposer: NodeId) -> Ballot {
        let round = if proposer > above.proposer {
            above.round.max(1)
        } else {
            above.round.saturating_add(1)
        };
        Ballot { round, proposer }
    }
}

impl fmt::Display for Ballot {
    /// `3.1`: round 3 of proposer n1 (`0.0` for "none").
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.round, self.proposer.0)
    }
}

impl FromStr for Ballot {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || format!("a ballot looks like round.proposer (e.g. 3.1), not \"{s}\"");
        let (round, proposer) = s.split_once('.').ok_or_else(bad)?;
        Ok(Ballot {
            round: round.parse().map_err(|_| bad())?,
            proposer: NodeId(proposer.parse().map_err(|_| bad())?),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ballots_order_by_round_then_proposer() {
        let b = |r, p| Ballot::new(r, NodeId(p));
        assert!(b(3, 2) < b(4, 0));
        assert!(b(4, 0) < b(4, 1));
        assert!(Ballot::ZERO < b(1, 0));
        assert_eq!(Ballot::next_above(b(4, 1), NodeId(2)), b(4, 2));
        assert_eq!(Ballot::next_above(b(4, 1), NodeId(0)), b(5, 0));
        assert_eq!(Ballot::next_above(Ballot::ZERO, NodeId(0)), b(1, 0));
        assert_eq!("4.1".parse::<Ballot>(), Ok(b(4, 1)));
        assert_eq!(b(4, 1).to_string(), "4.1");
        assert!("4".parse::<Ballot>().is_err());
    }
}
