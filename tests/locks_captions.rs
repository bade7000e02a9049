//! What the locks scene says at the steps a reviewer checked against Redis's docs, the
//! Redlock page, Kleppmann's fencing article and the ZooKeeper lock recipe: each sentence
//! is chosen from the model's real state, not from a guess.
use dsviz::algo::locks::{self, LockNode, LockTimer};
use dsviz::scene::locks::{believers_verdict, holder_sentence, HolderUnaware, Locks, HOLDS_MARK};
use dsviz::scene::{self, Built, RunSpec, Scene, SceneRun};
use dsviz::sim::run::Run;
use dsviz::sim::Protocol;

/// The run a link opens (no seed: the link's default), played far enough.
fn open(query: &str) -> SceneRun<Locks> {
    let (mut spec, problems) = RunSpec::from_query(query);
    assert!(problems.is_empty(), "{problems:?}");
    let Built { run, problems } = scene::build_scene::<Locks>(&mut spec);
    assert!(problems.is_empty(), "{problems:?}");
    let mut run = *run;
    run.extend(3_000);
    run
}

fn sentences(run: &SceneRun<Locks>, step: u64) -> Vec<String> {
    run.log(step, step).into_iter().map(|l| l.text).collect()
}

/// The whole run's sentences with their steps.
fn story(run: &SceneRun<Locks>) -> Vec<(u64, String)> {
    run.log(1, run.horizon())
        .into_iter()
        .map(|l| (l.step, l.text))
        .collect()
}

#[test]
fn a_redlock_client_that_never_held_a_server_is_not_told_its_lease_ran_out_there() {
    // Review finding 3: at step 42 client 1, refused everywhere, unlocks redis 5 as
    // Redlock requires; redis 5's key holds client 3's value.
    let run = open("?scene=locks&sc=redlock-pause");
    let said = sentences(&run, 42);
    let refusal = said
        .iter()
        .find(|t| t.contains("redis 5") && t.contains("client 1") && t.contains("never set"))
        .unwrap_or_else(|| panic!("step 42 explains the refused release: {said:#?}"));
    assert!(!refusal.contains("lease ran out"), "{refusal}");
    assert!(
        refusal.contains("Redlock unlocks every server"),
        "{refusal}"
    );
    assert!(refusal.contains("holds client 3's value"), "{refusal}");
}

#[test]
fn a_refused_release_says_the_lease_ran_out_only_after_that_lease_expired_on_that_server() {
    let mut refusals = 0;
    let mut ran_out = 0;
    for sc in ["redlock-pause", "gc-pause", "counter-reset", "crash-lease"] {
        let run = open(&format!("?scene=locks&sc={sc}"));
        let story = story(&run);
        for (step, text) in &story {
            let refused = text.contains(" does not delete the key for ")
                || text.contains(" deletes nothing for ")
                || text.contains("where its value was never set");
            refusals += usize::from(refused);
            if !refused || !text.contains("lease ran out") {
                continue;
            }
            // "{n} does not delete the key for {c}: {c}'s lease ran out on {n}'s clock ..."
            let (server, rest) = text
                .split_once(" does not delete the key for ")
                .or_else(|| text.split_once(" deletes nothing for "))
                .unwrap_or_else(|| panic!("{sc} step {step}: {text}"));
            let client = rest.split(':').next().unwrap_or_default();
            let expired = format!("{client}'s lease expires on {server}'s clock");
            assert!(
                story
                    .iter()
                    .any(|(s, t)| s < step && t.starts_with(&expired)),
                "{sc} step {step}: {text}"
            );
            ran_out += 1;
        }
    }
    assert!(refusals > 20, "refused releases were read: {refusals}");
    assert!(ran_out > 0, "some refusals follow a lease that ran out");
}

#[test]
fn a_redlock_server_frees_only_its_own_key() {
    // Review finding 12.
    let run = open("?scene=locks&sc=redlock-pause");
    let story = story(&run);
    let deletes: Vec<&String> = story
        .iter()
        .map(|(_, t)| t)
        .filter(|t| t.contains(" deletes the lock key for "))
        .collect();
    assert!(!deletes.is_empty());
    for t in deletes {
        assert!(t.contains("so this server's key is free"), "{t}");
    }
    let lease = open("?scene=locks&sc=contention");
    assert!(story_has(&lease, "random value, so the lock is free."));
}

fn story_has(run: &SceneRun<Locks>, text: &str) -> bool {
    story(run).iter().any(|(_, t)| t.contains(text))
}

#[test]
fn equal_fencing_tokens_are_not_said_to_keep_the_storage_safe() {
    // Review finding 4: at step 17 of counter-reset, client 1 and the paused client 3
    // both carry token 1, and client 3's stale write is accepted later.
    let mut run = open("?scene=locks&sc=counter-reset");
    run.seek(17);
    let lock = run.view().lock;
    let tokens: Vec<Option<u64>> = lock.believers.iter().map(|b| b.token).collect();
    assert_eq!(tokens, [Some(1), Some(1)]);
    let verdict = believers_verdict(&lock);
    assert!(verdict.contains("cannot tell them apart"), "{verdict}");
    assert!(verdict.contains("fencing will not help"), "{verdict}");
    assert!(!verdict.contains("rejected"), "{verdict}");
    // Where the tokens differ (the gc-pause run), fencing does keep the storage safe.
    let mut gc = open("?scene=locks&sc=gc-pause");
    let mut distinct = 0;
    for step in 0..gc.horizon().min(400) {
        gc.seek(step);
        let lock = gc.view().lock;
        if lock.believers.len() == 2 && lock.believers[0].token != lock.believers[1].token {
            assert!(
                believers_verdict(&lock).contains("older token's writes are rejected"),
                "step {step}"
            );
            distinct += 1;
        }
    }
    assert!(
        distinct > 0,
        "gc-pause has two holders with different tokens"
    );
}

#[test]
fn set_nx_is_never_shown_replying_a_token_the_incr_is() {
    // Review finding 5: SET replies only OK or nil; the token is INCR's.
    let run = open("?scene=locks&sc=contention");
    let said = sentences(&run, 10);
    let all = said.join("\n");
    assert!(
        all.contains("receives EVAL: SET lock f221 NX PX 100 ms + INCR lock:fencing from client 5"),
        "{all}"
    );
    assert!(
        all.contains("sends OK, token 1 (from INCR) to client 5"),
        "{all}"
    );
    assert!(
        all.contains(
            "SET replies only OK) and INCR lock:fencing, whose result 1 is the fencing token"
        ),
        "{all}"
    );
    assert!(!story_has(&run, "fencing token 1 from redis"));
    assert!(!story_has(&run, "OK, fencing token"));
    // Redlock's servers hand out no token: their request is the plain SET.
    let redlock = open("?scene=locks&sc=redlock-pause");
    assert!(story_has(&redlock, "sends SET lock "));
    assert!(!story_has(&redlock, "INCR"));
    // The legend says where the token comes from.
    let legend = Locks::legend();
    let message = legend
        .iter()
        .find(|e| e.label == "SET lock NX PX")
        .expect("the message entry");
    assert!(message.meaning.contains("INCR lock:fencing"));
    assert!(message
        .meaning
        .contains("SET itself replies only OK or nil"));
}

#[test]
fn a_queue_client_is_marked_holder_only_once_its_get_children_reply_says_so() {
    // Review finding 11: in crash-queue, client 3's session expires at step 40, making
    // client 1's node #2 the lowest; client 1 learns it at step 47.
    let mut run = open("?scene=locks&sc=crash-queue");
    let client_1 = locks::layout(&run.config).clients[0];
    let marked = |run: &SceneRun<Locks>| -> Vec<u32> {
        run.snapshot()
            .nodes
            .iter()
            .filter(|n| n.marks.iter().any(|m| m.text.starts_with(HOLDS_MARK)))
            .map(|n| n.id)
            .collect()
    };
    for step in 40..47 {
        run.seek(step);
        let view = run.view();
        let lock = &view.lock;
        let holder = lock.holder.as_ref().expect("a lowest node");
        assert_eq!(holder.client, client_1, "step {step}");
        assert!(!holder.believes, "step {step}");
        let said = holder_sentence(&view).expect("a sentence");
        assert!(
            said.starts_with("Lowest node under /lock: #2, client 1's."),
            "{said}"
        );
        assert!(!said.contains("holds the lock with"), "{said}");
        assert!(
            marked(&run).is_empty(),
            "step {step}: no holds-the-lock mark"
        );
    }
    run.seek(47);
    assert_eq!(
        holder_sentence(&run.view()).as_deref(),
        Some("client 1 holds the lock with fencing token 2.")
    );
    assert_eq!(marked(&run), [client_1.0]);
}

#[test]
fn a_crashed_queue_holder_is_said_to_have_crashed() {
    let mut run = open("?scene=locks&sc=crash-queue");
    run.seek(39);
    let said = holder_sentence(&run.view()).expect("a sentence");
    assert!(said.contains("client 3 has crashed"), "{said}");
}

#[test]
fn session_expiry_timers_name_the_client_as_the_stage_does() {
    // Review finding 16.
    let run = open("?scene=locks&sc=crash-queue");
    let client_3 = locks::layout(&run.config).clients[2];
    let label = LockNode::timer_label(&LockTimer::SessionExpiry {
        client: client_3,
        epoch: 1,
    })
    .to_string();
    assert_eq!(label, "session expiry (client 3, session 1)");
    assert!(story_has(
        &run,
        "zookeeper's session expiry (client 3, session 1) timer fires"
    ));
    assert!(!story_has(&run, "session expiry (n"));
}

#[test]
fn the_legend_says_every_client_is_idle_before_it_starts() {
    // Review finding 20.
    let idle = Locks::legend()
        .into_iter()
        .find(|e| e.label == "IDLE")
        .expect("IDLE");
    assert!(
        idle.meaning.contains("has not started yet"),
        "{}",
        idle.meaning
    );
}

#[test]
fn the_grant_count_is_labelled_a_statistic_of_the_run_across_an_empty_restart() {
    // Review finding 21: the grant count survives a restart without persistence, the
    // token counter does not.
    let mut run = open("?scene=locks&sc=counter-reset");
    run.seek(14);
    let server = &run.snapshot().nodes[0];
    let details: Vec<String> = server.details.iter().map(|l| l.to_string()).collect();
    let details = details.join(" | ");
    assert!(details.contains("last fencing token: 1"), "{details}");
    assert!(details.contains("2 grants in this run"), "{details}");
}

#[test]
fn a_lease_grant_still_on_its_way_is_told_as_redis_state_not_as_holding() {
    // Review finding 11, lease lock: at gc-pause step 36 redis has run the SET for client 2
    // and its OK (token 2) is on its way; client 2 learns it at a later step.
    let mut run = open("?scene=locks&sc=gc-pause");
    run.seek(36);
    let view = run.view();
    let holder = view.lock.holder.as_ref().expect("redis has the key");
    assert_eq!(holder.name, "client 2");
    assert!(!holder.believes);
    assert_eq!(view.holder_unaware, Some(HolderUnaware::ReplyInFlight));
    assert_eq!(
        holder_sentence(&view).as_deref(),
        Some("redis: key set for client 2 with fencing token 2 (reply in flight): client 2 does not know yet that it holds the lock.")
    );
    let marked = run
        .snapshot()
        .nodes
        .iter()
        .any(|n| n.marks.iter().any(|m| m.text.starts_with(HOLDS_MARK)));
    assert!(!marked, "no holds-the-lock mark while the reply flies");
    // Once the reply has arrived, the panel says client 2 holds the lock.
    let learnt = (37..120)
        .find(|&step| {
            run.seek(step);
            run.view().lock.holder.as_ref().is_some_and(|h| h.believes)
        })
        .expect("client 2 learns it holds the lock");
    run.seek(learnt);
    assert_eq!(
        holder_sentence(&run.view()).as_deref(),
        Some("client 2 holds the lock with fencing token 2.")
    );
}

#[test]
fn the_lease_panel_says_holds_the_lock_only_of_a_client_that_believes_it() {
    let mut told = [0_u32; 3];
    for sc in ["contention", "gc-pause", "crash-lease", "redlock-pause"] {
        let mut run = open(&format!("?scene=locks&sc={sc}"));
        for step in 0..run.horizon().min(400) {
            run.seek(step);
            let view = run.view();
            let Some(holder) = view.lock.holder.as_ref() else {
                continue;
            };
            let said = holder_sentence(&view).expect("a holder, a sentence");
            let claims = said.starts_with(&format!("{} holds the lock", holder.name));
            assert_eq!(claims, holder.believes, "{sc} step {step}: {said}");
            match view.holder_unaware {
                Some(HolderUnaware::ReplyInFlight) => {
                    told[0] += 1;
                    assert!(said.contains("in flight"), "{sc} step {step}: {said}");
                }
                Some(HolderUnaware::Releasing) => {
                    told[1] += 1;
                    assert!(
                        said.contains("release is on its way"),
                        "{sc} step {step}: {said}"
                    );
                }
                Some(HolderUnaware::NotWaiting) => told[2] += 1,
                None => assert!(holder.believes || holder.crashed, "{sc} step {step}"),
            }
        }
    }
    // Grants in flight and releases on their way happen in every run.
    assert!(told[0] > 20 && told[1] > 20, "{told:?}");
}
