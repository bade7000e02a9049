//! A Raft server's state (Figure 2) and the helpers every role shares: terms, the
//! election timer, stepping down, committing and applying.
//!
//! What survives a crash is exactly Figure 2's persistent state, `currentTerm`, `votedFor`
//! and the log, plus the latest snapshot (§7). Everything else (role, commit index, last
//! applied, the leader's nextIndex and matchIndex) is volatile and rebuilt after a
//! restart: the commit index from the leader's next AppendEntries, the state machine by
//! applying the log again from the snapshot.
use super::config::{Settings, Variant};
use super::ghost::Ghost;
use super::kv::{Key, KvStore};
use super::log::{Command, Index, Log, Term};
use super::members::Members;
use super::messages::{Answer, Cmd, Host, Msg, Timer};
use super::notes::{Ignored, Note, StepDown};
use crate::sim::{Ctx, Line, NodeId, Time};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Role {
    Follower,
    /// Asking for pre-votes before starting an election (dissertation §9.6).
    PreCandidate,
    Candidate,
    Leader,
}

impl Role {
    pub fn label(self) -> &'static str {
        match self {
            Role::Follower => "FOLLOWER",
            Role::PreCandidate => "PRE-CANDIDATE",
            Role::Candidate => "CANDIDATE",
            Role::Leader => "LEADER",
        }
    }
}

/// A leader's view of one follower (Figure 2, "volatile state on leaders").
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Peer {
    /// The next entry to send.
    pub next_index: Index,
    /// The highest entry known to match the leader's log.
    pub match_index: Index,
    /// The latest heartbeat round this follower answered (ReadIndex).
    pub round_acked: u64,
}

/// A ReadIndex read waiting at the leader.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct PendingRead {
    pub client: NodeId,
    pub serial: u64,
    pub key: Key,
    /// The commit index noted when the read arrived (`None` until the leader has committed
    /// an entry of its term).
    pub read_index: Option<Index>,
    /// The heartbeat round that must reach a majority.
    pub round: u64,
    pub confirmed: bool,
}

/// A client request this server appended as leader, to answer once applied.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) struct Waiting {
    pub client: NodeId,
    pub serial: u64,
    pub index: Index,
}

/// Messages a server sent, by kind, and its election timeouts. Statistics: they survive
/// crashes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct MsgCounts {
    pub vote_requests: u64,
    pub vote_replies: u64,
    /// AppendEntries carrying entries.
    pub appends: u64,
    /// AppendEntries without entries.
    pub heartbeats: u64,
    pub append_replies: u64,
    pub snapshots: u64,
    pub to_clients: u64,
    /// Election timeouts that fired (each starts a pre-vote or an election).
    pub timeouts: u64,
}

impl MsgCounts {
    pub fn total(&self) -> u64 {
        self.vote_requests
            + self.vote_replies
            + self.appends
            + self.heartbeats
            + self.append_replies
            + self.snapshots
            + self.to_clients
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Server {
    pub(crate) id: NodeId,
    pub(crate) settings: Settings,
    // Durable (Figure 2, "persistent state on all servers"; plus the snapshot, §7).
    pub(crate) current_term: Term,
    pub(crate) voted_for: Option<NodeId>,
    pub(crate) log: Log,
    pub(crate) snapshot_store: KvStore,
    // Volatile.
    pub(crate) role: Role,
    pub(crate) leader: Option<NodeId>,
    pub(crate) commit_index: Index,
    pub(crate) last_applied: Index,
    pub(crate) store: KvStore,
    /// Candidate: who granted (pre-)votes, and who refused.
    pub(crate) ayes: Members,
    pub(crate) noes: Members,
    /// Leader: one entry per server node (its own unused).
    pub(crate) peers: Vec<Peer>,
    /// Leader with CheckQuorum: who answered since the last check.
    pub(crate) heard: Members,
    /// When it last heard from a leader of its term.
    pub(crate) leader_contact: Option<Time>,
    /// Leader: the latest heartbeat round sent.
    pub(crate) round: u64,
    pub(crate) reads: Vec<PendingRead>,
    pub(crate) waiting: Vec<Waiting>,
    pub(crate) election_due: Option<Time>,
    pub(crate) heartbeat_due: Option<Time>,
    /// The highest old-term index already narrated as "not committed by counting".
    pub(crate) old_term_noted: Index,
    pub(crate) sent: MsgCounts,
    pub(crate) ghost: Ghost,
}

impl Server {
    /// A server with the given durable start: `initial_log` holds the terms of its entries,
    /// and it starts in `term`, having voted for nobody.
    pub(crate) fn new(
        id: NodeId,
        settings: Settings,
        members: Members,
        initial_log: &[Term],
        term: Term,
    ) -> Server {
        let mut log = Log::new(members);
        for &t in initial_log {
            log.append(super::log::Entry {
                term: t,
                command: Command::Preloaded,
            });
        }
        Server {
            id,
            settings,
            current_term: term,
            voted_for: None,
            log,
            snapshot_store: KvStore::default(),
            role: Role::Follower,
            leader: None,
            commit_index: 0,
            last_applied: 0,
            store: KvStore::default(),
            ayes: Members::default(),
            noes: Members::default(),
            peers: vec![Peer::default(); settings.server_nodes as usize],
            heard: Members::default(),
            leader_contact: None,
            round: 0,
            reads: Vec::new(),
            waiting: Vec::new(),
            election_due: None,
            heartbeat_due: None,
            old_term_noted: 0,
            sent: MsgCounts::default(),
            ghost: Ghost::default(),
        }
    }

    // ----- Read-only accessors for the views and the invariants -----

    pub fn id(&self) -> NodeId {
        self.id
    }
    pub fn role(&self) -> Role {
        self.role
    }
    pub fn current_term(&self) -> Term {
        self.current_term
    }
    pub fn voted_for(&self) -> Option<NodeId> {
        self.voted_for
    }
    pub fn log(&self) -> &Log {
        &self.log
    }
    pub fn commit_index(&self) -> Index {
        self.commit_index
    }
    pub fn last_applied(&self) -> Index {
        self.last_applied
    }
    /// The state machine as applied so far.
    pub fn store(&self) -> &KvStore {
        &self.store
    }
    /// The state machine as of the durable snapshot.
    pub fn snapshot_store(&self) -> &KvStore {
        &self.snapshot_store
    }
    /// The leader it currently knows of (itself when leading).
    pub fn leader(&self) -> Option<NodeId> {
        self.leader
    }
    /// The configuration it uses: the latest in its log.
    pub fn members(&self) -> Members {
        self.log.members()
    }
    pub fn is_member(&self) -> bool {
        self.log.members().contains(self.id)
    }
    /// Candidate or pre-candidate: who said yes and who said no so far.
    pub fn votes(&self) -> (Members, Members) {
        (self.ayes, self.noes)
    }
    /// Leader: its view of server `id` (nextIndex, matchIndex).
    pub fn peer(&self, id: NodeId) -> Option<&Peer> {
        (self.role == Role::Leader && id != self.id)
            .then(|| self.peers.get(id.index()))
            .flatten()
    }
    /// When the election timer will fire (none for a leader without CheckQuorum).
    pub fn election_due(&self) -> Option<Time> {
        self.election_due
    }
    /// Leader: when its next round of heartbeats leaves.
    pub fn heartbeat_due(&self) -> Option<Time> {
        self.heartbeat_due
    }
    pub fn pending_reads(&self) -> &[PendingRead] {
        &self.reads
    }
    pub fn sent(&self) -> &MsgCounts {
        &self.sent
    }
    /// The observer's records for the invariants (never read by the protocol).
    pub fn ghost(&self) -> &Ghost {
        &self.ghost
    }

    pub fn state_label(&self) -> &'static str {
        if self.role == Role::Follower && !self.is_member() {
            "NON-MEMBER"
        } else {
            self.role.label()
        }
    }

    /// Itself, if it belongs to its configuration (a leader that is removing itself does
    /// not count its own copy or vote, dissertation §4.2.2).
    pub(crate) fn self_if_member(&self) -> Members {
        let members = self.log.members();
        if members.contains(self.id) {
            Members::default().with(self.id)
        } else {
            Members::default()
        }
    }

    // ----- Shared helpers -----

    pub(crate) fn send<P: Host>(&mut self, cx: &mut Ctx<'_, P>, to: NodeId, msg: Msg) {
        let counter = match &msg {
            Msg::RequestVote { .. } => &mut self.sent.vote_requests,
            Msg::VoteReply { .. } => &mut self.sent.vote_replies,
            Msg::AppendEntries { entries, .. } if entries.is_empty() => &mut self.sent.heartbeats,
            Msg::AppendEntries { .. } => &mut self.sent.appends,
            Msg::AppendReply { .. } | Msg::SnapshotReply { .. } => &mut self.sent.append_replies,
            Msg::InstallSnapshot { .. } => &mut self.sent.snapshots,
            Msg::Request { .. } | Msg::Reply { .. } => &mut self.sent.to_clients,
        };
        *counter += 1;
        cx.send(to, msg);
    }

    /// Sets the election timer to a fresh random timeout (§5.2).
    pub(crate) fn reset_election_timer<P: Host>(&mut self, cx: &mut Ctx<'_, P>) {
        let (lo, hi) = (
            self.settings.election_timeout_min.0,
            self.settings.election_timeout_max.0,
        );
        let after = Time(cx.rng().between(lo, hi));
        self.arm_election_timer(cx, after);
    }

    pub(crate) fn arm_election_timer<P: Host>(&mut self, cx: &mut Ctx<'_, P>, after: Time) {
        let due = cx.now().saturating_add(after);
        cx.set_timer(Timer::Election, after);
        self.election_due = Some(due);
        cx.note(Note::ElectionTimerSet { due });
    }

    /// Whether it heard from a live leader within the minimum election timeout (a leader
    /// counts itself): then it refuses pre-votes and, with CheckQuorum, ignores votes.
    pub(crate) fn leader_recently_heard(&self, now: Time) -> bool {
        self.role == Role::Leader
            || self
                .leader_contact
                .is_some_and(|t| now < t.saturating_add(self.settings.election_timeout_min))
    }

    /// Adopts a newer term seen in a message from `from` (Figure 2, "all servers"): forget
    /// the vote and become a follower.
    pub(crate) fn adopt_term<P: Host>(&mut self, cx: &mut Ctx<'_, P>, term: Term, from: NodeId) {
        if term <= self.current_term {
            return;
        }
        self.current_term = term;
        self.ghost.touch();
        self.voted_for = None;
        self.leader = None;
        cx.note(Note::NewTerm { term, from });
        if self.role != Role::Follower {
            self.become_follower(cx, StepDown::HigherTerm);
        }
    }

    /// Leaves the leader or candidate role.
    pub(crate) fn become_follower<P: Host>(&mut self, cx: &mut Ctx<'_, P>, reason: StepDown) {
        if self.role != Role::Follower {
            cx.note(Note::SteppedDown {
                term: self.current_term,
                reason,
            });
        }
        self.leave_leadership(cx);
        self.role = Role::Follower;
        self.ghost.touch();
        self.ayes = Members::default();
        self.noes = Members::default();
        self.reset_election_timer(cx);
    }

    /// What a leader drops when it stops leading: its heartbeats, its pending reads, whose
    /// clients are told to look elsewhere, and the writes it was waiting to answer. Only
    /// the leader answers clients (§8): a deposed leader that answered once the write
    /// applied would repeat the new leader's answer, or answer for a leader it no longer
    /// is. Its clients time out and retry with the same serial number; the session makes
    /// the retry safe (§8; dissertation §6.3).
    pub(crate) fn leave_leadership<P: Host>(&mut self, cx: &mut Ctx<'_, P>) {
        if self.role != Role::Leader {
            return;
        }
        if self.leader == Some(self.id) {
            self.leader = None;
        }
        cx.cancel_timer(Timer::Heartbeat);
        self.heartbeat_due = None;
        for w in std::mem::take(&mut self.waiting) {
            cx.note(Note::RequestForgotten {
                client: w.client,
                serial: w.serial,
            });
        }
        for read in std::mem::take(&mut self.reads) {
            let answer = Answer::NotLeader(self.leader);
            let reply = Msg::Reply {
                serial: read.serial,
                answer,
            };
            self.send(cx, read.client, reply);
        }
    }

    /// Raises the commit index to `index` and applies what became committed.
    pub(crate) fn commit_to<P: Host>(&mut self, cx: &mut Ctx<'_, P>, index: Index) {
        if index <= self.commit_index {
            return;
        }
        self.commit_index = index;
        let chain = self.log.chain_at(index).unwrap_or_default();
        self.ghost.record_commit(index, chain, self.current_term);
        self.apply_committed(cx);
    }

    /// Applies the committed entries in order (Figure 2: "if commitIndex > lastApplied,
    /// apply log[lastApplied] to the state machine") and answers the clients waiting here.
    pub(crate) fn apply_committed<P: Host>(&mut self, cx: &mut Ctx<'_, P>) {
        while self.last_applied < self.commit_index {
            let index = self.last_applied + 1;
            let Some(entry) = self.log.entry(index).copied() else {
                break;
            };
            self.last_applied = index;
            self.ghost.record_apply(index, &entry);
            cx.note(Note::Applied { index });
            if let Command::Client { client, serial, op } = entry.command {
                let (result, _) = self.store.apply(client, serial, op);
                if let Some(k) = self
                    .waiting
                    .iter()
                    .position(|w| w.client == client && w.serial == serial)
                {
                    self.waiting.remove(k);
                    cx.note(Note::Answered {
                        client,
                        serial,
                        result,
                    });
                    let answer = Answer::Done(result);
                    self.send(cx, client, Msg::Reply { serial, answer });
                }
            }
        }
        self.serve_reads(cx);
        self.maybe_snapshot(cx);
    }

    // ----- Entry points from the node -----

    pub(crate) fn on_start<P: Host>(&mut self, cx: &mut Ctx<'_, P>) {
        // The volatile-vote variant restarts without the vote it cast in this term: say so,
        // since nothing on the stage shows a vote that is no longer there.
        if let Some((term, candidate)) = self.ghost.lost_vote {
            if term == self.current_term && self.voted_for.is_none() {
                cx.note(Note::VoteLost { term, candidate });
            }
        }
        if self.is_member() {
            self.reset_election_timer(cx);
        }
    }

    pub(crate) fn on_message<P: Host>(&mut self, cx: &mut Ctx<'_, P>, from: NodeId, msg: Msg) {
        match msg {
            Msg::RequestVote {
                term,
                last_log_index,
                last_log_term,
                pre_vote,
                transfer,
            } => {
                let last = (last_log_term, last_log_index);
                self.on_request_vote(cx, from, term, last, pre_vote, transfer);
            }
            Msg::VoteReply {
                term,
                granted,
                pre_vote,
            } => self.on_vote_reply(cx, from, term, granted, pre_vote),
            Msg::AppendEntries {
                term,
                prev_index,
                prev_term,
                entries,
                leader_commit,
                round,
            } => {
                let prev = (prev_index, prev_term);
                self.on_append_entries(cx, from, term, prev, entries, leader_commit, round);
            }
            Msg::AppendReply {
                term,
                success,
                index,
                hint,
                round,
            } => self.on_append_reply(cx, from, term, success, index, hint, round),
            Msg::InstallSnapshot {
                term,
                snapshot,
                round,
            } => self.on_install_snapshot(cx, from, term, *snapshot, round),
            Msg::SnapshotReply {
                term,
                last_index,
                round,
            } => self.on_snapshot_reply(cx, from, term, last_index, round),
            Msg::Request { serial, op } => self.on_client_request(cx, from, serial, op),
            Msg::Reply { .. } => {}
        }
    }

    pub(crate) fn on_timer<P: Host>(&mut self, cx: &mut Ctx<'_, P>, timer: Timer) {
        match timer {
            Timer::Election => self.on_election_timer(cx),
            Timer::Heartbeat => self.on_heartbeat(cx),
            Timer::ClientRetry | Timer::ClientThink => {}
        }
    }

    pub(crate) fn on_command<P: Host>(&mut self, cx: &mut Ctx<'_, P>, cmd: Cmd) {
        match cmd {
            Cmd::Client(_) => cx.note(Note::CommandIgnored {
                reason: Ignored::NotAClient,
            }),
            Cmd::TimeoutNow if !self.is_member() => cx.note(Note::CommandIgnored {
                reason: Ignored::NotAMember,
            }),
            Cmd::TimeoutNow => self.start_election(cx, true),
            Cmd::AddServer(id) => self.change_membership(cx, id, true),
            Cmd::RemoveServer(id) => self.change_membership(cx, id, false),
            Cmd::ElectionTimer(_) if self.role == Role::Leader => cx.note(Note::CommandIgnored {
                reason: Ignored::IsLeader,
            }),
            Cmd::ElectionTimer(ms) => self.arm_election_timer(cx, Cmd::timer_delay(ms)),
        }
    }

    /// A crash: keep `currentTerm`, `votedFor`, the log and the snapshot; forget the rest.
    pub(crate) fn on_crash(&mut self) {
        if self.settings.variant == Variant::VolatileVote {
            // The broken variant keeps its vote in memory only. The observer notes the
            // vote it loses (or keeps the one lost earlier in this term) for the narration.
            let term = self.current_term;
            self.ghost.lost_vote = self
                .voted_for
                .map(|v| (term, v))
                .or(self.ghost.lost_vote.filter(|(t, _)| *t == term));
            self.voted_for = None;
        }
        let snapshot_index = self.log.snapshot_index();
        self.role = Role::Follower;
        self.ghost.touch();
        self.leader = None;
        self.commit_index = snapshot_index;
        self.last_applied = snapshot_index;
        self.store = self.snapshot_store.clone();
        self.ayes = Members::default();
        self.noes = Members::default();
        self.peers.fill(Peer::default());
        self.heard = Members::default();
        self.leader_contact = None;
        self.reads.clear();
        self.waiting.clear();
        self.election_due = None;
        self.heartbeat_due = None;
        self.old_term_noted = 0;
        let chain = self.log.chain_at(snapshot_index).unwrap_or_default();
        self.ghost.reset_applied(snapshot_index, chain);
    }

    /// Lines describing the server, for the generic views.
    pub fn detail_lines(&self) -> Vec<Line> {
        let term = match self.voted_for {
            Some(v) => Line::tr("term {term}, voted for {server}").with("server", v),
            None => Line::tr("term {term}, voted for nobody"),
        };
        let mut lines = vec![
            term.with("term", self.current_term),
            Line::tr("commit {commit}, applied {applied}, log {first}..{last}")
                .with("commit", self.commit_index)
                .with("applied", self.last_applied)
                .with("first", self.log.first_index())
                .with("last", self.log.last_index()),
        ];
        let terms: Vec<String> = self
            .log
            .entries()
            .rev()
            .take(12)
            .map(|(_, e)| e.term.to_string())
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect();
        lines.push(Line::tr("terms: {terms}").with("terms", terms.join(" ")));
        let data: Vec<String> = self
            .store
            .entries()
            .map(|(k, v)| format!("{k}={v}"))
            .collect();
        if !data.is_empty() {
            lines.push(Line::value(data.join(" ")));
        }
        lines
    }
}
