//! What RaftScope's keys do, as action texts for the run: C sends a client request, R
//! restarts the leader (a crash, then a restart), T spreads the election timers so one
//! server clearly times out first, A aligns them so several time out together (a split
//! vote). Pure, so it is tested natively; the stage only dispatches the texts.
use crate::algo::raft::{Cmd, Role};
use crate::i18n::tr;
use crate::scene::raft::{next_write, RaftView, ServerView};
use crate::sim::{Action, NodeStatus, Time};

/// The smallest gap T leaves between two timers: more than a message round trip, so the
/// first candidate's requests arrive before the next timer fires.
pub const MIN_SPREAD: Time = Time::from_millis(40);

/// The servers whose election timer T and A move: up, in the configuration, not leading.
fn timed(view: &RaftView) -> Vec<&ServerView> {
    let mut servers: Vec<&ServerView> = view
        .servers
        .iter()
        .filter(|s| s.status == NodeStatus::Up && s.member && s.role != Role::Leader)
        .collect();
    // The one due first keeps the first slot, so spreading disturbs the run least.
    crate::sim::sort::sort_by_key(&mut servers, |s| {
        (s.election_due.unwrap_or(Time(u64::MAX)), s.id)
    });
    servers
}

fn timer(s: &ServerView, delay: Time) -> String {
    Action::Command(s.id, Cmd::ElectionTimer(delay.0 / 1000)).to_string()
}

/// T: timers from the minimum timeout on, evenly spread over the timeout range (at least
/// [`MIN_SPREAD`] apart).
pub fn spread_timers(view: &RaftView) -> Result<Vec<String>, &'static str> {
    let servers = timed(view);
    if servers.is_empty() {
        return Err(tr(
            "No server has an election timer to move: only the leader (or nobody) is up.",
        ));
    }
    let steps = servers.len().saturating_sub(1).max(1) as u64;
    let step = ((view.timeout_max.0 - view.timeout_min.0.min(view.timeout_max.0)) / steps)
        .max(MIN_SPREAD.0);
    Ok(servers
        .iter()
        .enumerate()
        .map(|(k, s)| timer(s, Time(view.timeout_min.0 + step * k as u64)))
        .collect())
}

/// A: every timer at the minimum timeout, so they all fire at the same moment.
pub fn align_timers(view: &RaftView) -> Result<Vec<String>, &'static str> {
    let servers = timed(view);
    if servers.is_empty() {
        return Err(tr(
            "No server has an election timer to move: only the leader (or nobody) is up.",
        ));
    }
    Ok(servers.iter().map(|s| timer(s, view.timeout_min)).collect())
}

/// R: crash the leader and restart it at once; it comes back as a follower with its
/// durable state (term, vote, log) and everything else forgotten.
pub fn restart_leader(view: &RaftView) -> Result<Vec<String>, &'static str> {
    let leader = view
        .leader
        .ok_or_else(|| tr("There is no leader to restart."))?;
    Ok(vec![
        Action::<Cmd>::Crash(leader).to_string(),
        Action::<Cmd>::Restart(leader).to_string(),
    ])
}

/// C: the first client that is up writes the next value (the same write the node menu
/// offers).
pub fn client_request(view: &RaftView) -> Result<String, &'static str> {
    let client = view
        .clients
        .iter()
        .find(|c| c.status == NodeStatus::Up)
        .ok_or_else(|| {
            if view.clients.is_empty() {
                tr("This run has no clients: set Clients to 1 or more.")
            } else {
                tr("Every client is down: restart one first.")
            }
        })?;
    Ok(Action::Command(client.id, Cmd::Client(next_write(view))).to_string())
}
