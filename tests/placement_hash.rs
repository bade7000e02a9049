//! The hash functions: their byte-level definitions (as documented in `hash_fn.rs`) and
//! pinned values, so that a dependency update that changes a hash fails here instead of
//! silently moving every key.
use dsviz::algo::placement::hash_fn::*;
use xxhash_rust::xxh3::xxh3_64_with_seed;

#[test]
fn definitions_are_byte_exact() {
    assert_eq!(
        key_hash(b"user:42"),
        xxh3_64_with_seed(b"user:42", KEY_SEED)
    );
    let mut point_input = b"node-7".to_vec();
    point_input.extend_from_slice(&3u32.to_le_bytes());
    assert_eq!(
        vnode_point("node-7", 3),
        xxh3_64_with_seed(&point_input, POINT_SEED)
    );
    assert_eq!(node_hash("n"), xxh3_64_with_seed(b"n", NODE_SEED));
    let mut pair = 5u64.to_le_bytes().to_vec();
    pair.extend_from_slice(&9u64.to_le_bytes());
    assert_eq!(pair_hash(5, 9), xxh3_64_with_seed(&pair, PAIR_SEED));
    assert_eq!(
        maglev_offset_hash("m"),
        xxh3_64_with_seed(b"m", MAGLEV_OFFSET_SEED)
    );
    assert_eq!(
        maglev_skip_hash("m"),
        xxh3_64_with_seed(b"m", MAGLEV_SKIP_SEED)
    );
    let digest = md5::compute(b"k").0;
    assert_eq!(
        ketama_key_hash(b"k"),
        u32::from_le_bytes([digest[0], digest[1], digest[2], digest[3]])
    );
}

#[test]
fn xxh3_itself_matches_the_specification() {
    // XXH3_64bits of the empty input with seed 0, from the xxHash reference.
    assert_eq!(xxh3_64_with_seed(b"", 0), 0x2D06_8005_38D3_94C2);
}

#[test]
fn md5_itself_matches_rfc_1321() {
    assert_eq!(
        format!("{:x}", md5::compute(b"")),
        "d41d8cd98f00b204e9800998ecf8427e"
    );
    assert_eq!(
        format!("{:x}", md5::compute(b"abc")),
        "900150983cd24fb0d6963f7d28e17f72"
    );
}

/// Values pinned from this implementation (regression guard: they must never change,
/// because stored placements depend on them).
#[test]
fn pinned_values() {
    let pinned = [
        key_hash(b""),
        key_hash("ключ".as_bytes()),
        vnode_point("node-0", 0),
        vnode_point("", u32::MAX),
        node_hash("node-0"),
        pair_hash(1, 2),
    ];
    assert_eq!(pinned, PINNED);
    assert_eq!(ketama_key_hash(b"test"), 3_446_378_249);
}

const PINNED: [u64; 6] = [
    11_690_520_293_102_853_368,
    2_242_840_219_827_376_225,
    3_465_027_866_270_387_435,
    12_468_687_060_471_056_569,
    1_707_053_836_728_960_028,
    14_750_962_797_144_621_421,
];
