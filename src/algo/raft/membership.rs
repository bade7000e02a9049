//! Membership changes, one server at a time (dissertation chapter 4).
//!
//! Adding or removing a single server keeps every majority of the old configuration
//! overlapping every majority of the new one, so the two can never decide separately. The
//! new configuration is a log entry, and each server uses it as soon as it is in its log,
//! committed or not (§4.1). The leader accepts a change only when the previous change is
//! committed (one at a time) and, the rule added in 2015, only after it has committed an
//! entry of its own term: otherwise two changes proposed by leaders of different terms can
//! overlap so that their majorities are disjoint, and two different entries commit at the
//! same index (Ongaro, raft-dev, "bug in single-server membership changes", 2015). The
//! broken variant `change-early` drops that rule.
//!
//! A new server is added directly as a voting member, without a non-voting catch-up phase
//! (§4.2.1): with the short logs of this simulation it catches up within a few messages,
//! and a direct add shows plainly what catch-up rounds guard against (a slow new member
//! counted in every majority while it has nothing). A leader may remove itself: it keeps
//! leading, without counting its own copy, until the new configuration commits, then steps
//! down (§4.2.2).
use super::config::Variant;
use super::log::{Command, Entry};
use super::messages::Host;
use super::notes::{ChangeRefusal, Note};
use super::server::{Peer, Role, Server};
use crate::sim::{Ctx, NodeId};

impl Server {
    /// Why this server cannot add (`add`) or remove `id` now, if it cannot.
    pub fn change_refusal(&self, id: NodeId, add: bool) -> Option<ChangeRefusal> {
        let members = self.log.members();
        if self.role != Role::Leader {
            Some(ChangeRefusal::NotLeader(self.leader))
        } else if id.0 >= self.settings.server_nodes {
            Some(ChangeRefusal::NotAServer)
        } else if self.settings.variant != Variant::ChangeWithoutTermRule
            && self.log.term_at(self.commit_index) != Some(self.current_term)
        {
            Some(ChangeRefusal::NoEntryOfTermCommitted)
        } else if self.log.members_index() > self.commit_index {
            Some(ChangeRefusal::ChangePending(self.log.members_index()))
        } else if add && members.contains(id) {
            Some(ChangeRefusal::AlreadyMember)
        } else if !add && !members.contains(id) {
            Some(ChangeRefusal::NotAMember)
        } else if !add && members.without(id).is_empty() {
            Some(ChangeRefusal::WouldBeEmpty)
        } else {
            None
        }
    }

    pub(crate) fn change_membership<P: Host>(
        &mut self,
        cx: &mut Ctx<'_, P>,
        id: NodeId,
        add: bool,
    ) {
        if let Some(reason) = self.change_refusal(id, add) {
            cx.note(Note::ChangeRefused { reason });
            return;
        }
        let old = self.log.members();
        let members = if add { old.with(id) } else { old.without(id) };
        let index = self.log.append(Entry {
            term: self.current_term,
            command: Command::Config(members),
        });
        cx.note(Note::ConfigAppended { index, members });
        if add {
            self.peers[id.index()] = Peer {
                next_index: index,
                match_index: 0,
                round_acked: 0,
            };
        }
        self.broadcast_append(cx);
        // A smaller configuration may already hold a majority for pending entries.
        self.advance_commit(cx);
    }
}
