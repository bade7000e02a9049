//! Log compaction by snapshots (§7).
//!
//! Once enough applied entries have piled up after its last snapshot, a server writes its
//! state machine (with the client sessions) to a snapshot, together with the index and term
//! of the last entry it covers and the configuration in force there, and drops those
//! entries. Each server does this on its own, for committed entries only, so snapshots
//! never disagree with the log.
//!
//! A follower so far behind that the leader no longer has the entries it needs receives the
//! leader's snapshot instead (InstallSnapshot, Figure 13, sent whole here rather than in
//! chunks). If the follower's log has the snapshot's last entry, it keeps what follows;
//! otherwise its whole log is replaced.
use super::messages::{Host, Msg, Snapshot};
use super::notes::Note;
use super::server::Server;
use crate::sim::{Ctx, NodeId};

impl Server {
    /// Takes a snapshot at `last_applied` when the threshold is reached.
    pub(crate) fn maybe_snapshot<P: Host>(&mut self, cx: &mut Ctx<'_, P>) {
        let threshold = u64::from(self.settings.snapshot_threshold);
        let index = self.last_applied;
        if threshold == 0 || index < self.log.snapshot_index() + threshold {
            return;
        }
        self.snapshot_store = self.store.clone();
        self.log.compact(index);
        cx.note(Note::SnapshotTaken {
            index,
            term: self.log.snapshot_term(),
        });
    }

    /// The durable snapshot as a message payload.
    pub fn snapshot(&self) -> Snapshot {
        let last_index = self.log.snapshot_index();
        Snapshot {
            last_index,
            last_term: self.log.snapshot_term(),
            members: self.log.snapshot_members(),
            store: self.snapshot_store.clone(),
            chain: self.log.chain_at(last_index).unwrap_or_default(),
        }
    }

    pub(crate) fn send_snapshot<P: Host>(&mut self, cx: &mut Ctx<'_, P>, peer: NodeId) {
        let snapshot = self.snapshot();
        cx.note(Note::SnapshotSent {
            peer,
            index: snapshot.last_index,
        });
        let msg = Msg::InstallSnapshot {
            term: self.current_term,
            snapshot: Box::new(snapshot),
            round: self.round,
        };
        self.send(cx, peer, msg);
    }

    pub(crate) fn on_install_snapshot<P: Host>(
        &mut self,
        cx: &mut Ctx<'_, P>,
        leader: NodeId,
        term: u64,
        snapshot: Snapshot,
        round: u64,
    ) {
        let mut last_index = snapshot.last_index;
        let accepted = self.accept_leader(cx, leader, term);
        if accepted.is_none() {
            last_index = 0;
        } else if snapshot.last_index > self.commit_index {
            let kept_suffix = self.log.term_at(snapshot.last_index) == Some(snapshot.last_term)
                && snapshot.last_index > self.log.snapshot_index();
            self.log.install(
                snapshot.last_index,
                snapshot.last_term,
                snapshot.members,
                snapshot.chain,
            );
            self.snapshot_store = snapshot.store.clone();
            self.store = snapshot.store;
            self.commit_index = snapshot.last_index;
            self.last_applied = snapshot.last_index;
            self.ghost
                .reset_applied(snapshot.last_index, snapshot.chain);
            self.ghost
                .record_commit(snapshot.last_index, snapshot.chain, self.current_term);
            cx.note(Note::SnapshotInstalled {
                index: snapshot.last_index,
                term: snapshot.last_term,
                kept_suffix,
            });
        }
        // Otherwise it already has (and has committed) everything the snapshot holds.
        self.restart_timer_if(cx, accepted == Some(true));
        let reply = Msg::SnapshotReply {
            term: self.current_term,
            last_index,
            round,
        };
        self.send(cx, leader, reply);
    }

    pub(crate) fn on_snapshot_reply<P: Host>(
        &mut self,
        cx: &mut Ctx<'_, P>,
        from: NodeId,
        term: u64,
        last_index: u64,
        round: u64,
    ) {
        if !self.reply_is_current(cx, from, term) {
            return;
        }
        if let Some(peer) = self.peers.get_mut(from.index()) {
            peer.round_acked = peer.round_acked.max(round);
            self.note_match(cx, from, last_index);
        }
        self.serve_reads(cx);
    }
}
