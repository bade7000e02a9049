//! Unit tests that reach inside the nodes (fast invariants against a slow reference).
use super::config::Settings;
use super::durable_log::Storage;
use super::invariants::{check_atomicity, check_validity};
use super::*;
use crate::sim::{Sim, Time};

#[test]
fn commands_round_trip_through_text() {
    let all = [
        Cmd::Begin,
        Cmd::SetVote(Vote::Yes),
        Cmd::SetVote(Vote::No),
        Cmd::SetVote(Vote::Random),
    ];
    for cmd in all {
        assert_eq!(cmd.to_string().parse::<Cmd>(), Ok(cmd));
    }
    assert_eq!(Cmd::SetVote(Vote::No).to_string(), "vote-no");
    assert!("vote-maybe".parse::<Cmd>().is_err());
    for variant in Variant::ALL {
        assert_eq!(variant.to_string().parse::<Variant>(), Ok(variant));
    }
}

#[test]
fn validate_explains_what_is_wrong() {
    assert_eq!(TwoPcConfig::default().validate(), Ok(()));
    assert_eq!(TwoPcConfig::with_participants(7).validate(), Ok(()));
    let too_few = TwoPcConfig::with_participants(1)
        .validate()
        .unwrap_err()
        .to_string();
    assert!(too_few.contains("2 to 7 participants, not 1"), "{too_few}");
    let mismatch = TwoPcConfig {
        votes: vec![Vote::Yes],
        ..TwoPcConfig::default()
    };
    assert!(mismatch
        .validate()
        .unwrap_err()
        .to_string()
        .contains("3 participants but 1 votes"));
    let zero = TwoPcConfig {
        flush_time: Time::ZERO,
        ..TwoPcConfig::default()
    };
    assert!(zero
        .validate()
        .unwrap_err()
        .to_string()
        .contains("flush time must be longer than zero"));
    let long = TwoPcConfig {
        decision_timeout: Time::from_millis(60_001),
        ..TwoPcConfig::default()
    };
    assert!(long
        .validate()
        .unwrap_err()
        .to_string()
        .contains("decision timeout of 60001 ms is longer than the 60000 ms"));
}

/// The invariants as they were first written: obviously right, and slow (they loop
/// over every transaction any node mentions, times every node, times its log). The
/// fast ones must agree with them word for word.
mod reference {
    use super::super::config::LOG_KEEP;
    use super::super::invariants::{anyone_reached, who_reached};
    use super::super::*;
    use crate::sim::NodeSet;

    /// The nodes' lines in English, one after the other.
    fn english(lines: Vec<crate::sim::Line>) -> String {
        let all: Vec<String> = lines.iter().map(ToString::to_string).collect();
        all.join(", ")
    }

    fn tx_range(node: &TwoPcNode) -> Option<(TxId, TxId)> {
        let txs = node.log().iter().map(|r| r.tx()).chain(Some(node.tx()));
        let txs = txs.filter(|t| *t != 0);
        let lo = txs.clone().min()?;
        let hi = txs.max()?;
        Some((lo, hi))
    }

    fn mentioned_txs(nodes: &NodeSet<'_, TwoPcNode>) -> std::ops::RangeInclusive<TxId> {
        let ranges = nodes.iter().filter_map(|(_, node, _)| tx_range(node));
        let (lo, hi) = ranges.fold((TxId::MAX, 0), |(lo, hi), (a, b)| (lo.min(a), hi.max(b)));
        lo..=hi
    }

    pub fn check_atomicity(nodes: &NodeSet<'_, TwoPcNode>) -> Result<(), String> {
        for tx in mentioned_txs(nodes) {
            if anyone_reached(nodes, tx, Decision::Commit)
                && anyone_reached(nodes, tx, Decision::Abort)
            {
                return Err(format!(
                    "transaction t{tx} is committed at {} but aborted at {}",
                    english(who_reached(nodes, tx, Decision::Commit)),
                    english(who_reached(nodes, tx, Decision::Abort))
                ));
            }
        }
        Ok(())
    }

    pub fn check_validity(nodes: &NodeSet<'_, TwoPcNode>) -> Result<(), String> {
        let txs = mentioned_txs(nodes);
        let newest = *txs.end();
        for tx in txs.filter(|t| t + LOG_KEEP > newest) {
            if !anyone_reached(nodes, tx, Decision::Commit) {
                continue;
            }
            let silent: Vec<String> = nodes
                .iter()
                .filter(|(_, node, _)| node.as_participant().is_some_and(|p| !p.voted_yes_on(tx)))
                .map(|(id, _, _)| node_name(id))
                .collect();
            if !silent.is_empty() {
                return Err(format!(
                    "transaction t{tx} is committed at {} although {} never voted yes on it",
                    english(who_reached(nodes, tx, Decision::Commit)),
                    silent.join(", ")
                ));
            }
        }
        Ok(())
    }
}

/// Random nodes: logs, phases, current transactions and yes votes drawn from a window
/// of transactions that is sometimes narrow (many conflicts), sometimes wider than the
/// fast invariants' 64-transaction window, and sometimes includes transaction 0.
fn random_nodes(rng: &mut crate::sim::SimRng) -> Vec<TwoPcNode> {
    let participants = 2 + rng.below(6) as u32;
    let settings = Settings::new(&TwoPcConfig::with_participants(participants));
    let base = [0, 1, 40, 5_000][rng.below(4) as usize];
    let spread = [3, 6, 70, 300][rng.below(4) as usize];
    let longest = [4, 12, 40][rng.below(3) as usize];
    let tx = |rng: &mut crate::sim::SimRng| base + rng.below(spread) as TxId;
    let mut nodes = Vec::new();
    for i in 0..=participants {
        let mut storage = Storage::default();
        for _ in 0..rng.below(longest) {
            let t = tx(rng);
            let record = [
                Record::Begin,
                Record::Prepared,
                Record::Commit,
                Record::Abort,
            ][rng.below(4) as usize];
            storage.log.push(if i == 0 && rng.below(5) == 0 {
                Record::End(t)
            } else {
                record(t)
            });
        }
        let current = if rng.below(4) == 0 { 0 } else { tx(rng) };
        let node = if i == 0 {
            let phases = [
                CoordinatorPhase::Idle,
                CoordinatorPhase::Collecting,
                CoordinatorPhase::LoggingCommit,
                CoordinatorPhase::Finishing(Decision::Commit),
                CoordinatorPhase::Finishing(Decision::Abort),
                CoordinatorPhase::Crashed,
            ];
            let mut c = Coordinator::new(settings);
            c.storage = storage;
            c.tx = current;
            c.phase = phases[rng.below(phases.len() as u64) as usize];
            TwoPcNode::Coordinator(c)
        } else {
            let phases = [
                ParticipantPhase::Init,
                ParticipantPhase::Working,
                ParticipantPhase::Prepared { blocked: true },
                ParticipantPhase::Committed,
                ParticipantPhase::Aborted,
                ParticipantPhase::Crashed,
            ];
            let mut p = Participant::new(settings, Vote::Yes);
            p.storage = storage;
            p.tx = current;
            p.phase = phases[rng.below(phases.len() as u64) as usize];
            p.yes_votes_cast = (0..rng.below(5)).map(|_| tx(rng)).collect();
            TwoPcNode::Participant(p)
        };
        nodes.push(node);
    }
    nodes
}

#[test]
fn fast_invariants_agree_with_the_reference() {
    let mut rng = crate::sim::SimRng::new(2024);
    let mut violations = [0u32; 2];
    for case in 0..6_000 {
        let sim = Sim::new(0, random_nodes(&mut rng), NetConfig::default(), Vec::new());
        let nodes = sim.nodes();
        // The reference writes the English the typed messages show through `Display`.
        let atomicity = check_atomicity(&nodes).map_err(|l| l.to_string());
        assert_eq!(atomicity, reference::check_atomicity(&nodes), "case {case}");
        let validity = check_validity(&nodes).map_err(|l| l.to_string());
        assert_eq!(validity, reference::check_validity(&nodes), "case {case}");
        violations[0] += u32::from(atomicity.is_err());
        violations[1] += u32::from(validity.is_err());
    }
    // Both verdicts were exercised, not only "all is well".
    assert!(
        violations.iter().all(|v| (300..5_700).contains(v)),
        "{violations:?}"
    );
}

#[test]
fn names_and_labels_read_well() {
    let config = TwoPcConfig::default();
    assert_eq!(node_names(&config), ["coordinator", "P1", "P2", "P3"]);
    assert_eq!(TwoPcNode::msg_label(&Msg::VoteYes(1)), "VOTE YES t1");
    assert_eq!(TwoPcNode::msg_label(&Msg::Commit(2)), "COMMIT t2");
    assert_eq!(
        TwoPcNode::timer_label(&Timer::Retransmit(3)),
        "retransmit t3"
    );
    assert_eq!(Record::Prepared(4).to_string(), "PREPARED t4");
    let ids: Vec<&str> = scenarios().iter().map(|s| s.id).collect();
    assert!(ids.iter().all(|id| scenario(id).is_some()));
}
