//! The ketama mode of the hash ring must send every key to the same server as libketama.
//!
//! Where the expected values come from (none of them from dsviz's own code):
//! - `tests/data/ketama_reference.txt` was produced once by `tests/data/ketama_reference.py`,
//!   an independent Python re-implementation of libketama using `hashlib.md5`, written from
//!   the published algorithm (RJ/ketama, `libketama/ketama.c`). Before writing the table
//!   the script checks itself against libketama's own end-to-end test (below). To
//!   regenerate: `python3 tests/data/ketama_reference.py` from the repository root.
//! - Published values from the RJ/ketama repository:
//!   - `python_ketama/tests.py`: `hashi("test") == 3446378249`; with servers
//!     `127.0.0.1:11211` (600) and `127.0.0.1:11212` (400) the continuum has 320 points and
//!     `get_server("test") == (3454255383, "127.0.0.1:11211")`.
//!   - `libketama/test.sh` with `libketama/ketama_test.c` and `ketama.servers`: the MD5 of
//!     the harness output (an empty error line, then `"{key hash} {point} {server}"` for
//!     keys "0".."999999") must be `5672b131391f5aa2b280936aec1eea74`.
use dsviz::algo::placement::hash_fn::{ketama_key_hash, ketama_points};
use dsviz::algo::placement::hash_ring::ketama_digest_count;
use dsviz::algo::placement::{HashRing, KetamaRing, NodeSpec, Placement, PlacementConfig};

struct Case {
    label: String,
    servers: Vec<(NodeSpec, u32)>,
    points: usize,
    keys: Vec<(Vec<u8>, u32, u32, usize)>,
}

fn hex(text: &str) -> Vec<u8> {
    assert!(text.len() % 2 == 0, "odd hex length: {text}");
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&text[i..i + 2], 16).expect("hex digit"))
        .collect()
}

fn reference_cases() -> Vec<Case> {
    let text = include_str!("data/ketama_reference.txt");
    let mut cases: Vec<Case> = Vec::new();
    for line in text
        .lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
    {
        let fields: Vec<&str> = line.split(' ').collect();
        match fields[0] {
            "case" => cases.push(Case {
                label: fields[1].to_string(),
                servers: Vec::new(),
                points: 0,
                keys: Vec::new(),
            }),
            "server" => {
                let case = cases.last_mut().expect("case first");
                let name = String::from_utf8(hex(fields[3])).expect("utf-8 name");
                let weight = fields[1].parse().expect("weight");
                let digests = fields[2].parse().expect("digest count");
                case.servers.push((NodeSpec::new(name, weight), digests));
            }
            "points" => cases.last_mut().expect("case first").points = fields[1].parse().unwrap(),
            "key" => cases.last_mut().expect("case first").keys.push((
                hex(fields[1]),
                fields[2].parse().unwrap(),
                fields[3].parse().unwrap(),
                fields[4].parse().unwrap(),
            )),
            other => panic!("unknown record {other}"),
        }
    }
    cases
}

#[test]
fn ketama_ring_matches_independent_python_reference() {
    let cases = reference_cases();
    assert_eq!(cases.len(), 7);
    let mut checked_keys = 0;
    for case in &cases {
        let nodes: Vec<NodeSpec> = case.servers.iter().map(|(n, _)| n.clone()).collect();
        let ring = HashRing::ketama(&nodes).expect("valid servers");
        assert_eq!(
            ring.point_count(),
            case.points,
            "point count, case {}",
            case.label
        );
        let total: u64 = nodes.iter().map(|n| u64::from(n.weight)).sum();
        for (node, digests) in &case.servers {
            let got = ketama_digest_count(node.weight, total, nodes.len() as u32);
            assert_eq!(got, *digests, "digests of {} in {}", node.name, case.label);
        }
        for (key, key_hash, point, server) in &case.keys {
            assert_eq!(
                ketama_key_hash(key),
                *key_hash,
                "key hash, case {}",
                case.label
            );
            let hit = ring
                .successor(u64::from(*key_hash))
                .expect("non-empty ring");
            assert_eq!(
                hit.position,
                u64::from(*point),
                "point, case {}",
                case.label
            );
            assert_eq!(hit.node.get(), *server, "server, case {}", case.label);
            assert_eq!(ring.owner_of_key(key).map(|n| n.get()), Some(*server));
            checked_keys += 1;
        }
    }
    assert_eq!(checked_keys, 7 * 310);
}

#[test]
fn ketama_starved_server_owns_nothing() {
    // In the "starved" reference case the weight-1 server gets 0 digests, as in libketama.
    let case = reference_cases()
        .into_iter()
        .find(|c| c.label == "starved")
        .unwrap();
    assert_eq!(case.servers[1].1, 0);
    assert!(case.keys.iter().all(|k| k.3 != 1));
}

#[test]
fn ketama_published_key_hash_of_test() {
    // RJ/ketama python_ketama/tests.py: test_hashi.
    assert_eq!(ketama_key_hash(b"test"), 3_446_378_249);
}

#[test]
fn ketama_published_two_server_placement() {
    // RJ/ketama python_ketama/tests.py: test_points and test_hashing.
    let nodes = [
        NodeSpec::new("127.0.0.1:11211", 600),
        NodeSpec::new("127.0.0.1:11212", 400),
    ];
    let ring = HashRing::ketama(&nodes).unwrap();
    assert_eq!(ring.point_count(), 160 * 2);
    let hit = ring.successor(u64::from(ketama_key_hash(b"test"))).unwrap();
    assert_eq!(hit.position, 3_454_255_383);
    assert_eq!(ring.node(hit.node).unwrap().name, "127.0.0.1:11211");
}

#[test]
fn ketama_published_libketama_harness_digest() {
    // RJ/ketama libketama/test.sh: md5 of `ketama_test ketama.servers` output.
    let nodes = [
        NodeSpec::new("10.0.1.1:11211", 600),
        NodeSpec::new("10.0.1.2:11211", 300),
        NodeSpec::new("10.0.1.3:11211", 200),
        NodeSpec::new("10.0.1.4:11211", 350),
        NodeSpec::new("10.0.1.5:11211", 1000),
        NodeSpec::new("10.0.1.6:11211", 800),
        NodeSpec::new("10.0.1.7:11211", 950),
        NodeSpec::new("10.0.1.8:11211", 100),
    ];
    let ring = HashRing::ketama(&nodes).unwrap();
    let mut digest = md5::Context::new();
    digest.consume(b"\n"); // ketama_error() is empty: an empty first line.
    let mut line = String::new();
    for i in 0..1_000_000u32 {
        let key = i.to_string();
        let key_hash = ketama_key_hash(key.as_bytes());
        let hit = ring.successor(u64::from(key_hash)).unwrap();
        line.clear();
        line.push_str(&format!(
            "{key_hash} {} {}\n",
            hit.position,
            ring.node(hit.node).unwrap().name
        ));
        digest.consume(line.as_bytes());
    }
    assert_eq!(
        format!("{:x}", digest.finalize()),
        "5672b131391f5aa2b280936aec1eea74"
    );
}

#[test]
fn ketama_points_follow_libketama_byte_order() {
    // Four little-endian u32s from one digest of "name-index".
    let digest = md5::compute(b"127.0.0.1:11211-0").0;
    let expected: Vec<u32> = (0..4)
        .map(|h| {
            u32::from(digest[3 + h * 4]) << 24
                | u32::from(digest[2 + h * 4]) << 16
                | u32::from(digest[1 + h * 4]) << 8
                | u32::from(digest[h * 4])
        })
        .collect();
    assert_eq!(ketama_points("127.0.0.1:11211", 0).to_vec(), expected);
}

#[test]
fn ketama_ring_as_placement_uses_md5_key_hash() {
    let nodes = [NodeSpec::new("a:1", 1), NodeSpec::new("b:1", 1)];
    let ring = KetamaRing::build(&nodes, &PlacementConfig::default()).unwrap();
    assert_eq!(ring.name(), "ketama");
    assert_eq!(ring.hash_key(b"test"), 3_446_378_249);
    // A hash wider than 32 bits lies past every point and wraps to the first one.
    let first = ring.0.points().next().unwrap().node;
    assert_eq!(ring.owner(u64::MAX), Some(first));
}

#[test]
fn ketama_membership_change_rederives_points() {
    // Equal weights: each server keeps its 40 digests when a fourth joins, so only keys
    // that go to the new server move.
    let mut nodes: Vec<NodeSpec> = (0..3)
        .map(|i| NodeSpec::new(format!("s{i}:1"), 1))
        .collect();
    let mut ring = HashRing::ketama(&nodes).unwrap();
    let keys: Vec<u64> = (0..2000u32)
        .map(|i| u64::from(ketama_key_hash(i.to_string().as_bytes())))
        .collect();
    let moves = ring.add_node(NodeSpec::new("s3:1", 1), &keys).unwrap();
    let joined = ring.index_of("s3:1").unwrap();
    assert!(!moves.is_empty());
    assert!(moves.iter().all(|m| m.to == joined));
    // And the result equals a ring built from scratch.
    nodes.push(NodeSpec::new("s3:1", 1));
    let fresh = HashRing::ketama(&nodes).unwrap();
    assert!(ring.points().eq(fresh.points()));
}
