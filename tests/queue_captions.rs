//! The queue scene's captions say what is true of the state at the steps a reviewer walked
//! against Redis's documentation: an acknowledgement that removes nothing is explained by
//! where the message really is (processed by another consumer, or lost with the consumer
//! group when Redis restarted empty), an XACK leaves the stream's entry in place, a push
//! that serves a blocked client does not say the message waits, and the broker's card
//! names blocked clients as the page does.
#![cfg(not(target_arch = "wasm32"))]

use dsviz::scene::narration::{caption, LogLine};
use dsviz::scene::{build, RunSpec};
use dsviz::sim::run::Run;

/// The run of a scenario, computed to `to` steps, and its log up to there.
fn log_of(scenario: &str, to: u64) -> (Box<dyn Run>, Vec<LogLine>) {
    let link = format!("?scene=queue&sc={scenario}");
    let (mut spec, problems) = RunSpec::from_query(&link);
    assert!(problems.is_empty(), "{link}: {problems:?}");
    let mut run = build(&mut spec).run;
    run.extend(to + 5);
    assert!(run.horizon() >= to, "{link} has {} steps", run.horizon());
    let log = run.log(0, to);
    (run, log)
}

fn caption_at(log: &[LogLine], step: u64) -> String {
    let lines: Vec<LogLine> = log.iter().filter(|l| l.step == step).cloned().collect();
    caption(&lines).unwrap_or_default()
}

/// The step whose caption contains every one of `parts`, from `from` on.
fn step_saying(log: &[LogLine], from: u64, to: u64, parts: &[&str]) -> u64 {
    (from..=to)
        .find(|&s| {
            let c = caption_at(log, s);
            parts.iter().all(|p| c.contains(p))
        })
        .unwrap_or_else(|| panic!("no caption in steps {from}..={to} says {parts:?}"))
}

#[test]
fn a_late_lrem_after_the_reaper_requeued_says_the_other_consumer_processed_it() {
    for (scenario, to) in [("slow-consumer", 170), ("idempotent", 180)] {
        let (_, log) = log_of(scenario, to);
        let ack = step_saying(
            &log,
            0,
            to,
            &["LREM processing:c1 1 p2.1 for c1", "(integer) 0"],
        );
        let said = caption_at(&log, ack);
        assert!(
            said.contains("c2 has already processed it: c1's work was a duplicate"),
            "{scenario} step {ack}: {said}"
        );
        let consumer = caption_at(&log, ack + 1);
        assert!(consumer.starts_with("c1 acknowledges p2.1, but Redis no longer held it"));
        for step in ack..=ack + 1 {
            let said = caption_at(&log, step);
            assert!(
                !said.contains("processed again"),
                "{scenario} step {step}: {said}"
            );
        }
        if scenario == "idempotent" {
            assert!(consumer.contains("a duplicate that the database had already skipped"));
        } else {
            assert!(consumer.contains("has applied its effect all the same"));
        }
    }
}

#[test]
fn after_redis_restarts_empty_a_lost_ack_blames_the_lost_group_not_a_requeue() {
    let (_, log) = log_of("broker-crash-none", 320);
    let restart = step_saying(&log, 0, 320, &["redis restarts"]);
    let mut acks = 0;
    for step in restart..=320 {
        let said = caption_at(&log, step);
        assert!(
            !said.contains("processed again") && !said.contains("requeued or claimed meanwhile"),
            "step {step}: {said}"
        );
        if said.contains("XACK") && said.contains("(integer) 0") {
            acks += 1;
            assert!(
                said.contains("Redis restarted without the consumer group, so nothing is pending"),
                "step {step}: {said}"
            );
        }
        if said.contains("XAUTOCLAIM") && said.contains("NOGROUP") {
            assert!(
                said.contains("Redis restarted without the group: nothing to claim")
                    && !said.contains("idle long enough"),
                "step {step}: {said}"
            );
        }
    }
    assert!(acks >= 2, "the two acknowledgements after the restart");
}

#[test]
fn an_xack_leaves_the_entry_in_the_stream_and_an_lrem_removes_the_only_copy() {
    let (_, log) = log_of("poison", 40);
    let said = caption_at(&log, step_saying(&log, 0, 40, &["c2 acknowledges p2.1"]));
    assert!(
        said.contains("leaves the group's pending entries list")
            && said.contains("the stream keeps the entry until it is trimmed")
            && !said.contains("Redis forgets it"),
        "{said}"
    );
    let (_, reliable) = log_of("blmove-crash", 80);
    let acked = step_saying(
        &reliable,
        0,
        80,
        &["acknowledges", "LREM removed the only copy"],
    );
    assert!(caption_at(&reliable, acked).contains("Redis forgets it"));
}

#[test]
fn a_push_that_serves_a_blocked_consumer_does_not_say_the_message_waits() {
    let (_, log) = log_of("happy", 20);
    let push = step_saying(&log, 0, 20, &["LPUSH queue p1.1"]);
    let said = caption_at(&log, push);
    assert!(
        said.contains("Redis hands it straight to c2") && !said.contains("waits at the head"),
        "{said}"
    );
}

#[test]
fn the_broker_card_names_blocked_consumers_as_the_page_does() {
    let (mut run, log) = log_of("happy", 8);
    let parked = step_saying(&log, 0, 8, &["c1 stays blocked"]);
    run.seek(parked);
    let redis = &run.snapshot().nodes[0];
    let lines: Vec<String> = redis.details.iter().map(dsviz::i18n::line).collect();
    assert!(lines.iter().any(|l| l == "blocked: c2, c1"), "{lines:?}");
}

/// A consumer that crashes holding a BRPOP'd message breaks "no confirmed message lost" in
/// the same step: the caption tells the crash first, the cause, then the violation (it
/// used to tell only the violation, and no caption of the run said that c2 crashed).
#[test]
fn a_crash_that_breaks_an_invariant_is_told_before_the_violation() {
    let (_run, log) = log_of("brpop-crash", 16);
    let step = step_saying(&log, 1, 16, &["c2 crashes"]);
    let caption = caption_at(&log, step);
    assert!(
        caption.starts_with("c2 crashes; no confirmed message lost is violated"),
        "{caption}"
    );
}
