//! The lock server: a one-server ZooKeeper holding `/lock`, its children and its sessions.
use super::messages::{QueueMsg, WatchTarget};
use crate::algo::locks::{client_label, send, LockMsg, LockNode, LockNote, LockTimer, MsgStats};
use crate::sim::protocol::Renaming;

use crate::sim::sorted::SortedMap;
use crate::sim::{Ctx, Line, NodeId, Time};

/// A child of `/lock`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Child {
    pub seq: u64,
    pub client: NodeId,
    pub epoch: u32,
    attempt: u32,
    /// Ghost (the simulator's, never read by the server's decisions): the grant's place in
    /// the order of grants, given when this child became the first of the queue.
    ghost_grant: Option<u64>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
struct Session {
    last_heard: Time,
    last_notified: u64,
}

/// A (one-server) ZooKeeper holding the lock node. Its state is durable: a real ensemble
/// replicates it, so a crash and restart loses nothing but time.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct QueueServer {
    session_timeout: Time,
    herd: bool,
    first_client: u32,
    /// The lock node's child version (ZooKeeper's `cversion`): it counts every child
    /// created or deleted, and a new sequential child's number is taken from it. Replies
    /// and notifications carry it as their version (ZooKeeper uses the zxid there; here
    /// every change is to `/lock`'s children, so both count the same changes).
    cversion: u64,
    /// Ghost: how many children have become the first of the queue (the order of grants,
    /// independent of the sequence numbers that serve as fencing tokens).
    ghost_grants: u64,
    /// In sequence order.
    children: Vec<Child>,
    sessions: SortedMap<(NodeId, u32), Session>,
    /// The newest session each client opened: an older one never comes back.
    newest_epoch: SortedMap<NodeId, u32>,
    /// Sessions watching the list of children (one-shot watches).
    child_watches: Vec<(NodeId, u32)>,
    /// (watched child, watching session) pairs (one-shot watches).
    node_watches: Vec<(u64, NodeId, u32)>,
    sessions_expired: u64,
    pub sent: MsgStats,
}

impl QueueServer {
    pub fn new(session_timeout: Time, herd: bool, first_client: u32) -> Self {
        QueueServer {
            session_timeout,
            herd,
            first_client,
            cversion: 0,
            ghost_grants: 0,
            children: Vec::new(),
            sessions: SortedMap::new(),
            newest_epoch: SortedMap::new(),
            child_watches: Vec::new(),
            node_watches: Vec::new(),
            sessions_expired: 0,
            sent: MsgStats::default(),
        }
    }

    /// Whether this is the herd variant (waiters watch the lock node).
    pub fn is_herd(&self) -> bool {
        self.herd
    }

    /// The children in order: the first holds the lock.
    pub fn queue(&self) -> &[Child] {
        &self.children
    }

    pub fn sessions_expired(&self) -> u64 {
        self.sessions_expired
    }

    /// When a session expires if no more heartbeats arrive.
    pub fn session_expiry(&self, client: NodeId, epoch: u32) -> Option<Time> {
        self.sessions
            .get(&(client, epoch))
            .map(|s| s.last_heard.saturating_add(self.session_timeout))
    }

    /// What a session is watching, as registered on the server.
    pub fn watch_of(&self, client: NodeId, epoch: u32) -> WatchTarget {
        if self.child_watches.contains(&(client, epoch)) {
            return WatchTarget::LockNode;
        }
        self.node_watches
            .iter()
            .find(|(_, c, e)| (*c, *e) == (client, epoch))
            .map_or(WatchTarget::Nothing, |(seq, _, _)| {
                WatchTarget::Predecessor(*seq)
            })
    }

    /// The server with every client id it keeps renamed by `r` (symmetry reduction, see
    /// `locks::symmetry`): the owners of the children, the sessions and the watches. The
    /// queue's order is the order of creation (the sequence numbers), never of ids, so
    /// renaming leaves it alone. Maps keyed by client are rebuilt, so they are in the
    /// renamed ids' order: the only thing that order decides is the order in which a
    /// restart sets the sessions' expiry timers, which the kernel keeps sorted anyway.
    pub(crate) fn renamed(&self, r: &Renaming) -> QueueServer {
        QueueServer {
            children: self
                .children
                .iter()
                .map(|c| Child {
                    client: r.of(c.client),
                    ..c.clone()
                })
                .collect(),
            // Not `collect()`: it would sort with its own copy of the std sort.
            sessions: crate::sim::sorted::SortedMap::from_iter(
                self.sessions
                    .iter()
                    .map(|((client, epoch), s)| ((r.of(*client), *epoch), *s)),
            ),
            newest_epoch: crate::sim::sorted::SortedMap::from_iter(
                self.newest_epoch
                    .iter()
                    .map(|(client, epoch)| (r.of(*client), *epoch)),
            ),
            child_watches: self
                .child_watches
                .iter()
                .map(|(client, epoch)| (r.of(*client), *epoch))
                .collect(),
            node_watches: self
                .node_watches
                .iter()
                .map(|(seq, client, epoch)| (*seq, r.of(*client), *epoch))
                .collect(),
            ..self.clone()
        }
    }

    /// Registers activity on a session, opening it if it is new. False when the session
    /// is unknown and cannot be opened (it expired or was closed).
    fn touch(&mut self, cx: &mut Ctx<'_, LockNode>, client: NodeId, epoch: u32) -> bool {
        let now = cx.now();
        match self.sessions.get_mut(&(client, epoch)) {
            Some(session) => session.last_heard = now,
            None => {
                if epoch <= self.newest_epoch.get(&client).copied().unwrap_or(0) {
                    return false;
                }
                self.newest_epoch.insert(client, epoch);
                let fresh = Session {
                    last_heard: now,
                    last_notified: 0,
                };
                self.sessions.insert((client, epoch), fresh);
            }
        }
        cx.set_timer(
            LockTimer::SessionExpiry { client, epoch },
            self.session_timeout,
        );
        true
    }

    fn reply(&mut self, cx: &mut Ctx<'_, LockNode>, to: NodeId, msg: QueueMsg) {
        send(cx, &mut self.sent, to, LockMsg::Queue(msg));
    }

    fn notify(&mut self, cx: &mut Ctx<'_, LockNode>, client: NodeId, epoch: u32, msg: QueueMsg) {
        if let Some(session) = self.sessions.get_mut(&(client, epoch)) {
            session.last_notified = self.cversion;
            self.reply(cx, client, msg);
        }
    }

    /// Fires the herd's one-shot watches: every watcher of the children list hears of it.
    fn children_changed(&mut self, cx: &mut Ctx<'_, LockNode>) {
        let version = self.cversion;
        for (client, epoch) in std::mem::take(&mut self.child_watches) {
            self.notify(
                cx,
                client,
                epoch,
                QueueMsg::ChildrenChanged { epoch, version },
            );
        }
    }

    /// Ghost bookkeeping: a child that has just become the first of the queue is the next
    /// grant.
    fn number_the_head(&mut self) {
        if let Some(head) = self.children.first_mut() {
            if head.ghost_grant.is_none() {
                self.ghost_grants += 1;
                head.ghost_grant = Some(self.ghost_grants);
            }
        }
    }

    fn delete_child(&mut self, cx: &mut Ctx<'_, LockNode>, seq: u64) {
        let before = self.children.len();
        self.children.retain(|c| c.seq != seq);
        if self.children.len() == before {
            return;
        }
        self.number_the_head();
        self.cversion += 1;
        let version = self.cversion;
        let (fired, kept): (Vec<_>, Vec<_>) = std::mem::take(&mut self.node_watches)
            .into_iter()
            .partition(|(watched, _, _)| *watched == seq);
        self.node_watches = kept;
        for (_, client, epoch) in fired {
            let msg = QueueMsg::NodeDeleted {
                epoch,
                seq,
                version,
            };
            self.notify(cx, client, epoch, msg);
        }
        self.children_changed(cx);
    }

    /// Ends a session: its watches go, and its ephemeral nodes are deleted.
    fn end_session(&mut self, cx: &mut Ctx<'_, LockNode>, client: NodeId, epoch: u32) {
        if self.sessions.remove(&(client, epoch)).is_none() {
            return;
        }
        cx.cancel_timer(LockTimer::SessionExpiry { client, epoch });
        self.child_watches.retain(|w| *w != (client, epoch));
        self.node_watches
            .retain(|(_, c, e)| (*c, *e) != (client, epoch));
        let owned: Vec<u64> = self
            .children
            .iter()
            .filter(|c| (c.client, c.epoch) == (client, epoch))
            .map(|c| c.seq)
            .collect();
        for seq in owned {
            self.delete_child(cx, seq);
        }
    }

    pub(crate) fn on_message(&mut self, cx: &mut Ctx<'_, LockNode>, from: NodeId, msg: QueueMsg) {
        let epoch = msg.epoch();
        if let QueueMsg::Close { .. } = msg {
            let newest = self.newest_epoch.entry(from).or_insert(0);
            *newest = (*newest).max(epoch);
            self.end_session(cx, from, epoch);
            return;
        }
        if !self.touch(cx, from, epoch) {
            self.reply(cx, from, QueueMsg::SessionExpired { epoch });
            return;
        }
        let version = self.cversion;
        match msg {
            QueueMsg::Ping { sent_at, .. } => {
                let last_notified = self.sessions[&(from, epoch)].last_notified;
                let pong = QueueMsg::Pong {
                    epoch,
                    sent_at,
                    last_notified,
                };
                self.reply(cx, from, pong);
            }
            QueueMsg::Create { attempt, .. } => {
                let existing = self
                    .children
                    .iter()
                    .find(|c| (c.client, c.epoch, c.attempt) == (from, epoch, attempt))
                    .map(|c| c.seq);
                let seq = match existing {
                    Some(seq) => seq,
                    None => {
                        self.cversion += 1;
                        let seq = self.cversion;
                        self.children.push(Child {
                            seq,
                            client: from,
                            epoch,
                            attempt,
                            ghost_grant: None,
                        });
                        self.number_the_head();
                        cx.note(LockNote::ChildCreated { client: from, seq });
                        self.children_changed(cx);
                        seq
                    }
                };
                let version = self.cversion;
                let created = QueueMsg::Created {
                    epoch,
                    attempt,
                    seq,
                    version,
                };
                self.reply(cx, from, created);
            }
            QueueMsg::GetChildren { watch, .. } => {
                if watch && !self.child_watches.contains(&(from, epoch)) {
                    self.child_watches.push((from, epoch));
                }
                let seqs = self.children.iter().map(|c| c.seq).collect();
                let head_grant = self.children.first().and_then(|c| c.ghost_grant);
                let reply = QueueMsg::Children {
                    epoch,
                    seqs,
                    version,
                    head_grant,
                };
                self.reply(cx, from, reply);
            }
            QueueMsg::Exists { seq, watch, .. } => {
                let exists = self.children.iter().any(|c| c.seq == seq);
                let watcher = (seq, from, epoch);
                if exists && watch && !self.node_watches.contains(&watcher) {
                    self.node_watches.push(watcher);
                }
                let reply = QueueMsg::ExistsReply {
                    epoch,
                    seq,
                    exists,
                    version,
                };
                self.reply(cx, from, reply);
            }
            QueueMsg::Delete { seq, .. } => {
                let owned = self
                    .children
                    .iter()
                    .any(|c| c.seq == seq && (c.client, c.epoch) == (from, epoch));
                if owned {
                    self.delete_child(cx, seq);
                }
                // Deleting twice is fine: the node is gone either way.
                self.reply(cx, from, QueueMsg::Deleted { epoch, seq });
            }
            // Replies and notifications only travel from the server.
            _ => {}
        }
    }

    pub(crate) fn on_timer(&mut self, cx: &mut Ctx<'_, LockNode>, timer: LockTimer) {
        if let LockTimer::SessionExpiry { client, epoch } = timer {
            let expired = self
                .session_expiry(client, epoch)
                .is_some_and(|at| at <= cx.now());
            if expired {
                self.sessions_expired += 1;
                let deleted = self
                    .children
                    .iter()
                    .filter(|c| (c.client, c.epoch) == (client, epoch))
                    .map(|c| c.seq)
                    .collect();
                cx.note(LockNote::SessionExpired {
                    client,
                    epoch,
                    deleted,
                });
                self.end_session(cx, client, epoch);
            }
        }
    }

    pub(crate) fn on_crash(&mut self) {
        // Durable: nothing is forgotten. Timers are gone; restart sets them again.
    }

    /// After a restart every session gets a whole timeout again (as after a ZooKeeper
    /// leader change): clients could not reach the server while it was down.
    pub(crate) fn on_restart(&mut self, cx: &mut Ctx<'_, LockNode>) {
        let now = cx.now();
        for ((client, epoch), session) in self.sessions.iter_mut() {
            session.last_heard = now;
            let timer = LockTimer::SessionExpiry {
                client: *client,
                epoch: *epoch,
            };
            cx.set_timer(timer, self.session_timeout);
        }
    }

    pub fn state_label(&self) -> &'static str {
        if self.children.is_empty() {
            "FREE"
        } else {
            "HELD"
        }
    }

    pub fn detail_lines(&self) -> Vec<Line> {
        let mut lines = Vec::new();
        if self.children.is_empty() {
            lines.push(Line::tr("/lock has no children: free"));
        }
        for (i, child) in self.children.iter().enumerate() {
            let role = if i == 0 {
                Line::tr("holds the lock")
            } else {
                self.watch_of(child.client, child.epoch).line()
            };
            lines.push(
                // (A catalogue line starting with `#` would be a comment.)
                Line::tr("{node} {client}: {role}")
                    .with("node", format_args!("#{}", child.seq))
                    .text("client", client_label(self.first_client, child.client))
                    .text("role", role),
            );
        }
        for ((client, epoch), session) in &self.sessions {
            lines.push(
                Line::tr("session {epoch} of {client}: expires at {time}")
                    .with("epoch", epoch)
                    .text("client", client_label(self.first_client, *client))
                    .with(
                        "time",
                        session.last_heard.saturating_add(self.session_timeout),
                    ),
            );
        }
        lines.push(
            Line::tr("{notifications} notifications sent, {expired} sessions expired")
                .with("notifications", self.sent.notifications)
                .with("expired", self.sessions_expired),
        );
        lines
    }
}
