// Pinned outputs of `dsviz::algo::placement::rendezvous::weighted_score`, shared by the
// native test (tests/placement_rendezvous.rs) and meant for the in-browser one: the same
// inputs must give the same bits natively and in WebAssembly. Included with `include!`.
//
// Ten of the pairs below are hashes for which `f64::ln` on glibc and the pure-Rust `log`
// differ in the last bit, so a score computed with the platform's `ln` fails here natively.

/// (weight, pair hash, the score's bits).
pub const WEIGHTED_SCORE_PINS: [(u32, u64, u64); 22] = [
    (1, 0x0000000000000000, 0x3f9bdfbba5a3a303),
    (1, 0xffffffffffffffff, 0x4340000000000000),
    (9, 0xffffffffffffffff, 0x4372000000000000),
    (1, 0x8000000000000000, 0x3ff71547652b8300),
    (3, 0x0000000000000fff, 0x3fb4e7ccbc3aba42),
    (7, 0x0000000000001000, 0x3fc9243debf48512),
    (4, 0x1852834bb3b12fc1, 0x3ffb30b58a6e97e7),
    (7, 0xe88cf9f2d9820f14, 0x4052374dcdb6f1dc),
    (1, 0x2a2a30fe2e36616c, 0x3fe1be0c6f570ab3),
    (4, 0x337a52ffa9da100f, 0x4003f325fcb5a546),
    (6, 0xdc50b027cf914e26, 0x4043fbf78539c07e),
    (8, 0x910decb6e86e2707, 0x402c2a656c08cd32),
    (1, 0xe6d313b097165fc9, 0x402351eb626c2ab4),
    (9, 0x43a50816bc23981e, 0x401b0c970f5d1cc4),
    (9, 0xaf85b1cd07bbfe9a, 0x4037d8bd65021cb7),
    (1, 0xb44eade5a431b402, 0x4006d2d682c18225),
    (1, 0xb21803d71bde8eef, 0x40060bf0dda5fe1c),
    (9, 0x412bf000aae56f2d, 0x401a50167d010afd),
    (2, 0x8da87f25d3b27786, 0x400b09b8682d387d),
    (4, 0xaca1f66dd9939a22, 0x40244dd1a02c1068),
    (4, 0x433ffb9d584e885a, 0x4007f03e6f0bfac4),
    (9, 0x42d8756a3682816f, 0x401acf4eb181738c),
];

/// Near ties between a weight-1 node and a weight-2 node (the weight-2 node's uniform is
/// about the square of the other's, so their scores agree to the last bit or two):
/// (weight-1 pair hash, weight-2 pair hash, whether the weight-1 node ranks first). On
/// glibc's `ln` every one of these comes out the other way or ties differently.
pub const NEAR_TIES: [(u64, u64, bool); 5] = [
    (0xb951f9b3621ea380, 0x862795253ae2d380, true),
    (0xca3959f6a3c6b39c, 0x9fbe8ed269e7f39c, false),
    (0x15442e144b8d2440, 0x01c441b7d7789440, true),
    (0x881b8bcd35bf0782, 0x485d4780d2bcc782, true),
    (0x7808da0c5666d455, 0x38484cb9eb7ed455, true),
];
