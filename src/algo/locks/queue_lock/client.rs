//! The client's side of the recipe: its session, its child, and what it watches.
use super::messages::{QueueMsg, WatchTarget};
use crate::algo::locks::contract::{Held, Progress};
use crate::algo::locks::{send, LockMsg, LockNode, LockTimer, MsgStats};
use crate::sim::{Ctx, Line, NodeId, Time};

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
        head_grant: u64,
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
                    grant: head_grant,
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
            QueueMsg::Children {
                seqs,
                version,
                head_grant,
                ..
            } if self.step == Step::Reading => {
                self.answered(cx);
                self.known_version = self.known_version.max(version);
                self.evaluate(cx, sent, &seqs, version, head_grant.unwrap_or(0))
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

    pub(crate) fn detail_lines(&self) -> Vec<Line> {
        let mut lines = Vec::new();
        if let Some(deadline) = self.session_deadline {
            lines.push(
                Line::tr("session {epoch}: trusted until {time} (its own estimate)")
                    .with("epoch", self.epoch)
                    .with("time", deadline),
            );
        }
        if let Some(seq) = self.my_seq {
            lines.push(match self.step {
                Step::Watching(target) => Line::tr("its node: #{seq}, {watch}")
                    .with("seq", seq)
                    .text("watch", target.line()),
                Step::CheckingPredecessor(p) => Line::tr("its node: #{seq}, checking #{other}")
                    .with("seq", seq)
                    .with("other", p),
                Step::Reading => {
                    Line::tr("its node: #{seq}, reading the children").with("seq", seq)
                }
                _ => Line::tr("its node: #{seq}").with("seq", seq),
            });
        }
        lines
    }
}
