//! The replicated key-value store that Multi-Paxos feeds (*Paxos Made Simple* §3: "a
//! collection of servers, each independently implementing the state machine").
//!
//! Each learner applies its learned log **in slot order with no gaps**: slot 5 waits until
//! slot 4 is learned, because every replica must apply the same commands in the same
//! order to reach the same state. A no-op changes nothing. A client that retried may have
//! its command chosen in two slots; each command carries (client, number), and a replica
//! applies it only the first time, answering a repeat with the first result.
//!
//! To check that replicas agree without comparing whole stores, each keeps a digest of its
//! applied history after every slot: two replicas agree on their common prefix exactly
//! when their digests at its end are equal (up to hash collisions). The store is rebuilt
//! from the durable log in a real system; here it simply survives crashes.
use super::ballot::Slot;
use super::learner::Learner;
use super::value::{CmdId, Value, Word};
use crate::sim::sorted::SortedMap;
use crate::sim::NodeId;

/// One slot applied.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct AppliedEntry {
    pub slot: Slot,
    pub value: Value,
    /// A get's result.
    pub result: Option<Word>,
    /// The command had already been applied in an earlier slot (a retry).
    pub duplicate: bool,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Replica {
    store: SortedMap<Word, Word>,
    /// Per client: its last applied command's number and result.
    last_by_client: SortedMap<NodeId, (u32, Option<Word>)>,
    /// `digests[k]`: the digest of slots `0..=k` as applied.
    digests: Vec<u64>,
}

impl Replica {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn store(&self) -> &SortedMap<Word, Word> {
        &self.store
    }

    /// How many slots are applied (slots `0..applied()`).
    pub fn applied(&self) -> Slot {
        self.digests.len() as Slot
    }

    /// The digest of the first `len` applied slots (`None` past what is applied; 0 for
    /// the empty prefix).
    pub fn digest(&self, len: Slot) -> Option<u64> {
        match len {
            0 => Some(0),
            n => self.digests.get(n as usize - 1).copied(),
        }
    }

    /// Applies every learned slot that follows the applied prefix.
    pub fn apply_learned(&mut self, learner: &Learner) -> Vec<AppliedEntry> {
        let mut applied = Vec::new();
        while let Some(value) = learner.learned_in(self.applied()) {
            let slot = self.applied();
            let (result, duplicate) = self.apply(value);
            let previous = self.digests.last().copied().unwrap_or(0);
            self.digests.push(mix(previous, value.code()));
            applied.push(AppliedEntry {
                slot,
                value,
                result,
                duplicate,
            });
        }
        applied
    }

    fn apply(&mut self, value: Value) -> (Option<Word>, bool) {
        let Some(CmdId { client, seq }) = value.cmd_id() else {
            return (None, false);
        };
        if let Some((last, result)) = self.last_by_client.get(&client) {
            if seq <= *last {
                return (*result, true);
            }
        }
        let result = match value {
            Value::Put { key, val, .. } => {
                self.store.insert(key, val);
                None
            }
            Value::Get { key, .. } => self.store.get(&key).copied(),
            Value::Plain(_) | Value::Noop => None,
        };
        self.last_by_client.insert(client, (seq, result));
        (result, false)
    }
}

/// Folds one value into a running digest (SplitMix64's finaliser as the mixer: fixed, so
/// a digest means the same everywhere).
fn mix(digest: u64, code: [u64; 4]) -> u64 {
    code.iter().fold(digest, |d, c| {
        let mut z = (d ^ c).wrapping_add(0x9e37_79b9_7f4a_7c15);
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    })
}
