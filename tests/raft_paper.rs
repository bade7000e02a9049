//! What the Raft scene says and does, held to the Raft paper (Ongaro and Ousterhout,
//! "In Search of an Understandable Consensus Algorithm", 2014): only the leader answers
//! clients (§8), and the captions of the steps a reviewer walked say what the paper says.
#![cfg(not(target_arch = "wasm32"))]

use dsviz::algo::raft::{new_sim, scenario, scenarios, Answer, Msg, RaftNode, Role};
use dsviz::scene::narration::{caption, LogLine};
use dsviz::scene::raft::Raft;
use dsviz::scene::{build_scene, RunSpec, SceneRun};
use dsviz::sim::run::Run;
use dsviz::sim::scenario::resolve;
use dsviz::sim::{NodeId, Sim, Time, TraceEntry, TraceKind};

// ----- Only the leader answers clients -----

/// Each server's role, by node index (`None` for a client).
fn roles(sim: &Sim<RaftNode>) -> Vec<Option<Role>> {
    sim.nodes()
        .iter()
        .map(|(_, n, _)| n.as_server().map(|s| s.role()))
        .collect()
}

/// The answers (not redirects) that servers sent to clients in a scenario's run, each with
/// whether the sender led just before or just after the step that sent it.
fn answers_sent(id: &str, seed: u64) -> Vec<(u64, NodeId, bool)> {
    let (config, triggers) = scenario(id).expect("scenario exists");
    let sim = new_sim(seed, &config);
    let actions = resolve(sim.clone(), &triggers, 200_000);
    let mut sim = sim;
    let mut next = 0;
    let mut answers = Vec::new();
    loop {
        let before = roles(&sim);
        let mut trace: Vec<TraceEntry<RaftNode>> = Vec::new();
        if let Some(a) = actions.get(next).filter(|a| a.at <= sim.step_count()) {
            sim.apply(&a.action, a.time, Some(&mut trace));
            next += 1;
        } else if sim
            .next_event_time()
            .is_some_and(|t| t <= Time::from_millis(3_000))
        {
            sim.step(Some(&mut trace));
        } else {
            break;
        }
        let after = roles(&sim);
        for entry in &trace {
            if let TraceKind::Send {
                from,
                msg:
                    Msg::Reply {
                        answer: Answer::Done(_),
                        ..
                    },
                ..
            } = &entry.kind
            {
                let leads = |r: &[Option<Role>]| r[from.index()] == Some(Role::Leader);
                answers.push((entry.step, *from, leads(&before) || leads(&after)));
            }
        }
    }
    answers
}

/// §8: clients send their requests to the leader, and only the leader answers them. A
/// leader that steps down forgets the writes it was waiting to answer (the client retries
/// with the same serial number); before this, a deposed leader answered once the write it
/// had appended was applied, repeating the new leader's answer (partitioned-leader: n0
/// answered c1 "ok" after n1 had).
#[test]
fn no_server_but_the_leader_ever_answers_a_client() {
    let mut answers = 0;
    for info in scenarios() {
        for seed in 1..=3 {
            for (step, from, leads) in answers_sent(info.id, seed) {
                answers += 1;
                assert!(
                    leads,
                    "{} seed {seed}: n{} answers a client at step {step} without leading",
                    info.id, from.0
                );
            }
        }
    }
    assert!(
        answers > 50,
        "only {answers} answers: the runs serve clients"
    );
}

// ----- Captions -----

/// The run a link opens, played to a little past `step`.
fn open(query: &str, step: u64) -> Box<SceneRun<Raft>> {
    let (mut spec, problems) = RunSpec::from_query(query);
    assert!(problems.is_empty(), "{query}: {problems:?}");
    let mut run = build_scene::<Raft>(&mut spec).run;
    run.extend(step + 20);
    run
}

fn lines_at(run: &SceneRun<Raft>, step: u64) -> Vec<LogLine> {
    run.log(step, step)
        .into_iter()
        .filter(|l| l.step == step)
        .collect()
}

/// The sentences of a step.
fn texts_at(query: &str, step: u64) -> Vec<String> {
    let run = open(query, step);
    lines_at(&run, step).into_iter().map(|l| l.text).collect()
}

/// Every sentence of a scenario's run, to `steps`.
fn all_texts(query: &str, steps: u64) -> Vec<String> {
    let run = open(query, steps);
    run.log(1, run.horizon())
        .into_iter()
        .map(|l| l.text)
        .collect()
}

/// §5.4.1: a grant says the candidate's log is at least as up to date as the voter's, with
/// both logs' ends; in the broken variant it says the logs were not compared.
#[test]
fn a_vote_grant_says_which_logs_it_compared() {
    let step = texts_at("?scene=raft&sc=bug-vote-any-log&step=25", 25);
    let grant = "n1 votes for n2 in term 2 without comparing logs (the bug): n2's log (term 1, index 1) is behind its own (term 1, index 2), so n2 may lack committed entries.";
    assert!(step.iter().any(|t| t == grant), "{step:#?}");

    let first = texts_at("?scene=raft&sc=first-election", 10);
    let grant = "n1 votes for n2 in term 1, its only vote there: n2's log (empty) is at least as up to date as its own (empty) (§5.4.1).";
    assert!(first.iter().any(|t| t == grant), "{first:#?}");

    // After a crash, the new leader's voters compared real logs, and said so.
    let crash = all_texts("?scene=raft&sc=leader-crash", 600);
    let grants: Vec<&String> = crash
        .iter()
        .filter(|t| t.contains(" votes for ") && t.contains(", its only vote there: "))
        .collect();
    assert!(
        grants.iter().any(|t| t.contains("'s log (term ")),
        "{grants:#?}"
    );
    for grant in &grants {
        assert!(
            grant.contains("is at least as up to date as its own (")
                && grant.ends_with("(§5.4.1)."),
            "{grant}"
        );
    }
}

/// §8: a new leader's first entry is a no-op, and the caption says so and why.
#[test]
fn the_new_leaders_no_op_is_named() {
    let step = texts_at("?scene=raft&sc=first-election&step=13", 13);
    let no_op =
        "n2 appends a no-op entry 1 of its term 1, so that entries of earlier terms can commit (§8).";
    assert!(step.iter().any(|t| t == no_op), "{step:#?}");
}

/// partitioned-leader: the deposed leader n0 says it will not answer c1, and never does;
/// the new leader n4 answers c1 once.
#[test]
fn the_deposed_leader_forgets_its_clients_request_and_says_so() {
    let texts = all_texts("?scene=raft&sc=partitioned-leader", 400);
    let forgotten = "n0 is no longer the leader, so it will not answer c1's request #1: only the leader answers clients; c1 will retry with another server.";
    assert!(texts.iter().any(|t| t == forgotten), "{texts:#?}");
    assert!(
        !texts.iter().any(|t| t.starts_with("n0 answers c1")),
        "{texts:#?}"
    );
    let answers: Vec<&String> = texts
        .iter()
        .filter(|t| t.starts_with("n4 answers c1's request #1"))
        .collect();
    assert_eq!(answers.len(), 1, "{texts:#?}");
}

/// The caption of a step.
fn caption_at(query: &str, step: u64) -> String {
    let run = open(query, step);
    caption(&lines_at(&run, step)).unwrap_or_else(|| panic!("{query}: no caption at {step}"))
}

/// figure-8, step 25: the old-term entry on a majority is not committed, and the caption
/// says so (the matchIndex tally that leads to it is routine: the bar under n2's row draws
/// it). rejoin, step 46: two decisions join mid-sentence, the second starting with the
/// server, not a capital; in Chinese with one "；".
#[test]
fn figure_8_step_25_reads_as_one_sentence_in_both_languages() {
    let query = "?scene=raft&sc=figure-8&step=25";
    let en = caption_at(query, 25);
    assert_eq!(
        en,
        "n0 does not commit entry 2, though a majority stores it: its term 2 is older; it commits with a later entry of n0's own term (§5.4.2)."
    );
    let query = "?scene=raft&sc=rejoin&step=46";
    assert_eq!(
        caption_at(query, 46),
        "n4 hears from no leader in time: its election timeout fires in term 1; n4 becomes a candidate for term 2: it votes for itself and asks every other server for its vote."
    );
    dsviz::i18n::set_lang(dsviz::i18n::Lang::Zh);
    let zh = caption_at(query, 46);
    dsviz::i18n::set_lang(dsviz::i18n::Lang::En);
    assert!(!zh.contains("。；") && !zh.contains("。;"), "{zh}");
    assert!(zh.contains("；n4 成为任期 2 的候选人"), "{zh}");
}

/// partitioned-leader, step 87: the deposed n0 hears from the new leader; it sets its
/// election timer once (stepping down sets it; it used to be set a second time).
#[test]
fn a_leader_stepping_down_on_append_entries_sets_its_timer_once() {
    let texts = texts_at("?scene=raft&sc=partitioned-leader&step=87", 87);
    let timers = texts
        .iter()
        .filter(|t| t.starts_with("n0 sets its election timer"))
        .count();
    assert_eq!(timers, 1, "{texts:#?}");
    assert!(
        texts
            .iter()
            .any(|t| t.starts_with("n0 steps down in term 3")),
        "{texts:#?}"
    );
}

/// A follower's routine timer restart is narrated after what it did with the message, so
/// the caption leads with the decision: the vote it grants, the entries it stores.
#[test]
fn captions_lead_with_the_decision_not_the_timer() {
    let query = "?scene=raft&sc=first-election";
    let vote = caption_at(query, 10);
    assert!(
        vote.contains("n1 votes for n2 in term 1, its only vote there"),
        "{vote}"
    );
    let store = caption_at(query, 16);
    assert!(
        store
            .starts_with("n3 stores entries 1 to 1: its log matched the leader's just before them"),
        "{store}"
    );
    // Setting the timer is routine: it is in the log, never in the caption's second half.
    for (step, caption) in [(10, &vote), (16, &store)] {
        assert!(
            !caption.contains("sets its election timer"),
            "step {step}: {caption}"
        );
    }
    let wrong_vote = caption_at("?scene=raft&sc=bug-vote-any-log", 25);
    assert!(
        wrong_vote.contains("without comparing logs (the bug)"),
        "{wrong_vote}"
    );
}

/// Prints the log lines and captions around steps: `CASES='?scene=raft&sc=figure-8#25'
/// cargo test --test raft_paper print_captions -- --ignored --nocapture`.
#[test]
#[ignore]
fn print_captions() {
    let cases: Vec<(String, u64)> = std::env::var("CASES")
        .unwrap_or_default()
        .split(' ')
        .filter(|s| !s.is_empty())
        .filter_map(|c| {
            let (q, s) = c.rsplit_once('#')?;
            Some((q.to_string(), s.parse().ok()?))
        })
        .collect();
    if std::env::var("LANG_ZH").is_ok() {
        dsviz::i18n::set_lang(dsviz::i18n::Lang::Zh);
    }
    for (query, step) in cases {
        let run = open(&query, step);
        for s in step.saturating_sub(3)..=step + 6 {
            let lines = lines_at(&run, s);
            println!("--- {query} step {s}: {:?}", caption(&lines));
            for l in &lines {
                println!("    [{:?} {}] {}", l.weight, l.visible, l.text);
            }
        }
    }
}
