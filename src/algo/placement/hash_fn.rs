//! The hash functions every placement algorithm in this module is built on.
//!
//! **Why this file exists.** Consistent hashing only works if everyone who places a key
//! agrees on where it goes: a client compiled today, a server compiled next year, the
//! WebAssembly build in a browser. So the hashes must be *stable*: the same bytes in give
//! the same number out on every platform and every version of dsviz. That rules out
//! `std`'s `DefaultHasher` (its algorithm may change between Rust releases and it is
//! seeded randomly) and anything that hashes a `usize` (4 bytes on wasm32, 8 natively).
//! Every input below is spelled out byte by byte.
//!
//! **Two families.**
//! - *xxh3 (fast default).* XXH3-64 from the `xxhash-rust` crate, whose output is fixed by
//!   the published xxHash specification (stable since xxHash 0.8.0). Each use has its own
//!   fixed seed, so a key that happens to spell the same bytes as a node name does not
//!   land exactly on that node's point, and the hashes of different roles are
//!   independent.
//! - *MD5 (ketama compatibility).* libketama, the consistent-hashing library that memcached
//!   clients standardised on, places points and keys with MD5. MD5 is slow and broken as a
//!   cryptographic hash, but here it is only used because compatibility demands exactly it.
//!
//! **Byte-level definitions** (`le64(x)` is the 8 little-endian bytes of a `u64`, `le32(x)`
//! the 4 little-endian bytes of a `u32`, `||` is concatenation, strings are their UTF-8
//! bytes with no terminator and no length prefix unless stated):
//!
//! | function | definition |
//! |---|---|
//! | [`key_hash`]`(key)` | `XXH3_64(key, seed = KEY_SEED)` |
//! | [`vnode_point`]`(name, r)` | `XXH3_64(name \|\| le32(r), seed = POINT_SEED)`; the name's length is implied because `le32(r)` is always the last 4 bytes |
//! | [`node_hash`]`(name)` | `XXH3_64(name, seed = NODE_SEED)` |
//! | [`pair_hash`]`(n, k)` | `XXH3_64(le64(n) \|\| le64(k), seed = PAIR_SEED)` |
//! | [`maglev_offset_hash`]`(name)` | `XXH3_64(name, seed = MAGLEV_OFFSET_SEED)` |
//! | [`maglev_skip_hash`]`(name)` | `XXH3_64(name, seed = MAGLEV_SKIP_SEED)` |
//! | [`ketama_key_hash`]`(key)` | `d = MD5(key)`; `d[0] \| d[1]<<8 \| d[2]<<16 \| d[3]<<24` (a `u32`) |
//! | [`ketama_points`]`(name, i)` | `d = MD5(name \|\| "-" \|\| decimal(i))`; for `h` in `0..4`: `d[4h] \| d[4h+1]<<8 \| d[4h+2]<<16 \| d[4h+3]<<24` |
//!
//! **What goes wrong.** A hash that is not uniform makes some nodes own more of the ring
//! than others; a hash that changes between versions silently moves every key (a cache
//! flush, or data that can no longer be found). Tests in `tests/placement_hash.rs` pin
//! concrete values so that a dependency update that changes a hash fails loudly.
//! libketama hashes C strings, so a key containing a NUL byte is cut short there; here the
//! whole byte string is hashed (the two agree on every key without NUL bytes).
use xxhash_rust::xxh3::xxh3_64_with_seed;

/// Seed for hashing keys. Each seed is an arbitrary fixed constant: the ASCII of a short
/// label (here "dsviz-ke") read as a big-endian number, so it is easy to recognise.
pub const KEY_SEED: u64 = 0x6473_7669_7a2d_6b65;
/// Seed for hashing virtual-node points on the ring.
pub const POINT_SEED: u64 = 0x6473_7669_7a2d_7074;
/// Seed for hashing a node name once (rendezvous hashing's per-node value).
pub const NODE_SEED: u64 = 0x6473_7669_7a2d_6e64;
/// Seed for combining a node hash with a key hash (rendezvous hashing's score).
pub const PAIR_SEED: u64 = 0x6473_7669_7a2d_7072;
/// Seed for a Maglev node's starting offset in the lookup table.
pub const MAGLEV_OFFSET_SEED: u64 = 0x6473_7669_7a2d_6d6f;
/// Seed for a Maglev node's skip (step) through the lookup table.
pub const MAGLEV_SKIP_SEED: u64 = 0x6473_7669_7a2d_6d73;

/// The default key hash: XXH3-64 of the key's bytes with [`KEY_SEED`].
///
/// Any byte string is a fine key, including the empty string and non-ASCII text (hash
/// its UTF-8 bytes, e.g. `key_hash("ключ".as_bytes())`).
#[inline]
pub fn key_hash(key: &[u8]) -> u64 {
    xxh3_64_with_seed(key, KEY_SEED)
}

/// The ring position of virtual node `replica` of the node called `name`:
/// XXH3-64 of `name || le32(replica)` with [`POINT_SEED`].
///
/// Replica numbers count from 0; a node of weight `w` with `v` virtual nodes per unit of
/// weight owns replicas `0..w*v`, so raising its weight keeps all its old points.
pub fn vnode_point(name: &str, replica: u32) -> u64 {
    let mut scratch = Vec::with_capacity(name.len() + 4);
    vnode_point_with(&mut scratch, name, replica)
}

/// [`vnode_point`] reusing a scratch buffer, for building rings without an allocation
/// per point.
pub(crate) fn vnode_point_with(scratch: &mut Vec<u8>, name: &str, replica: u32) -> u64 {
    scratch.clear();
    scratch.extend_from_slice(name.as_bytes());
    scratch.extend_from_slice(&replica.to_le_bytes());
    xxh3_64_with_seed(scratch, POINT_SEED)
}

/// A node's own hash (XXH3-64 of its name with [`NODE_SEED`]), computed once per node.
#[inline]
pub fn node_hash(name: &str) -> u64 {
    xxh3_64_with_seed(name.as_bytes(), NODE_SEED)
}

/// The hash of a (node, key) pair: XXH3-64 of `le64(node_hash) || le64(key_hash)` with
/// [`PAIR_SEED`]. Rendezvous hashing scores every node with it.
#[inline]
pub fn pair_hash(node_hash: u64, key_hash: u64) -> u64 {
    let mut bytes = [0u8; 16];
    bytes[..8].copy_from_slice(&node_hash.to_le_bytes());
    bytes[8..].copy_from_slice(&key_hash.to_le_bytes());
    xxh3_64_with_seed(&bytes, PAIR_SEED)
}

/// First Maglev hash of a node name (decides where its permutation starts).
#[inline]
pub fn maglev_offset_hash(name: &str) -> u64 {
    xxh3_64_with_seed(name.as_bytes(), MAGLEV_OFFSET_SEED)
}

/// Second Maglev hash of a node name (decides the step of its permutation).
#[inline]
pub fn maglev_skip_hash(name: &str) -> u64 {
    xxh3_64_with_seed(name.as_bytes(), MAGLEV_SKIP_SEED)
}

/// The 16-byte MD5 digest of `bytes`.
#[inline]
pub fn md5_digest(bytes: &[u8]) -> [u8; 16] {
    md5::compute(bytes).0
}

/// Reads 4 digest bytes starting at `at` as a little-endian `u32`, the way libketama
/// assembles `d[at+3]<<24 | d[at+2]<<16 | d[at+1]<<8 | d[at]`.
#[inline]
fn le_u32_at(digest: &[u8; 16], at: usize) -> u32 {
    u32::from_le_bytes([digest[at], digest[at + 1], digest[at + 2], digest[at + 3]])
}

/// libketama's key hash (`ketama_hashi`): the first 4 bytes of MD5(key), little-endian.
#[inline]
pub fn ketama_key_hash(key: &[u8]) -> u32 {
    le_u32_at(&md5_digest(key), 0)
}

/// The 4 ring points libketama derives from one MD5 digest of `"{name}-{index}"`
/// (`index` written in decimal): bytes `4h..4h+4` of the digest, little-endian, for
/// `h` in `0..4`.
pub fn ketama_points(name: &str, index: u32) -> [u32; 4] {
    let label = format!("{name}-{index}");
    let digest = md5_digest(label.as_bytes());
    [
        le_u32_at(&digest, 0),
        le_u32_at(&digest, 4),
        le_u32_at(&digest, 8),
        le_u32_at(&digest, 12),
    ]
}
