//! The Raft and Paxos captions a learner review found wrong or hiding the point of a step
//! (2026-12-01): the volatile-vote bug's lost and second vote, a node's decision leading
//! over a message the network lost, and singular counts ("1 server", "1 failed ballot").
#![cfg(not(target_arch = "wasm32"))]

use dsviz::algo::raft::RaftNode;
use dsviz::i18n::{with_lang, Lang};
use dsviz::scene::narration::caption;
use dsviz::scene::raft::Raft;
use dsviz::scene::{build, build_scene, RunSpec};
use dsviz::sim::run::Run;
use dsviz::sim::NodeId;

/// The caption of `step` of a link's run, in English.
fn caption_at(link: &str, step: u64) -> String {
    caption_in(link, step, Lang::En)
}

fn caption_in(link: &str, step: u64, lang: Lang) -> String {
    let (mut spec, problems) = RunSpec::from_query(link);
    assert!(problems.is_empty(), "{link}: {problems:?}");
    let mut run = build(&mut spec).run;
    run.extend(step + 5);
    assert!(run.horizon() >= step, "{link} has {} steps", run.horizon());
    // The log's sentences are written in the language of the moment.
    with_lang(lang, || {
        let lines: Vec<_> = run
            .log(step, step)
            .into_iter()
            .filter(|l| l.step == step)
            .collect();
        caption(&lines)
    })
    .unwrap_or_default()
}

/// n1's vote in term 1 as the model holds it at `step`.
fn n1_vote_at(step: u64) -> (u64, Option<NodeId>) {
    let (mut spec, problems) = RunSpec::from_query("?scene=raft&sc=bug-volatile-vote");
    assert!(problems.is_empty(), "{problems:?}");
    let mut run = build_scene::<Raft>(&mut spec).run;
    run.extend(step + 5);
    run.seek(step);
    let s = run
        .sim()
        .node(NodeId(1))
        .and_then(RaftNode::as_server)
        .expect("n1 is a server");
    (s.current_term(), s.voted_for())
}

#[test]
fn the_volatile_vote_restart_says_the_vote_was_lost_and_the_next_vote_is_the_second() {
    let link = "?scene=raft&sc=bug-volatile-vote";
    // The model: n1 votes for n0 in term 1 (step 7), forgets it in the crash (8-9), and
    // votes for n2 in the same term (11).
    assert_eq!(n1_vote_at(7), (1, Some(NodeId(0))));
    assert_eq!(n1_vote_at(9), (1, None));
    assert_eq!(n1_vote_at(11), (1, Some(NodeId(2))));
    let restart = caption_at(link, 9);
    assert!(
        restart.starts_with("n1 restarts; n1 has lost its vote"),
        "{restart}"
    );
    assert!(
        restart.contains("it voted for n0 in term 1") && restart.contains("(the bug)"),
        "{restart}"
    );
    let second = caption_at(link, 11);
    assert!(
        second.starts_with("n1 votes for n2 in term 1: its second vote in that term"),
        "{second}"
    );
    assert!(second.contains("forget its vote for n0"), "{second}");
    assert!(!second.contains("its only vote there"), "{second}");
    // The Chinese says the same.
    assert!(caption_in(link, 9, Lang::Zh).contains("n1 丢了它的投票"));
    assert!(caption_in(link, 11, Lang::Zh).contains("这是它在该任期的第二票"));
    // A correct server never says so: its vote is durable.
    for step in 1..=40 {
        let text = caption_at("?scene=raft&sc=leader-crash", step);
        assert!(
            !text.contains("second vote") && !text.contains("lost its vote"),
            "{text}"
        );
    }
}

/// Steps where a node decides and the network loses what it sent: the decision leads.
#[test]
fn a_decision_leads_over_a_message_the_network_lost() {
    let cases: &[(&str, u64, &str)] = &[
        (
            "?scene=raft&sc=partitioned-leader",
            28,
            "n0 appends c1's request #1 to its log as entry 2",
        ),
        (
            "?scene=raft&sc=rejoin",
            46,
            "n4 becomes a candidate for term 2",
        ),
        (
            "?scene=raft&sc=rejoin",
            75,
            "n4 becomes a candidate for term 3",
        ),
        (
            "?scene=raft&sc=rejoin",
            112,
            "n4 becomes a candidate for term 4",
        ),
        (
            "?scene=raft&sc=figure-8",
            29,
            "becomes a candidate for term 4",
        ),
        ("?scene=paxos&sc=crash-minority", 27, "n1 starts ballot 1.1"),
        (
            "?scene=paxos&sc=crash-minority",
            37,
            "n1 proposes green in ballot 1.1: no acceptor of its quorum has accepted anything",
        ),
        (
            "?scene=paxos&sc=crash-majority",
            42,
            "n1 must propose red in ballot 1.1",
        ),
        (
            "?scene=paxos&sc=leader-change",
            142,
            "n1 fills slot 0 with a no-op",
        ),
    ];
    for (link, step, said) in cases {
        let text = caption_at(link, *step);
        assert!(text.contains(said), "{link} step {step}: {text}");
        assert!(!text.contains("is lost"), "{link} step {step}: {text}");
    }
    // The partitioned leader's append is the caption's first words.
    let text = caption_at("?scene=raft&sc=partitioned-leader", 28);
    assert!(text.starts_with("n0 appends"), "{text}");
}

/// A pre-candidate (PreVote) that hears from the leader never was a candidate.
#[test]
fn a_pre_candidate_stops_its_prevote_not_a_candidacy() {
    let text = caption_at("?scene=raft&sc=rejoin-prevote", 121);
    assert!(
        text.starts_with("n4 stops its PreVote: it hears from the leader of term 1"),
        "{text}"
    );
    assert!(!text.contains("candidacy"), "{text}");
}

#[test]
fn a_count_of_one_is_singular() {
    let quorum = caption_at("?scene=raft&sc=check-quorum", 58);
    assert!(quorum.contains("n0 heard from 1 server during"), "{quorum}");
    let backoff = caption_at("?scene=paxos&sc=race", 35);
    assert!(backoff.contains("(1 failed ballot)"), "{backoff}");
    for text in [&quorum, &backoff] {
        assert!(
            !text.contains("1 servers") && !text.contains("1 failed ballots"),
            "{text}"
        );
    }
}
