//! A queue lock, the ZooKeeper recipe.
//!
//! The lock is a node, `/lock`. To ask for it, a client creates a child node that is
//! *ephemeral* (it lives only as long as the client's session) and *sequential* (the
//! server appends an ever-increasing number, so children are numbered in creation order).
//! Then it reads the children. If its own number is the lowest, it holds the lock.
//! Otherwise it waits, and waiting is where the two variants differ:
//!
//! - **Watch the predecessor**: the client sets a watch on the child just before its own
//!   and sleeps until that one is deleted (then it reads the children again: the
//!   predecessor may have left the queue without ever holding the lock). Each release
//!   wakes exactly one client. The clients form a fair FIFO queue.
//! - **Watch the lock node** (the naive version): every waiter watches the whole list of
//!   children. Every change (every release, and every new waiter) wakes *every* waiter,
//!   who all read the children again and set their watches again, only for one of them to
//!   win. That is the *herd effect*: the messages per acquisition grow with the number of
//!   waiters. The view counts the notifications and the messages.
//!
//! Releasing is deleting your child. A client that crashes cannot delete it, so the
//! session does: the client sends heartbeats, and when the server has heard nothing from
//! a session for the session timeout it expires the session and deletes its ephemeral
//! nodes, which wakes the next waiter. The lock is therefore a lease too, renewed by the
//! heartbeats rather than by the holder's requests. A holder cut off from the server, or
//! paused for longer than the timeout, loses the lock without knowing it until it hears
//! from the server again; the client library stops trusting its session once a whole
//! timeout has passed without a heartbeat reply, but a paused client cannot even do that.
//!
//! The fencing token is the child's sequence number (in ZooKeeper, the zxid of its
//! creation): it increases with every grant, so the storage can refuse older ones.
//!
//! The model's network may lose and reorder messages, where ZooKeeper's sessions run over
//! TCP. So requests are repeated until answered (they are idempotent: a repeated create
//! returns the node already made for that attempt), every reply and notification carries
//! the server's version (the zxid) so that a notification overtaken by a reply is not
//! missed, and heartbeat replies say when the server last notified the session, so a lost
//! notification is noticed.
use super::client::{Held, Progress};
use super::{client_label, send, LockMsg, LockNode, LockTimer, MsgStats, WatchTarget};
use crate::sim::{Ctx, NodeId, Time};
use std::collections::BTreeMap;

/// Messages of the queue lock. Every message names the client's session (`epoch`).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum QueueMsg {
    /// Heartbeat; `sent_at` comes back in the reply so the client can time its session.
    Ping {
        epoch: u32,
        sent_at: Time,
    },
    /// `last_notified`: the version of the last notification sent to this session.
    Pong {
        epoch: u32,
        sent_at: Time,
        last_notified: u64,
    },
    /// The server no longer knows this session (it expired or was closed).
    SessionExpired {
        epoch: u32,
    },
    /// The client is done: delete its nodes now.
    Close {
        epoch: u32,
    },
    /// Create an ephemeral sequential child of `/lock` (once per `attempt`).
    Create {
        epoch: u32,
        attempt: u32,
    },
    Created {
        epoch: u32,
        attempt: u32,
        seq: u64,
        version: u64,
    },
    /// Read the children; `watch`: be notified of the next change (herd variant).
    GetChildren {
        epoch: u32,
        watch: bool,
    },
    Children {
        epoch: u32,
        seqs: Vec<u64>,
        version: u64,
    },
    /// Does child `seq` exist? `watch`: be notified when it is deleted.
    Exists {
        epoch: u32,
        seq: u64,
        watch: bool,
    },
    ExistsReply {
        epoch: u32,
        seq: u64,
        exists: bool,
        version: u64,
    },
    Delete {
        epoch: u32,
        seq: u64,
    },
    Deleted {
        epoch: u32,
        seq: u64,
    },
    /// Notification: the children of `/lock` changed (herd variant).
    ChildrenChanged {
        epoch: u32,
        version: u64,
    },
    /// Notification: the watched child was deleted.
    NodeDeleted {
        epoch: u32,
        seq: u64,
        version: u64,
    },
}

impl QueueMsg {
    pub fn epoch(&self) -> u32 {
        match self {
            QueueMsg::Ping { epoch, .. }
            | QueueMsg::Pong { epoch, .. }
            | QueueMsg::SessionExpired { epoch }
            | QueueMsg::Close { epoch }
            | QueueMsg::Create { epoch, .. }
            | QueueMsg::Created { epoch, .. }
            | QueueMsg::GetChildren { epoch, .. }
            | QueueMsg::Children { epoch, .. }
            | QueueMsg::Exists { epoch, .. }
            | QueueMsg::ExistsReply { epoch, .. }
            | QueueMsg::Delete { epoch, .. }
            | QueueMsg::Deleted { epoch, .. }
            | QueueMsg::ChildrenChanged { epoch, .. }
            | QueueMsg::NodeDeleted { epoch, .. } => *epoch,
        }
    }

    pub fn is_notification(&self) -> bool {
        matches!(
            self,
            QueueMsg::ChildrenChanged { .. } | QueueMsg::NodeDeleted { .. }
        )
    }

    /// Session upkeep rather than lock traffic.
    pub fn is_heartbeat(&self) -> bool {
        matches!(
            self,
            QueueMsg::Ping { .. }
                | QueueMsg::Pong { .. }
                | QueueMsg::SessionExpired { .. }
                | QueueMsg::Close { .. }
        )
    }

    pub fn label(&self) -> String {
        let watch = |w: bool| if w { " + watch" } else { "" };
        match self {
            QueueMsg::Ping { .. } => "ping".into(),
            QueueMsg::Pong { .. } => "pong".into(),
            QueueMsg::SessionExpired { epoch } => format!("session {epoch} expired"),
            QueueMsg::Close { epoch } => format!("close session {epoch}"),
            QueueMsg::Create { .. } => "create /lock/n- (ephemeral, sequential)".into(),
            QueueMsg::Created { seq, .. } => format!("created #{seq}"),
            QueueMsg::GetChildren { watch: w, .. } => format!("get children{}", watch(*w)),
            QueueMsg::Children { seqs, .. } => {
                let list: Vec<String> = seqs.iter().map(|s| format!("#{s}")).collect();
                format!("children [{}]", list.join(" "))
            }
            QueueMsg::Exists { seq, watch: w, .. } => format!("exists #{seq}?{}", watch(*w)),
            QueueMsg::ExistsReply {
                seq, exists: true, ..
            } => format!("#{seq} exists"),
            QueueMsg::ExistsReply { seq, .. } => format!("#{seq} is gone"),
            QueueMsg::Delete { seq, .. } => format!("delete #{seq}"),
            QueueMsg::Deleted { seq, .. } => format!("deleted #{seq}"),
            QueueMsg::ChildrenChanged { .. } => "watch: children changed".into(),
            QueueMsg::NodeDeleted { seq, .. } => format!("watch: #{seq} deleted"),
        }
    }
}

/// A child of `/lock`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Child {
    pub seq: u64,
    pub client: NodeId,
    pub epoch: u32,
    attempt: u32,
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
    /// Counts every change; sequence numbers and versions are taken from it.
    zxid: u64,
    /// In sequence order.
    children: Vec<Child>,
    sessions: BTreeMap<(NodeId, u32), Session>,
    /// The newest session each client opened: an older one never comes back.
    newest_epoch: BTreeMap<NodeId, u32>,
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
            zxid: 0,
            children: Vec::new(),
            sessions: BTreeMap::new(),
            newest_epoch: BTreeMap::new(),
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
            session.last_notified = self.zxid;
            self.reply(cx, client, msg);
        }
    }

    /// Fires the herd's one-shot watches: every watcher of the children list hears of it.
    fn children_changed(&mut self, cx: &mut Ctx<'_, LockNode>) {
        let version = self.zxid;
        for (client, epoch) in std::mem::take(&mut self.child_watches) {
            self.notify(
                cx,
                client,
                epoch,
                QueueMsg::ChildrenChanged { epoch, version },
            );
        }
    }

    fn delete_child(&mut self, cx: &mut Ctx<'_, LockNode>, seq: u64) {
        let before = self.children.len();
        self.children.retain(|c| c.seq != seq);
        if self.children.len() == before {
            return;
        }
        self.zxid += 1;
        let version = self.zxid;
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
        let version = self.zxid;
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
                        self.zxid += 1;
                        let seq = self.zxid;
                        self.children.push(Child {
                            seq,
                            client: from,
                            epoch,
                            attempt,
                        });
                        self.children_changed(cx);
                        seq
                    }
                };
                let version = self.zxid;
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
                let reply = QueueMsg::Children {
                    epoch,
                    seqs,
                    version,
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

    pub fn detail_lines(&self) -> Vec<String> {
        let mut lines = Vec::new();
        if self.children.is_empty() {
            lines.push("/lock has no children: free".into());
        }
        for (i, child) in self.children.iter().enumerate() {
            let who = client_label(self.first_client, child.client);
            let role = if i == 0 {
                "holds the lock".to_string()
            } else {
                self.watch_of(child.client, child.epoch).to_string()
            };
            lines.push(format!("#{} {who}: {role}", child.seq));
        }
        for ((client, epoch), session) in &self.sessions {
            lines.push(format!(
                "session {} of {}: expires at {}",
                epoch,
                client_label(self.first_client, *client),
                session.last_heard.saturating_add(self.session_timeout)
            ));
        }
        lines.push(format!(
            "{} notifications sent, {} sessions expired",
            self.sent.notifications, self.sessions_expired
        ));
        lines
    }
}

/// Where a client is in the recipe.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Step {
    Idle,
    Creating,
    Reading,
    CheckingPredecessor(u64),
    Watching(WatchTarget),
    Holding,
    Deleting(u64),
}

/// The client's side of the queue lock: its session and its place in the queue.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(crate) struct QueueClient {
    server: NodeId,
    session_timeout: Time,
    request_timeout: Time,
    herd: bool,
    /// Durable: a new session always gets a number the server has not seen.
    epoch: u32,
    /// The live session's deadline: the client stops trusting it then unless a heartbeat
    /// reply moves it.
    session_deadline: Option<Time>,
    attempt: u32,
    my_seq: Option<u64>,
    step: Step,
    /// The request waiting for its reply, repeated on timeout.
    outstanding: Option<QueueMsg>,
    /// The newest server version a reply has shown this client.
    known_version: u64,
    /// The newest version a notification has brought.
    notified_version: u64,
    /// A heartbeat reply said a notification was sent that has not arrived; if the next
    /// one says so again, it was lost.
    missed_notification: Option<u64>,
}

impl QueueClient {
    pub(crate) fn new(
        server: NodeId,
        session_timeout: Time,
        request_timeout: Time,
        herd: bool,
    ) -> Self {
        QueueClient {
            server,
            session_timeout,
            request_timeout,
            herd,
            epoch: 0,
            session_deadline: None,
            attempt: 0,
            my_seq: None,
            step: Step::Idle,
            outstanding: None,
            known_version: 0,
            notified_version: 0,
            missed_notification: None,
        }
    }

    pub(crate) fn my_seq(&self) -> Option<u64> {
        self.my_seq
    }

    pub(crate) fn is_watching(&self) -> bool {
        matches!(self.step, Step::Watching(_))
    }

    fn heartbeat_interval(&self) -> Time {
        Time((self.session_timeout.0 / 3).max(1))
    }

    fn request(&mut self, cx: &mut Ctx<'_, LockNode>, sent: &mut MsgStats, msg: QueueMsg) {
        self.outstanding = Some(msg.clone());
        send(cx, sent, self.server, LockMsg::Queue(msg));
        cx.set_timer(LockTimer::Request, self.request_timeout);
    }

    fn answered(&mut self, cx: &mut Ctx<'_, LockNode>) {
        self.outstanding = None;
        cx.cancel_timer(LockTimer::Request);
    }

    fn read_children(&mut self, cx: &mut Ctx<'_, LockNode>, sent: &mut MsgStats) {
        self.step = Step::Reading;
        let msg = QueueMsg::GetChildren {
            epoch: self.epoch,
            watch: self.herd,
        };
        self.request(cx, sent, msg);
    }

    /// The client gives up on its session (it expired, or the client cannot tell).
    fn lose_session(&mut self, cx: &mut Ctx<'_, LockNode>) -> Progress {
        self.session_deadline = None;
        self.my_seq = None;
        self.step = Step::Idle;
        self.outstanding = None;
        cx.cancel_timer(LockTimer::Request);
        cx.cancel_timer(LockTimer::Ping);
        cx.cancel_timer(LockTimer::SessionCheck);
        Progress::Lost
    }

    pub(crate) fn begin(&mut self, cx: &mut Ctx<'_, LockNode>, sent: &mut MsgStats) -> Progress {
        if self.session_deadline.is_none() {
            self.epoch += 1;
            self.session_deadline = Some(cx.now().saturating_add(self.session_timeout));
            self.known_version = 0;
            self.notified_version = 0;
            self.missed_notification = None;
            cx.set_timer(LockTimer::Ping, self.heartbeat_interval());
            cx.set_timer(LockTimer::SessionCheck, self.session_timeout);
        }
        self.attempt += 1;
        self.my_seq = None;
        self.step = Step::Creating;
        let create = QueueMsg::Create {
            epoch: self.epoch,
            attempt: self.attempt,
        };
        self.request(cx, sent, create);
        Progress::Nothing
    }

    /// Decides from a fresh list of children: hold, or wait behind someone.
    fn evaluate(
        &mut self,
        cx: &mut Ctx<'_, LockNode>,
        sent: &mut MsgStats,
        seqs: &[u64],
        version: u64,
    ) -> Progress {
        let Some(me) = self.my_seq else {
            return Progress::Nothing;
        };
        let session_over = self.session_deadline.is_none_or(|d| cx.now() >= d);
        if !seqs.contains(&me) || session_over {
            // Our node is gone, so our session must be too; or the reply waited (in a
            // pause) past the time the client can vouch for its session.
            return self.lose_session(cx);
        }
        let predecessor = seqs.iter().copied().filter(|s| *s < me).max();
        match predecessor {
            None => {
                self.step = Step::Holding;
                Progress::Acquired(Held {
                    token: Some(me),
                    grant: me,
                    lease_value: None,
                    since: cx.now(),
                    believed_expiry: None,
                })
            }
            Some(_) if self.herd => {
                if self.notified_version > version {
                    // A change notification overtook this reply: the list is stale.
                    self.read_children(cx, sent);
                } else {
                    self.step = Step::Watching(WatchTarget::LockNode);
                }
                Progress::Nothing
            }
            Some(predecessor) => {
                self.step = Step::CheckingPredecessor(predecessor);
                let exists = QueueMsg::Exists {
                    epoch: self.epoch,
                    seq: predecessor,
                    watch: true,
                };
                self.request(cx, sent, exists);
                Progress::Nothing
            }
        }
    }

    pub(crate) fn on_message(
        &mut self,
        cx: &mut Ctx<'_, LockNode>,
        msg: QueueMsg,
        sent: &mut MsgStats,
    ) -> Progress {
        if self.session_deadline.is_none() || msg.epoch() != self.epoch {
            return Progress::Nothing; // about a session this client already gave up
        }
        match msg {
            QueueMsg::Pong {
                sent_at,
                last_notified,
                ..
            } => {
                let deadline = sent_at.saturating_add(self.session_timeout);
                let current = self.session_deadline.unwrap_or(deadline);
                if deadline > current {
                    self.session_deadline = Some(deadline);
                    cx.set_timer(LockTimer::SessionCheck, deadline.saturating_sub(cx.now()));
                }
                self.check_missed_notification(cx, sent, last_notified);
                Progress::Nothing
            }
            QueueMsg::SessionExpired { .. } => self.lose_session(cx),
            QueueMsg::Created {
                attempt,
                seq,
                version,
                ..
            } if self.step == Step::Creating && attempt == self.attempt => {
                self.answered(cx);
                self.my_seq = Some(seq);
                self.known_version = self.known_version.max(version);
                self.read_children(cx, sent);
                Progress::Nothing
            }
            QueueMsg::Children { seqs, version, .. } if self.step == Step::Reading => {
                self.answered(cx);
                self.known_version = self.known_version.max(version);
                self.evaluate(cx, sent, &seqs, version)
            }
            QueueMsg::ExistsReply {
                seq,
                exists,
                version,
                ..
            } if self.step == Step::CheckingPredecessor(seq) => {
                self.answered(cx);
                self.known_version = self.known_version.max(version);
                if !exists || self.notified_version > version {
                    self.read_children(cx, sent);
                } else {
                    self.step = Step::Watching(WatchTarget::Predecessor(seq));
                }
                Progress::Nothing
            }
            QueueMsg::ChildrenChanged { version, .. } | QueueMsg::NodeDeleted { version, .. } => {
                self.notified_version = self.notified_version.max(version);
                if self.is_watching() && version > self.known_version {
                    self.read_children(cx, sent);
                }
                Progress::Nothing
            }
            QueueMsg::Deleted { seq, .. } if self.step == Step::Deleting(seq) => {
                self.answered(cx);
                self.step = Step::Idle;
                self.my_seq = None;
                Progress::Released
            }
            _ => Progress::Nothing,
        }
    }

    fn check_missed_notification(
        &mut self,
        cx: &mut Ctx<'_, LockNode>,
        sent: &mut MsgStats,
        last_notified: u64,
    ) {
        let seen = self.known_version.max(self.notified_version);
        if last_notified <= seen {
            self.missed_notification = None;
        } else if !self.is_watching() {
            // A reply is on its way anyway; it will settle what to do next.
        } else if self.missed_notification.is_some() {
            // Two heartbeat replies in a row: the notification is lost, not late.
            self.missed_notification = None;
            self.read_children(cx, sent);
        } else {
            self.missed_notification = Some(last_notified);
        }
    }

    pub(crate) fn on_timer(
        &mut self,
        cx: &mut Ctx<'_, LockNode>,
        timer: LockTimer,
        sent: &mut MsgStats,
    ) -> Progress {
        let Some(deadline) = self.session_deadline else {
            return Progress::Nothing;
        };
        match timer {
            LockTimer::Ping => {
                let ping = QueueMsg::Ping {
                    epoch: self.epoch,
                    sent_at: cx.now(),
                };
                send(cx, sent, self.server, LockMsg::Queue(ping));
                cx.set_timer(LockTimer::Ping, self.heartbeat_interval());
                Progress::Nothing
            }
            LockTimer::SessionCheck if cx.now() >= deadline => self.lose_session(cx),
            LockTimer::Request => {
                if let Some(msg) = self.outstanding.clone() {
                    self.request(cx, sent, msg);
                }
                Progress::Nothing
            }
            _ => Progress::Nothing,
        }
    }

    pub(crate) fn release(&mut self, cx: &mut Ctx<'_, LockNode>, sent: &mut MsgStats) -> Progress {
        match (self.step, self.my_seq) {
            (Step::Holding, Some(seq)) => {
                self.step = Step::Deleting(seq);
                let delete = QueueMsg::Delete {
                    epoch: self.epoch,
                    seq,
                };
                self.request(cx, sent, delete);
                Progress::Nothing
            }
            _ => Progress::Released,
        }
    }

    /// Done with the lock: close the session so the server forgets it at once.
    pub(crate) fn finish(&mut self, cx: &mut Ctx<'_, LockNode>, sent: &mut MsgStats) {
        if self.session_deadline.is_some() {
            let close = QueueMsg::Close { epoch: self.epoch };
            send(cx, sent, self.server, LockMsg::Queue(close));
            self.lose_session(cx);
        }
    }

    pub(crate) fn on_crash(&mut self) {
        let epoch = self.epoch;
        *self = QueueClient::new(
            self.server,
            self.session_timeout,
            self.request_timeout,
            self.herd,
        );
        self.epoch = epoch;
    }

    pub(crate) fn detail_lines(&self) -> Vec<String> {
        let mut lines = Vec::new();
        if let Some(deadline) = self.session_deadline {
            lines.push(format!(
                "session {}: trusted until {deadline} (its own estimate)",
                self.epoch
            ));
        }
        if let Some(seq) = self.my_seq {
            let doing = match self.step {
                Step::Watching(target) => format!(", {target}"),
                Step::CheckingPredecessor(p) => format!(", checking #{p}"),
                Step::Reading => ", reading the children".into(),
                _ => String::new(),
            };
            lines.push(format!("its node: #{seq}{doing}"));
        }
        lines
    }
}
