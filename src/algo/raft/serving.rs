//! Serving clients (dissertation chapter 6): writes and log reads go through the log;
//! ReadIndex reads skip it.
//!
//! Only the leader serves. Any other server answers "not the leader" with the leader it
//! knows of, and the client tries there. A request the state machine already applied (a
//! client's retry) is answered from its session record rather than appended again.
//!
//! A read served from the leader's own state machine could be stale: a leader cut off from
//! the others does not know that a newer leader has since committed writes. ReadIndex
//! (§6.4) makes such reads safe without a log write: the leader (1) waits until it has
//! committed an entry of its own term, so that its commit index is at least every other
//! server's; (2) records its commit index as the read index; (3) sends a round of
//! heartbeats and waits for a majority to answer, which proves no newer leader existed when
//! the read arrived; (4) waits until it has applied the read index; then answers.
use super::config::{ReadMode, Variant};
use super::kv::{Op, OpResult};
use super::log::{Command, Entry};
use super::members::Members;
use super::messages::{Answer, Host, Msg};
use super::notes::Note;
use super::server::{PendingRead, Role, Server, Waiting};
use crate::sim::{Ctx, NodeId};

impl Server {
    pub(crate) fn on_client_request<P: Host>(
        &mut self,
        cx: &mut Ctx<'_, P>,
        client: NodeId,
        serial: u64,
        op: Op,
    ) {
        if self.role != Role::Leader {
            cx.note(Note::Redirected {
                client,
                leader: self.leader,
            });
            let answer = Answer::NotLeader(self.leader);
            self.send(cx, client, Msg::Reply { serial, answer });
            return;
        }
        if let Some(result) = self.store.answered(client, serial) {
            cx.note(Note::RepeatAnswered { client, serial });
            let answer = Answer::Done(result);
            self.send(cx, client, Msg::Reply { serial, answer });
            return;
        }
        match op {
            Op::Get { key } if self.settings.variant == Variant::LocalReads => {
                // Broken on purpose: no check that this server is still the leader.
                let value = self.store.get(key);
                cx.note(Note::ReadServed {
                    client,
                    key,
                    value,
                    unchecked: true,
                });
                let answer = Answer::Done(OpResult::Read(value));
                self.send(cx, client, Msg::Reply { serial, answer });
            }
            Op::Get { key } if self.settings.read_mode == ReadMode::ReadIndex => {
                if self
                    .reads
                    .iter()
                    .any(|r| r.client == client && r.serial == serial)
                {
                    return;
                }
                self.reads.push(PendingRead {
                    client,
                    serial,
                    key,
                    read_index: None,
                    round: 0,
                    confirmed: false,
                });
                self.serve_reads(cx);
            }
            _ => self.append_request(cx, client, serial, op),
        }
    }

    fn append_request<P: Host>(
        &mut self,
        cx: &mut Ctx<'_, P>,
        client: NodeId,
        serial: u64,
        op: Op,
    ) {
        let command = Command::Client { client, serial, op };
        let in_log = self.waiting.iter().any(|w| {
            w.client == client
                && w.serial == serial
                && self
                    .log
                    .entry(w.index)
                    .is_some_and(|e| e.command == command)
        });
        if in_log {
            cx.note(Note::RequestAlreadyInLog { client, serial });
            return;
        }
        let index = self.log.append(Entry {
            term: self.current_term,
            command,
        });
        // A client has one request at a time: forget its older ones.
        self.waiting.retain(|w| w.client != client);
        self.waiting.push(Waiting {
            client,
            serial,
            index,
        });
        cx.note(Note::RequestAppended {
            client,
            serial,
            index,
        });
        self.broadcast_append(cx);
        self.advance_commit(cx);
    }

    /// Moves the ReadIndex reads along: gives waiting reads their read index once an entry
    /// of this term is committed, confirms rounds a majority answered, and answers the
    /// reads that are confirmed and applied.
    pub(crate) fn serve_reads<P: Host>(&mut self, cx: &mut Ctx<'_, P>) {
        if self.role != Role::Leader || self.reads.is_empty() {
            return;
        }
        let term_committed = self.log.term_at(self.commit_index) == Some(self.current_term);
        let mut new_round = false;
        for read in self.reads.iter_mut().filter(|r| r.read_index.is_none()) {
            if term_committed {
                read.read_index = Some(self.commit_index);
                read.round = self.round + 1;
                new_round = true;
                cx.note(Note::ReadIndexRecorded {
                    client: read.client,
                    read_index: self.commit_index,
                    round: read.round,
                });
            } else {
                cx.note(Note::ReadWaitsForTermCommit {
                    client: read.client,
                });
            }
        }
        if new_round {
            self.broadcast_append(cx);
        }
        let members = self.log.members();
        let me = self.self_if_member();
        let peers = &self.peers;
        let mut confirmed_round = None;
        for read in self.reads.iter_mut() {
            if read.confirmed || read.read_index.is_none() {
                continue;
            }
            // Who answered a heartbeat sent after this read arrived.
            let acked = members
                .iter()
                .filter(|m| peers[m.index()].round_acked >= read.round)
                .fold(me, Members::with);
            if members.is_quorum(acked) {
                read.confirmed = true;
                confirmed_round = Some(read.round);
            }
        }
        if let Some(round) = confirmed_round {
            cx.note(Note::LeadershipConfirmed { round });
        }
        let applied = self.last_applied;
        let (ready, waiting): (Vec<PendingRead>, Vec<PendingRead>) = self
            .reads
            .iter()
            .partition(|r| r.confirmed && r.read_index.is_some_and(|i| i <= applied));
        self.reads = waiting;
        for read in ready {
            let value = self.store.get(read.key);
            cx.note(Note::ReadServed {
                client: read.client,
                key: read.key,
                value,
                unchecked: false,
            });
            let answer = Answer::Done(OpResult::Read(value));
            let reply = Msg::Reply {
                serial: read.serial,
                answer,
            };
            self.send(cx, read.client, reply);
        }
    }
}
