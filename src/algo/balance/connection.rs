//! What a connection does with a copy of a message the network duplicated: it discards it,
//! however late the copy comes.
//!
//! The scene's requests travel over TCP connections (the clients to a balancer, a balancer
//! to a server). TCP numbers what it sends, and the receiver hands each byte to the
//! application once: a segment whose data it has already received is acknowledged and
//! dropped, whether it arrives a microsecond or a minute after the first (RFC 9293,
//! section 3.10.7.4, "segment arrives"). So a request duplicated *by the network* never
//! reaches nginx or Envoy twice, neither while the first copy is being served nor after
//! it was answered. (A request the client *sends* twice, say a retry, is another matter:
//! that is two requests, with two ids, and both are served.)
//!
//! The simulated network's duplication fault copies one message, and may deliver the copy
//! at any time. So that the nodes see what an application on TCP sees, each sender numbers
//! its messages on each connection 1, 2, 3, ... ([`Outbox`]) and each receiver drops a
//! number it has already had ([`Inbox`]). Both sides keep their numbers across a crash: a
//! copy of a message sent before it belongs to a connection that is gone, and TCP discards
//! that too (a new connection would start new numbers; going on with the old ones is the
//! same to the receiver, and simpler).
//!
//! Unlike TCP, the simulated network may lose a message for good (TCP would send it again)
//! and still deliver the ones after it (TCP would hold them back until the gap is filled).
//! So the receiver cannot keep only "everything up to n has arrived": it keeps the numbers
//! received as ranges, one more range for each gap a lost (or still travelling) message
//! leaves. To stay bounded it keeps at most [`MAX_GAPS`] gaps: past that, the oldest gap is
//! given up as lost, as a TCP receiver gives up data outside its window. A message that
//! turns up after that many later ones went missing on the same connection would be taken
//! for a copy; with the scene's networks that takes dozens of losses on one connection
//! while one message is held back.
use crate::sim::sorted::SortedMap;

/// Most gaps an [`Inbox`] remembers (see the module header).
pub const MAX_GAPS: usize = 32;

/// The sender's side: the last number used on each connection.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Outbox<K: Ord> {
    last: SortedMap<K, u64>,
}

impl<K: Ord + Copy> Outbox<K> {
    /// The number of the next message on the connection to `to`: 1, 2, 3, ...
    pub fn next(&mut self, to: K) -> u64 {
        let last = self.last.entry(to).or_insert(0);
        *last += 1;
        *last
    }
}

/// The receiver's side of one connection: which numbers have arrived, as ranges.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Inbox {
    /// Inclusive ranges of numbers received, sorted, apart from each other (a gap between
    /// each two). Empty before the first message.
    ranges: Vec<(u64, u64)>,
}

impl Inbox {
    /// Records message number `seq`. False when it had arrived already: this one is a copy,
    /// to be discarded.
    pub fn first_arrival(&mut self, seq: u64) -> bool {
        if self.has(seq) {
            return false;
        }
        let at = self.ranges.partition_point(|&(_, end)| end < seq);
        self.ranges.insert(at, (seq, seq));
        // Join the new range with its neighbours where they touch.
        if at + 1 < self.ranges.len() && self.ranges[at + 1].0 == seq + 1 {
            self.ranges[at].1 = self.ranges[at + 1].1;
            self.ranges.remove(at + 1);
        }
        if at > 0 && self.ranges[at - 1].1 + 1 == seq {
            self.ranges[at - 1].1 = self.ranges[at].1;
            self.ranges.remove(at);
        }
        while self.gaps() > MAX_GAPS {
            self.give_up_oldest_gap();
        }
        true
    }

    /// Whether message number `seq` has arrived (or its gap was given up).
    pub fn has(&self, seq: u64) -> bool {
        let at = self.ranges.partition_point(|&(_, end)| end < seq);
        self.ranges.get(at).is_some_and(|&(start, _)| start <= seq)
    }

    /// Runs of numbers missing below the highest received (numbers below the first one
    /// received are such a run too).
    pub fn gaps(&self) -> usize {
        let leading = self.ranges.first().is_some_and(|&(start, _)| start > 1);
        self.ranges.len().saturating_sub(1) + usize::from(leading)
    }

    fn give_up_oldest_gap(&mut self) {
        let Some(&(start, _)) = self.ranges.first() else {
            return;
        };
        if start > 1 {
            self.ranges[0].0 = 1;
        } else if self.ranges.len() > 1 {
            let (_, end) = self.ranges.remove(1);
            self.ranges[0].1 = end;
        }
    }
}
