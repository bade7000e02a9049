//! The Raft tour's captions hold at their stops: each stop is placed as the page places it
//! (its scenario at the step its condition first holds), opened as a link opens it, and
//! what its caption claims is checked on the view the stage draws there (roles, terms,
//! logs, commit indexes, stores, the clients' history) and, where a caption tells what
//! happened before or what comes after, on the run around the stop.
#![cfg(not(target_arch = "wasm32"))]

use dsviz::algo::raft::{Command, RaftNode, Role, Server};
use dsviz::scene::raft::{CellKind, Raft, RaftView, ServerView};
use dsviz::scene::tour::{place_tour, PlacedStop};
use dsviz::scene::{self, RunSpec, Scene, SceneRun};
use dsviz::sim::run::Run;
use dsviz::sim::{NodeId, NodeStatus};

fn open(spec: &RunSpec) -> Box<SceneRun<Raft>> {
    let mut spec = spec.clone();
    let built = scene::build_scene::<Raft>(&mut spec);
    assert!(built.problems.is_empty(), "{:?}", built.problems);
    built.run
}

fn open_stop(stop: &PlacedStop) -> (Box<SceneRun<Raft>>, RaftView, u64) {
    let mut run = open(&stop.spec);
    let step = stop.spec.step.unwrap_or(0);
    run.seek(step);
    assert_eq!(run.cursor(), step, "{} opens at its step", stop.title);
    let view = run.view();
    (run, view, step)
}

/// Moves the cursor to `step`, running the simulation further if it has not got there.
fn seek(run: &mut SceneRun<Raft>, step: u64) {
    while step > run.horizon() {
        let before = run.horizon();
        run.extend(1_000);
        assert!(run.horizon() > before, "the run goes on");
    }
    run.seek(step);
    assert_eq!(run.cursor(), step);
}

fn stop(title: &str) -> PlacedStop {
    let placed = place_tour::<Raft>();
    assert_eq!(placed.len(), Raft::tour().len(), "every stop is placed");
    placed
        .into_iter()
        .find(|s| s.title == title)
        .unwrap_or_else(|| panic!("no stop \"{title}\""))
}

fn sv(view: &RaftView, id: u32) -> &ServerView {
    view.server(NodeId(id)).expect("a server")
}

fn leaders(view: &RaftView) -> Vec<&ServerView> {
    view.servers
        .iter()
        .filter(|s| s.status == NodeStatus::Up && s.role == Role::Leader)
        .collect()
}

fn server(run: &SceneRun<Raft>, id: u32) -> Server {
    run.sim()
        .node(NodeId(id))
        .and_then(RaftNode::as_server)
        .expect("a server")
        .clone()
}

/// The index and term of client writes in a server's log (the whole log, not the window).
fn client_writes(s: &Server) -> Vec<(u64, u64, Command)> {
    s.log()
        .entries()
        .filter(|(_, e)| matches!(e.command, Command::Client { .. }))
        .map(|(i, e)| (i, e.term, e.command))
        .collect()
}

/// Every server up, one leader, and every log and commit index equal to the leader's.
fn assert_converged(view: &RaftView, title: &str) -> NodeId {
    let lead = leaders(view);
    assert_eq!(lead.len(), 1, "{title}: one leader");
    let l = lead[0];
    for s in &view.servers {
        assert_eq!(s.status, NodeStatus::Up, "{title}: {} is up", s.name);
        assert_eq!(
            s.cells, l.cells,
            "{title}: {}'s log is the leader's",
            s.name
        );
        assert_eq!(s.commit, l.commit, "{title}: {} knows the commit", s.name);
    }
    l.id
}

#[test]
fn the_first_election_stop_shows_one_leader_whose_heartbeats_hold_the_others() {
    let (mut run, view, step) = open_stop(&stop("The first election"));
    assert_eq!(view.servers.len(), 5, "five servers");
    let lead = leaders(&view);
    assert_eq!(lead.len(), 1, "one leader");
    let (leader, term) = (lead[0].id, lead[0].term);
    assert_eq!(term, 1, "it won the first term");
    // It had a majority of votes: three of five servers voted for it in term 1.
    let votes = view
        .servers
        .iter()
        .filter(|s| s.term == 1 && s.voted_for == Some(leader))
        .count();
    assert!(votes >= 3, "{votes} votes");
    // Its heartbeats keep the others' timers from running out: a second later it still
    // leads term 1 and nobody has started an election.
    seek(&mut run, step + 400);
    let later = run.view();
    assert_eq!(later.leader, Some(leader));
    assert!(later.servers.iter().all(|s| s.term == 1), "no new term");
}

#[test]
fn the_split_vote_stop_shows_four_candidates_of_term_1_and_term_1_has_no_leader() {
    let (mut run, view, step) = open_stop(&stop("A split vote"));
    let candidates: Vec<_> = view
        .servers
        .iter()
        .filter(|s| s.role == Role::Candidate)
        .collect();
    assert_eq!(candidates.len(), 4, "four candidates");
    for c in &candidates {
        assert_eq!(c.term, 1);
        assert_eq!(c.voted_for, Some(c.id), "{} votes for itself", c.name);
    }
    assert!(leaders(&view).is_empty());
    // Every answer is in: the candidates refuse each other, n4 grants one of them.
    let granted: usize = candidates
        .iter()
        .map(|c| c.ayes.iter().filter(|v| **v != c.id).count())
        .sum();
    let refused: usize = candidates.iter().map(|c| c.noes.len()).sum();
    assert_eq!((granted, refused), (1, 15));
    assert!(candidates
        .iter()
        .all(|c| c.voters.len() == 4 && c.ayes.len() < 3));
    // No candidate can reach three votes: term 1 ends without a leader.
    let mut first_leader = None;
    for s in step..step + 3_000 {
        seek(&mut run, s);
        if let Some(l) = leaders(&run.view()).first() {
            first_leader = Some(l.term);
            break;
        }
    }
    assert!(first_leader.is_some_and(|t| t >= 2), "{first_leader:?}");
}

/// "n2's runs out first: it asks first and wins term 2. n4's runs out soon after, too late:
/// the others have already voted for n2, so n4 has only its own vote, and it follows n2 once
/// it hears from it." The stage shows no candidate left standing (a candidate still counting
/// "votes: 1 of 3" would look like a second split vote).
#[test]
fn the_randomized_timeouts_stop_shows_n2_leading_term_2_and_the_late_candidate_n4_following_it() {
    let (mut run, view, step) = open_stop(&stop("Why timeouts are randomized"));
    let lead = leaders(&view);
    assert_eq!(lead.len(), 1);
    assert_eq!((lead[0].id, lead[0].term), (NodeId(2), 2), "n2 wins term 2");
    for s in &view.servers {
        assert_eq!(s.term, 2, "{} is in term 2", s.name);
        if s.id != NodeId(2) {
            assert_eq!(
                s.role,
                Role::Follower,
                "{} follows: no candidate left",
                s.name
            );
        }
    }
    // n4 has just heard from n2 (the stop's step): it follows n2 now.
    assert_eq!(sv(&view, 4).leader, Some(NodeId(2)), "n4 follows n2");
    // n4 stood for term 2 (its vote there is its own); the other three voted for n2.
    assert_eq!(
        sv(&view, 4).voted_for,
        Some(NodeId(4)),
        "n4 was a candidate for term 2"
    );
    for i in [0, 1, 3] {
        assert_eq!(sv(&view, i).voted_for, Some(NodeId(2)), "n{i} voted for n2");
    }
    // n2's timer ran out first: when term 2 began, n2 alone had it. n4 became a candidate
    // after that, and never had a second vote.
    let mut first_term_2 = None;
    let mut n4_candidate = None;
    for s in 0..=step {
        seek(&mut run, s);
        let v = run.view();
        let in_2: Vec<NodeId> = v
            .servers
            .iter()
            .filter(|s| s.term == 2)
            .map(|s| s.id)
            .collect();
        if first_term_2.is_none() && !in_2.is_empty() {
            first_term_2 = Some((s, in_2));
        }
        let n4 = sv(&v, 4);
        if n4.role == Role::Candidate && n4.term == 2 {
            n4_candidate.get_or_insert(s);
            assert!(
                n4.ayes.len() <= 1,
                "n4 never has a second vote: {:?}",
                n4.ayes
            );
        }
    }
    let (began, who) = first_term_2.expect("term 2 began");
    assert_eq!(who, vec![NodeId(2)], "n2 alone starts term 2");
    let n4_at = n4_candidate.expect("n4 stood for term 2");
    assert!(
        n4_at > began,
        "n4's timer ran out after n2's ({n4_at} > {began})"
    );
}

#[test]
fn the_replication_stop_shows_n0_committing_the_write_on_a_majority() {
    let (run, view, _) = open_stop(&stop("Commit by a majority"));
    assert_eq!(view.leader, Some(NodeId(0)), "n0 leads");
    let n0 = server(&run, 0);
    let writes = client_writes(&n0);
    assert_eq!(writes.len(), 1, "the client's write");
    let (index, term, _) = writes[0];
    assert!(index <= n0.commit_index(), "n0 committed it");
    let l = sv(&view, 0);
    let cell = l
        .cells
        .iter()
        .find(|c| c.index == index)
        .expect("in the grid");
    let CellKind::Put(key, value) = cell.kind else {
        panic!("a write: {:?}", cell.kind)
    };
    assert!(
        l.store.contains(&(key, value)),
        "n0 applied it: {:?}",
        l.store
    );
    let holders = (0..5)
        .filter(|&i| server(&run, i).log().term_at(index) == Some(term))
        .count();
    assert!(holders >= 3, "a majority stores it ({holders})");
}

#[test]
fn the_leader_crash_stop_shows_a_new_leader_of_a_higher_term_holding_the_write() {
    let (run, view, _) = open_stop(&stop("The leader crashes"));
    assert_eq!(sv(&view, 0).status, NodeStatus::Crashed, "n0 crashed");
    let lead = leaders(&view);
    assert_eq!(lead.len(), 1);
    assert_ne!(lead[0].id, NodeId(0));
    assert!(lead[0].term > sv(&view, 0).term, "a higher term");
    let old = client_writes(&server(&run, 0));
    assert_eq!(old.len(), 1);
    let new = client_writes(&server(&run, lead[0].id.0));
    assert!(new.contains(&old[0]), "the committed write is in its log");
    // "n0 had committed the write, though the others still draw it dashed: n0 crashed
    // before telling them."
    let (index, ..) = old[0];
    // A crash empties the commit index (it is volatile); the observer's notes keep what
    // n0 learned before.
    assert!(
        server(&run, 0)
            .ghost()
            .commits
            .iter()
            .any(|m| m.index >= index),
        "n0 committed it"
    );
    for i in 1..5 {
        let s = server(&run, i);
        assert!(
            s.commit_index() < index,
            "n{i} does not know it committed: commit index {}",
            s.commit_index()
        );
    }
}

#[test]
fn the_minority_stop_shows_the_write_taking_effect_exactly_once() {
    let (mut run, view, step) = open_stop(&stop("Crash mid-write: on a minority"));
    let leader = assert_converged(&view, "minority");
    assert_ne!(leader, NodeId(0), "a leader elected without n0's entry");
    let now: Vec<_> = client_writes(&server(&run, leader.0));
    // The client's operation returned once, and the leader's log holds it once, in a
    // term after n0's: the retry, with the same client and serial number.
    let c = &view.clients[0];
    let done: Vec<_> = c.history.iter().filter(|o| o.returned.is_some()).collect();
    assert_eq!(done.len(), 1, "{:?}", c.history);
    assert_eq!(now.len(), 1, "{now:?}");
    let (index, term, Command::Client { client, serial, op }) = now[0] else {
        unreachable!()
    };
    assert_eq!((client, op), (c.id, done[0].op));
    assert!(index <= sv(&view, leader.0).commit);
    // Before: n0 appended the write in its own term, and it reached one follower only.
    let mut first = None;
    for s in 0..step {
        run.seek(s);
        if let Some(&w) = client_writes(&server(&run, 0)).first() {
            let holders = (0..5)
                .filter(|&i| client_writes(&server(&run, i)).contains(&w))
                .count();
            first = Some((w, holders));
            if holders == 2 {
                break;
            }
        }
    }
    let ((old_index, old_term, old_command), holders) = first.expect("n0 appended the write");
    assert_eq!(holders, 2, "n0 and one follower held it");
    assert!(old_term < term, "the retry is in a later term");
    let Command::Client {
        serial: old_serial, ..
    } = old_command
    else {
        unreachable!()
    };
    assert_eq!(old_serial, serial, "the retry has the same serial number");
    // That copy is gone everywhere: deleted when its holders rejoined.
    run.seek(step);
    for i in 0..5 {
        assert_ne!(
            server(&run, i).log().term_at(old_index),
            Some(old_term),
            "n{i} still holds the uncommitted entry"
        );
    }
}

#[test]
fn the_majority_stop_shows_the_new_leader_keeping_and_committing_the_write() {
    let (run, view, _) = open_stop(&stop("Crash mid-write: on a majority"));
    let leader = assert_converged(&view, "majority");
    assert_ne!(leader, NodeId(0));
    let l = server(&run, leader.0);
    let writes = client_writes(&l);
    assert_eq!(writes.len(), 1, "{writes:?}");
    let (index, term, _) = writes[0];
    assert_eq!(term, 1, "the entry n0 wrote in term 1, kept");
    assert!(index <= l.commit_index(), "and committed");
}

#[test]
fn the_figure_8_stop_shows_index_2_overwritten_by_term_3_never_committed_as_term_2() {
    let at = stop("Figure 8: the current-term rule");
    let (mut run, view, step) = open_stop(&at);
    let n4 = sv(&view, 4);
    assert_eq!(n4.role, Role::Leader);
    assert_eq!(n4.term, 5, "n4 won term 5");
    let overwritten = (0..5)
        .filter(|&i| server(&run, i).log().term_at(2) == Some(3))
        .count();
    assert!(overwritten >= 3, "index 2 is term 3 on a majority");
    // Before: n0 led term 4 and copied its term-2 entry to a majority, but no server ever
    // counted index 2 as committed while it held term 2.
    let mut copied = 0;
    let mut n0_led_4 = false;
    for s in 0..=step {
        run.seek(s);
        let n0 = server(&run, 0);
        n0_led_4 |= n0.role() == Role::Leader && n0.current_term() == 4;
        let term_2 = (0..5)
            .filter(|&i| server(&run, i).log().term_at(2) == Some(2))
            .count();
        copied = copied.max(term_2);
        for i in 0..5 {
            let s_i = server(&run, i);
            assert!(
                !(s_i.commit_index() >= 2 && s_i.log().term_at(2) == Some(2)),
                "step {s}: n{i} committed the term-2 entry"
            );
        }
    }
    assert!(n0_led_4, "n0 led term 4");
    assert!(
        copied >= 3,
        "the term-2 entry reached a majority ({copied})"
    );
    assert!(run.sim().violations().iter().all(Option::is_none));
}

#[test]
fn the_partition_stop_shows_both_clients_writes_committed_and_n0_following() {
    let (run, view, _) = open_stop(&stop("A cut-off leader rolls back"));
    let leader = assert_converged(&view, "partitioned leader");
    assert_ne!(leader, NodeId(0));
    assert_eq!(sv(&view, 0).role, Role::Follower, "n0 stepped down");
    let l = server(&run, leader.0);
    let writes = client_writes(&l);
    let clients: Vec<u32> = writes
        .iter()
        .filter(|(i, _, _)| *i <= l.commit_index())
        .filter_map(|(_, _, c)| match c {
            Command::Client { client, .. } => Some(client.0),
            _ => None,
        })
        .collect();
    let (c1, c2) = (view.clients[0].id.0, view.clients[1].id.0);
    assert!(
        clients.contains(&c1) && clients.contains(&c2),
        "{clients:?}"
    );
    for c in &view.clients {
        assert!(
            c.history.iter().all(|o| o.returned.is_some()),
            "{} answered",
            c.name
        );
    }
}

#[test]
fn the_prevote_stop_shows_n4_following_the_same_leader_in_the_same_term() {
    let at = stop("PreVote calms a rejoiner");
    let (mut run, view, _) = open_stop(&at);
    let n4 = sv(&view, 4);
    let leader = view.leader.expect("a leader");
    assert_eq!(n4.role, Role::Follower);
    assert_eq!(n4.leader, Some(leader));
    assert_eq!(n4.term, sv(&view, leader.0).term, "its term stayed put");
    assert!(
        server(&run, 4).sent().timeouts >= 2,
        "it timed out while cut off"
    );
    // The leader was never disturbed: it led the same term from before the cut.
    let mut first = None;
    for s in 0..at.spec.step.unwrap_or(0) {
        run.seek(s);
        if let Some(l) = leaders(&run.view()).first() {
            first = Some((l.id, l.term));
            break;
        }
    }
    assert_eq!(first, Some((leader, sv(&view, leader.0).term)));
    // Without PreVote, the same run ends with a higher term: the leader was forced out.
    let mut without = at.spec.clone();
    without.params.insert("prevote".into(), "0".into());
    let mut other = open(&without);
    seek(&mut other, at.spec.step.unwrap_or(0));
    let other_view = other.view();
    let top = other_view.servers.iter().map(|s| s.term).max().unwrap_or(0);
    assert!(
        top > sv(&view, leader.0).term,
        "without PreVote the term rises to {top}"
    );
}

/// The stops whose captions tell of an entry deleted or replaced show it on the stage: the
/// view keeps, under the logs, the entries each server's latest conflict removed.
#[test]
fn the_stops_that_tell_of_a_replaced_entry_show_it() {
    let removed = |title: &str| -> Vec<(String, Vec<(u64, u64)>)> {
        let (_, view, _) = open_stop(&stop(title));
        view.servers
            .iter()
            .filter(|s| !s.removed.is_empty())
            .map(|s| {
                (
                    s.name.clone(),
                    s.removed.iter().map(|c| (c.index, c.term)).collect(),
                )
            })
            .collect()
    };
    // n0 and the follower that stored the write (n2) lost it to the new leader's log.
    let one = |name: &str, cells: &[(u64, u64)]| (name.to_string(), cells.to_vec());
    assert_eq!(
        removed("Crash mid-write: on a minority"),
        [one("n0", &[(2, 1)]), one("n2", &[(2, 1)])]
    );
    // n4 overwrote index 2 (term 2) on n1 and n3; n1 also lost n0's term-4 entry after it.
    assert_eq!(
        removed("Figure 8: the current-term rule"),
        [one("n1", &[(2, 2), (3, 4)]), one("n3", &[(2, 2)])]
    );
    assert_eq!(
        removed("A cut-off leader rolls back"),
        [one("n0", &[(2, 1)])]
    );
    // Where nothing was replaced, nothing is shown.
    assert_eq!(removed("Crash mid-write: on a majority"), []);
    assert_eq!(removed("The first election"), []);
    // What was removed is the client's write, not a leader's no-op.
    let (_, view, _) = open_stop(&stop("A cut-off leader rolls back"));
    assert!(
        matches!(sv(&view, 0).removed[0].kind, CellKind::Put(..)),
        "{:?}",
        sv(&view, 0).removed
    );
}
