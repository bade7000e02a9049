//! The Raft stage's phone frame (`ui::raft::frame`): the ring stacked over the log grid in
//! a frame drawn at about full scale on a phone, and the role words placed above or below
//! their servers so that none covers a server, a client or another word.
use dsviz::ui::raft::frame::*;
use dsviz::ui::raft::geometry::{
    lerp, message_path, Point, CELL_W, CLIENT_CLEARANCE, CLIENT_H, CLIENT_W, ROW_H,
    SERVER_CLEARANCE, TIMER_R,
};

/// Servers on the stage: 3 to 9 in the cluster and up to 2 spares.
const SERVERS: std::ops::RangeInclusive<u32> = 3..=11;
/// The widest role words, English and Chinese.
const WIDEST: [&str; 3] = ["pre-candidate", "non-member", "预候选人"];

/// The stacked frames (the ring over the grid) for each number of servers: a phone's and
/// a narrow embed's (its ring flattened), with a window of ten columns.
fn stacked(servers: std::ops::RangeInclusive<u32>) -> Vec<(u32, StageFrame)> {
    servers
        .flat_map(|n| {
            [
                (n, StageFrame::phone(n, 10)),
                (n, StageFrame::narrow_embed(n, 10)),
            ]
        })
        .collect()
}

fn word(server: u32, text: &str, must_show: bool) -> RoleWord {
    RoleWord {
        server,
        width: word_width(text, ROLE_FONT),
        must_show,
    }
}

fn overlap(a: Rect, b: Rect) -> bool {
    a.0 < b.2 && b.0 < a.2 && a.1 < b.3 && b.1 < a.3
}

fn distance_to_rect(c: Point, r: Rect) -> f64 {
    let x = c.0.clamp(r.0, r.2);
    let y = c.1.clamp(r.1, r.3);
    ((x - c.0).powi(2) + (y - c.1).powi(2)).sqrt()
}

/// Every placed word: inside the frame above the grid, over no server's timer arc, no
/// client and no other word. Returns how many were placed.
fn check_words(frame: &StageFrame, n: u32, clients: u32, words: &[RoleWord], at: &str) -> usize {
    let spots = place_role_words(frame, n, clients, words);
    assert_eq!(spots.len(), n as usize, "{at}: one place per server");
    let mut rects: Vec<(u32, Rect)> = Vec::new();
    for w in words {
        let Some(spot) = spots[w.server as usize] else {
            assert!(!w.must_show, "{at}: n{}'s word must be shown", w.server);
            continue;
        };
        let r = spot.rect(w.width);
        assert!(
            r.0 >= 0.0 && r.2 <= frame.width,
            "{at}: n{}'s word {r:?} leaves the frame",
            w.server
        );
        assert!(
            r.1 >= 0.0 && r.3 < frame.grid_top - 12.0,
            "{at}: n{}'s word {r:?} reaches the grid",
            w.server
        );
        for i in 0..n {
            let d = distance_to_rect(frame.server(i, n), r);
            assert!(
                d >= TIMER_R,
                "{at}: n{}'s word is {d:.1} from n{i}'s centre",
                w.server
            );
        }
        for j in 0..clients {
            let (x, y) = frame.client(j, clients);
            let client = (
                x - CLIENT_W / 2.0,
                y - CLIENT_H / 2.0,
                x + CLIENT_W / 2.0,
                y + CLIENT_H / 2.0,
            );
            assert!(
                !overlap(r, client),
                "{at}: n{}'s word covers client {j}",
                w.server
            );
        }
        for (other, o) in &rects {
            assert!(
                !overlap(r, *o),
                "{at}: the words of n{} and n{other} overlap",
                w.server
            );
        }
        rects.push((w.server, r));
    }
    rects.len()
}

#[test]
fn every_role_word_fits_a_phone_ring_of_up_to_seven_servers_without_covering_anything() {
    for (n, frame) in stacked(3..=7) {
        for clients in 0..=3 {
            for text in WIDEST.iter().chain(&["follower", "候选人"]) {
                let words: Vec<RoleWord> = (0..n).map(|i| word(i, text, true)).collect();
                let at = format!("{n} servers, {clients} clients, all \"{text}\"");
                assert_eq!(
                    check_words(&frame, n, clients, &words, &at),
                    n as usize,
                    "{at}"
                );
            }
        }
    }
}

#[test]
fn on_a_crowded_phone_ring_the_leader_and_candidates_keep_their_words() {
    // Up to 11 servers: the leader's and three candidates' words always have their place;
    // a plain follower's may be left out, and none covers anything.
    for (n, frame) in stacked(SERVERS) {
        for first in 0..n {
            let words: Vec<RoleWord> = (0..n)
                .map(|i| {
                    let k = (i + n - first) % n;
                    match k {
                        0 => word(i, "leader", true),
                        1..=3 => word(i, "pre-candidate", true),
                        _ => word(i, "follower", false),
                    }
                })
                .collect();
            let at = format!("{n} servers, leader n{first}");
            let placed = check_words(&frame, n, 3, &words, &at);
            assert!(placed >= n.min(4) as usize, "{at}: {placed} words");
        }
        // All followers: at most one word left out, only on the most crowded rings.
        let words: Vec<RoleWord> = (0..n).map(|i| word(i, "follower", false)).collect();
        let placed = check_words(&frame, n, 1, &words, &format!("{n} followers"));
        let least = if n <= 10 { n } else { n - 1 } as usize;
        assert!(placed >= least, "{n} followers: {placed} words");
    }
}

#[test]
fn the_phone_frame_is_narrow_and_holds_the_ring_and_the_grid() {
    for (n, frame) in stacked(SERVERS) {
        assert_eq!(frame.width, PHONE_W);
        for i in 0..n {
            let (x, y) = frame.server(i, n);
            assert!(
                x - TIMER_R >= 0.0 && x + TIMER_R <= frame.width,
                "{n}: n{i} at x {x:.1}"
            );
            assert!(
                y + TIMER_R < frame.grid_top - 30.0,
                "{n}: n{i} at y {y:.1} reaches the grid"
            );
        }
        // Ten cells and the names fit; every server has its row.
        assert!(frame.grid_x >= 0.0);
        assert!(
            frame.cell_x(10, 1) + CELL_W <= frame.width,
            "{n}: the grid is too wide"
        );
        assert!(
            frame.row_y(n as usize) <= frame.height,
            "{n}: the rows do not fit"
        );
        // Three clients side by side stay clear of every server.
        for j in 0..3 {
            let (x, y) = frame.client(j, 3);
            let client = (
                x - CLIENT_W / 2.0,
                y - CLIENT_H / 2.0,
                x + CLIENT_W / 2.0,
                y + CLIENT_H / 2.0,
            );
            for i in 0..n {
                let d = distance_to_rect(frame.server(i, n), client);
                assert!(d > TIMER_R, "{n}: client {j} is {d:.1} from n{i}");
            }
        }
    }
    let wide = StageFrame::wide();
    assert!(
        !wide.phone && wide.width > 2.0 * PHONE_W,
        "the full page keeps its wide frame"
    );
}

#[test]
fn on_a_phone_message_dots_never_cover_a_servers_centre() {
    for (n, frame) in stacked(SERVERS) {
        let centres: Vec<Point> = (0..n).map(|i| frame.server(i, n)).collect();
        let clients: Vec<Point> = (0..3).map(|j| frame.client(j, 3)).collect();
        let ends = centres
            .iter()
            .map(|&c| (c, SERVER_CLEARANCE))
            .chain(clients.iter().map(|&c| (c, CLIENT_CLEARANCE)))
            .collect::<Vec<_>>();
        for (a, &(from, fc)) in ends.iter().enumerate() {
            for (b, &(to, tc)) in ends.iter().enumerate().filter(|(b, _)| *b != a) {
                let (start, end) = message_path(from, to, fc, tc);
                for step in 0..=50 {
                    let p = lerp(start, end, f64::from(step) / 50.0);
                    for (c, centre) in centres.iter().enumerate() {
                        let d = ((p.0 - centre.0).powi(2) + (p.1 - centre.1).powi(2)).sqrt();
                        assert!(
                            d > 13.0,
                            "{n} servers, {a}→{b} passes {d:.1} from n{c}'s centre"
                        );
                    }
                }
            }
        }
    }
}

#[test]
fn on_a_phone_vote_dots_face_the_middle_and_stay_clear_of_the_words() {
    for (n, frame) in stacked(SERVERS) {
        for i in 0..n {
            let c = frame.server(i, n);
            let dots = frame.vote_dots(i, n, n as usize);
            assert_eq!(dots.len(), n as usize);
            // A word above or below sits at least this far up or down; the dots, of
            // radius 4.5, stay within 100 degrees of the way to the middle.
            for (k, d) in dots.iter().enumerate() {
                let to_middle = (frame.centre.0 - c.0, frame.centre.1 - c.1);
                let (dx, dy) = (d.0 - c.0, d.1 - c.1);
                let cos = (dx * to_middle.0 + dy * to_middle.1)
                    / ((dx * dx + dy * dy).sqrt()
                        * (to_middle.0.powi(2) + to_middle.1.powi(2)).sqrt());
                assert!(
                    cos > 0.6,
                    "{n} servers, n{i}'s dot {k} is {:.0}° off",
                    cos.acos().to_degrees()
                );
            }
        }
    }
}

#[test]
fn word_widths_count_chinese_characters_whole() {
    assert_eq!(word_width("领导者", 13.0), 39.0);
    let follower = word_width("follower", 13.0);
    assert!(follower > 55.0 && follower < 70.0, "{follower}");
}

#[test]
fn on_a_phone_every_candidates_vote_tally_stays_inside_the_frame_and_the_top_ones_whole() {
    // Every server a candidate (a split vote): each tally stacks on its word, away from its
    // server. None may leave the frame at its top (where the caption is, and the drawing is
    // cut); the top server's, stacked over its word, must be whole.
    for (n, frame) in stacked(SERVERS) {
        let words: Vec<RoleWord> = (0..n).map(|i| word(i, "candidate", true)).collect();
        let spots = place_role_words(&frame, n, 1, &words);
        for (i, spot) in spots.iter().enumerate() {
            let spot = spot.unwrap_or_else(|| panic!("{n}: candidate n{i} has its word"));
            let tally = WordSpot {
                at: tally_at(spot.at, frame.server(i as u32, n)),
                anchor: spot.anchor,
            };
            let (left, top, right, bottom) = tally.rect(word_width("votes: 5 of 6", ROLE_FONT));
            assert!(
                top >= 0.0,
                "{n}: n{i}'s tally reaches {top:.1}, over the frame"
            );
            assert!(
                bottom <= frame.height,
                "{n}: n{i}'s tally ends at {bottom:.1}"
            );
            if i == 0 {
                assert!(
                    left >= 0.0 && right <= frame.width,
                    "{n}: the top server's tally spans {left:.1} to {right:.1}"
                );
                assert!(
                    top < spot.rect(0.0).1,
                    "{n}: the top server's tally is over its word"
                );
            }
        }
    }
}

/// A window of up to thirteen columns (Figure 7's whole logs) fits both frames: the grid
/// keeps its left edge (clear of the ring's words), its last cell ends inside the frame, and
/// two-digit terms at the 13-unit label size in neighbouring cells stay apart.
#[test]
fn a_window_of_up_to_thirteen_columns_fits_the_wide_and_the_phone_frame() {
    use dsviz::scene::raft::{LOG_WINDOW, LOG_WINDOW_MAX};
    // Two bold digits at 13 units: a bold digit is about 0.7 of the font wide.
    let two_digits = 2.0 * 0.7 * 13.0;
    for columns in LOG_WINDOW..=LOG_WINDOW_MAX {
        let wide = StageFrame::wide().with_columns(columns);
        let mut frames = vec![("wide", wide)];
        for n in [3, 5, 7, 9, 11] {
            frames.push(("phone", StageFrame::phone(n, columns)));
            frames.push(("narrow embed", StageFrame::narrow_embed(n, columns)));
        }
        for (kind, frame) in frames {
            let end = frame.cell_x(columns, 1) + frame.cell_w;
            assert!(
                end <= frame.width,
                "{kind}, {columns} columns: ends at {end}"
            );
            assert!(
                frame.cell_w >= two_digits,
                "{kind}, {columns} columns: cells of {} keep '10' and '11' apart ({two_digits})",
                frame.cell_w
            );
            if columns == LOG_WINDOW {
                assert_eq!(frame.cell_w, CELL_W, "{kind}: ten columns keep full cells");
            }
        }
        assert_eq!(
            wide.grid_x,
            StageFrame::wide().grid_x,
            "the grid keeps its place"
        );
    }
}

/// A log cell's term and the index numbers over the grid: two digits are squeezed into a
/// narrow column (13 of them beside the ring) instead of spilling out of their cell, and
/// one digit, or a wide column, is left as it is.
#[test]
fn two_digit_numbers_are_squeezed_into_narrow_cells() {
    use dsviz::ui::raft::geometry::{digits, squeeze_number};
    assert_eq!(
        (digits(0), digits(9), digits(10), digits(99), digits(100)),
        (1, 1, 2, 2, 3)
    );
    let narrow = StageFrame::wide().with_columns(13).cell_w - 4.0;
    assert_eq!(
        squeeze_number(2, 13.0, narrow),
        Some(narrow),
        "term 12 in 13 columns"
    );
    assert_eq!(squeeze_number(1, 13.0, narrow), None, "term 7 fits");
    assert_eq!(
        squeeze_number(2, 13.0, CELL_W * 1.5),
        None,
        "a wide column needs nothing"
    );
}

/// A narrow embed (a 420×460 iframe, a stage of about 400×300 pixels) shows the whole ring
/// without scrolling: every server, word and tally lies above the ring's bottom, and that
/// part of the frame, fitted to the stage, keeps 13-unit role words at 11 pixels or more
/// for up to five servers (at 7 for eleven, if the stylesheet did not keep a floor of 0.85); the grid follows under it.
#[test]
fn a_narrow_embed_fits_the_whole_ring_to_its_stage() {
    let (stage_w, stage_h) = (400.0, 300.0);
    for n in SERVERS {
        let frame = StageFrame::narrow_embed(n, 10);
        let bottom = frame.ring_bottom();
        for i in 0..n {
            let (_, y) = frame.server(i, n);
            assert!(y + TIMER_R < bottom, "{n}: n{i} at y {y:.1} under {bottom}");
        }
        let words: Vec<RoleWord> = (0..n).map(|i| word(i, "candidate", true)).collect();
        for (i, spot) in place_role_words(&frame, n, 1, &words).iter().enumerate() {
            let spot = spot.unwrap_or_else(|| panic!("{n}: candidate n{i} has its word"));
            let tally = tally_at(spot.at, frame.server(i as u32, n));
            assert!(
                tally.1 + 4.0 < bottom,
                "{n}: n{i}'s tally at {tally:?} under {bottom}"
            );
        }
        assert!(bottom < frame.grid_top, "{n}: the grid follows the ring");
        let scale = (stage_w / frame.width).min(stage_h / bottom);
        // Bigger clusters need a taller ring for their words; their words get smaller.
        let least = match n {
            0..=5 => 11.0,
            6..=7 => 10.0,
            8..=9 => 8.5,
            _ => 7.0,
        };
        assert!(
            ROLE_FONT * scale >= least,
            "{n} servers: role words at {:.1} px",
            ROLE_FONT * scale
        );
    }
}

/// The rows of entries removed by conflicts go under the grid, inside the frame: a stacked
/// frame grows to hold every server's row; the wide one holds those that fit its height.
#[test]
fn removed_entries_rows_stay_inside_the_frame() {
    for servers in SERVERS {
        let n = servers as usize;
        for (_, frame) in stacked(servers..=servers) {
            let grown = frame.with_removed_rows(n, n);
            assert_eq!(grown.removed_rows_fit(n, n), n);
            let bottom = grown.removed_row_y(n, n - 1) + ROW_H;
            assert!(
                bottom <= grown.height + 1.0,
                "{servers} servers: row ends at {bottom} of {}",
                grown.height
            );
            assert!(
                grown.removed_row_y(n, 0) > grown.row_y(n - 1) + ROW_H,
                "under the grid"
            );
        }
        let wide = StageFrame::wide().with_removed_rows(n, n);
        assert_eq!(wide, StageFrame::wide(), "the wide frame keeps its size");
        let fit = wide.removed_rows_fit(n, n);
        if fit > 0 {
            let bottom = wide.removed_row_y(n, fit - 1) + ROW_H;
            assert!(
                bottom <= wide.height,
                "{servers} servers: {fit} rows end at {bottom}"
            );
        }
        // Five servers (the tour's scenarios) show every server's row.
        if servers == 5 {
            assert_eq!(fit, 5);
        }
        assert!(
            fit >= 1 || servers > 9,
            "{servers} servers: at least one row fits"
        );
    }
}
