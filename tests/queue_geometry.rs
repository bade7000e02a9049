//! The queue stage's phone layout (`phone_layout`, issue 9): the producers above Redis
//! above the consumers above the database, in a phone's width, with every link vertical
//! and every chip in flight clear of the nodes; and the full layout as it was.
#![cfg(not(target_arch = "wasm32"))]

use dsviz::ui::queue::geometry::*;

/// Every cast the scene allows: 1 to 4 producers and consumers, the reaper (design 2) or
/// the dead-letter lane (streams) or neither.
fn casts() -> Vec<(usize, usize, bool, bool)> {
    let mut out = Vec::new();
    for producers in 1..=4 {
        for consumers in 1..=4 {
            for (reaper, dead) in [(false, false), (true, false), (false, true)] {
                out.push((producers, consumers, reaper, dead));
            }
        }
    }
    out
}

/// A shape's box: left, top, right, bottom.
fn extent(s: &Shape) -> (f64, f64, f64, f64) {
    match *s {
        Shape::Circle { centre, r } => (centre.0 - r, centre.1 - r, centre.0 + r, centre.1 + r),
        Shape::Box(b) => (b.x, b.y, b.right(), b.bottom()),
    }
}

fn apart(a: (f64, f64, f64, f64), b: (f64, f64, f64, f64)) -> bool {
    a.2 <= b.0 || b.2 <= a.0 || a.3 <= b.1 || b.3 <= a.1
}

fn shapes(l: &StageLayout) -> Vec<Shape> {
    let mut shapes: Vec<Shape> = l.producers.clone();
    shapes.extend(l.consumers.iter().copied());
    shapes.push(l.db);
    shapes.extend(l.reaper);
    shapes.push(Shape::Box(l.broker));
    shapes
}

#[test]
fn the_phone_layout_fits_a_phone_and_stacks_producers_redis_consumers_and_the_database() {
    for (producers, consumers, reaper, dead) in casts() {
        let l = phone_layout(producers, consumers, reaper, dead);
        let case = format!("{producers}p {consumers}c reaper={reaper} dead={dead}");
        assert!(l.vertical && l.width == PHONE_WIDTH, "{case}");
        assert_eq!(l.producers.len(), producers, "{case}");
        assert_eq!(l.consumers.len(), consumers, "{case}");
        assert_eq!(l.consumer_lanes.len(), consumers, "{case}");
        assert_eq!(l.reaper.is_some(), reaper, "{case}");
        assert_eq!(l.dead_lane.is_some(), dead, "{case}");
        let all = shapes(&l);
        for s in &all {
            let (left, top, right, bottom) = extent(s);
            assert!(
                left >= 0.0 && right <= l.width && top >= 0.0 && bottom <= l.height,
                "{case}: {s:?} outside {}×{}",
                l.width,
                l.height
            );
        }
        for (i, a) in all.iter().enumerate() {
            for b in &all[i + 1..] {
                assert!(apart(extent(a), extent(b)), "{case}: {a:?} overlaps {b:?}");
            }
        }
        // Rows, top to bottom: producers and reaper, Redis, consumers, the database.
        let top_row: Vec<Shape> = l.producers.iter().copied().chain(l.reaper).collect();
        let bottom = |s: &Shape| extent(s).3;
        let top = |s: &Shape| extent(s).1;
        for p in &top_row {
            assert!(bottom(p) < l.broker.y, "{case}: {p:?} above Redis");
        }
        for c in &l.consumers {
            assert!(l.broker.bottom() < top(c), "{case}: {c:?} under Redis");
            assert!(bottom(c) < top(&l.db), "{case}: {c:?} above the database");
        }
        // The counts written above a producer (and the reaper) need room between the
        // circles: "requeued: 99" at 12 px is about 75 units wide, "sent: 500" about 60.
        for w in top_row.windows(2) {
            let gap = w[1].centre().0 - w[0].centre().0;
            assert!(gap >= 68.0, "{case}: producers {gap:.0} apart");
        }
        assert!(
            top_row.iter().all(|s| top(s) >= 34.0),
            "{case}: room for the counts"
        );
        // Cards wide enough for "c4 slow" and "WORKING" at 12 px, apart from each other.
        for c in &l.consumers {
            let (left, _, right, _) = extent(c);
            assert!(
                right - left >= 80.0,
                "{case}: a card {:.0} wide",
                right - left
            );
        }
        // Lanes one above the other inside Redis, with room for each name above it, and
        // wide enough for seven chips.
        let mut lanes = vec![l.queue_lane];
        lanes.extend(l.consumer_lanes.iter().copied());
        lanes.extend(l.dead_lane);
        assert!(
            l.queue_lane.y >= l.broker.y + 30.0,
            "{case}: room for Redis's name"
        );
        for w in lanes.windows(2) {
            assert!(
                w[0].bottom() + 14.0 <= w[1].y,
                "{case}: room for a lane's name"
            );
        }
        for lane in &lanes {
            assert!(
                lane.x >= l.broker.x
                    && lane.right() <= l.broker.right()
                    && lane.bottom() + 20.0 <= l.broker.bottom(),
                "{case}: {lane:?} inside Redis, clear of its down note"
            );
            assert!(lane_capacity(*lane) >= 7, "{case}");
        }
    }
}

#[test]
fn on_a_phone_links_run_down_and_chips_in_flight_move_clear_of_every_node() {
    for (producers, consumers, reaper, dead) in casts() {
        let l = phone_layout(producers, consumers, reaper, dead);
        let case = format!("{producers}p {consumers}c reaper={reaper} dead={dead}");
        let all = shapes(&l);
        let broker = Shape::Box(l.broker);
        let mut links: Vec<(Shape, Shape)> = l.producers.iter().map(|p| (*p, broker)).collect();
        links.extend(l.consumers.iter().flat_map(|c| [(*c, broker), (*c, l.db)]));
        links.extend(l.reaper.map(|r| (r, broker)));
        for (a, b) in links {
            let (p, q) = l.link(a, b);
            // The same link whichever end is named first.
            assert_eq!(l.link(b, a), (q, p), "{case}");
            // Downward (or upward), never across the drawing.
            assert!(
                (q.1 - p.1).abs() >= 50.0,
                "{case}: {a:?} to {b:?} is {p:?} to {q:?}"
            );
            if !matches!(b, Shape::Circle { .. }) {
                assert!(
                    (p.0 - q.0).abs() < 1e-9,
                    "{case}: {p:?} to {q:?} is vertical"
                );
            }
            // Requests and replies on either side of the link, whichever way each goes.
            let there = l.beside(p, q, false);
            let returning = l.beside(q, p, true);
            assert!(
                (there.0 - returning.0).abs() >= CHIP_W || (there.1 - returning.1).abs() >= CHIP_H,
                "{case}: {there:?} and {returning:?}"
            );
            // Neither over a node, all along the link.
            for back in [false, true] {
                let (dx, dy) = l.beside(p, q, back);
                let start = l.flight_point(p, q, 0.0);
                let end = l.flight_point(p, q, 1.0);
                assert!(
                    (end.1 - start.1).abs() >= 24.0,
                    "{case}: a chip moves only {:.0} along {p:?} to {q:?}",
                    (end.1 - start.1).abs()
                );
                for i in 0..=20 {
                    let (x, y) = l.flight_point(p, q, f64::from(i) / 20.0);
                    let chip = (
                        x + dx - CHIP_W / 2.0,
                        y + dy - CHIP_H / 2.0,
                        x + dx + CHIP_W / 2.0,
                        y + dy + CHIP_H / 2.0,
                    );
                    assert!(
                        chip.0 >= 0.0 && chip.2 <= l.width,
                        "{case}: a chip at {chip:?} leaves the drawing"
                    );
                    for s in &all {
                        let (cx, cy) = s.centre();
                        let covers_centre =
                            chip.0 < cx && cx < chip.2 && chip.1 < cy && cy < chip.3;
                        assert!(!covers_centre, "{case}: a chip at {chip:?} covers {s:?}");
                        if let Shape::Circle { centre, r } = *s {
                            // The chip's nearest point is outside the circle.
                            let nx = centre.0.clamp(chip.0, chip.2) - centre.0;
                            let ny = centre.1.clamp(chip.1, chip.3) - centre.1;
                            let off = (nx * nx + ny * ny).sqrt() >= r;
                            assert!(off, "{case}: a chip at {chip:?} over {s:?}");
                        }
                    }
                }
            }
        }
    }
}

#[test]
fn the_full_layout_is_unchanged_by_the_phone_one() {
    let l = stage_layout(2, 2, false, false);
    assert!(!l.vertical);
    assert_eq!(l.width, WIDTH);
    // Links and flights as they always were: level links, chips inset by half their width
    // and set 11 units above or below.
    let (a, b) = ((0.0, 50.0), (200.0, 50.0));
    assert_eq!(l.flight_point(a, b, 0.0), (CHIP_W / 2.0 + 2.0, 50.0));
    assert_eq!(l.flight_point(a, b, 0.5), flight_point(a, b, 0.5));
    assert_eq!(l.beside(a, b, false), (0.0, 11.0));
    assert_eq!(l.beside(b, a, true), (0.0, -11.0));
    let (p, c) = (l.producers[0], l.consumers[0]);
    let broker = Shape::Box(l.broker);
    assert_eq!(l.link(p, broker), link(p, broker));
    assert_eq!(l.link(c, l.db), link(c, l.db));
}

/// A chip's box centred at `p`.
fn chip_at(p: (f64, f64)) -> (f64, f64, f64, f64) {
    (
        p.0 - CHIP_W / 2.0,
        p.1 - CHIP_H / 2.0,
        p.0 + CHIP_W / 2.0,
        p.1 + CHIP_H / 2.0,
    )
}

#[test]
fn on_the_full_layout_chips_between_consumers_and_the_database_clear_the_cards_and_each_other() {
    // The producer-retry scenario's step 46 had two consumers' chips on their way to the
    // database drawn over each other and over a card: the gap was narrower than a chip.
    for consumers in 1..=4 {
        let l = stage_layout(2, consumers, false, false);
        for going_back in [true, false] {
            for tenth in 0..=10 {
                let t = f64::from(tenth) / 10.0;
                let chips: Vec<_> = l
                    .consumers
                    .iter()
                    .map(|&c| {
                        let (a, b) = if going_back {
                            l.link(c, l.db)
                        } else {
                            l.link(l.db, c)
                        };
                        let (x, y) = l.flight_point(a, b, t);
                        let (dx, dy) = l.beside(a, b, going_back);
                        chip_at((x + dx, y + dy))
                    })
                    .collect();
                let case = format!("{consumers} consumers, t={t}, to the database: {going_back}");
                for (i, chip) in chips.iter().enumerate() {
                    for card in &l.consumers {
                        assert!(
                            apart(*chip, extent(card)),
                            "{case}: chip {chip:?} over {card:?}"
                        );
                    }
                    assert!(
                        apart(*chip, extent(&l.db)),
                        "{case}: chip {chip:?} over the database"
                    );
                    for other in &chips[i + 1..] {
                        assert!(
                            apart(*chip, *other),
                            "{case}: chips {chip:?} and {other:?} overlap"
                        );
                    }
                }
            }
        }
    }
}

#[test]
fn the_full_layouts_database_is_a_column_beside_every_consumer() {
    for consumers in 1..=4 {
        let l = stage_layout(2, consumers, false, false);
        let Shape::Box(db) = l.db else {
            panic!("{consumers} consumers: the database is not a column")
        };
        for card in &l.consumers {
            let (_, top, right, bottom) = extent(card);
            assert!(
                db.y <= top && bottom <= db.bottom(),
                "{consumers}: {card:?} beside {db:?}"
            );
            let (a, b) = l.link(*card, l.db);
            assert_eq!(a.1, b.1, "{consumers}: the link from {card:?} is level");
            assert!(
                db.x - right >= CHIP_W + 4.0,
                "{consumers}: a chip fits between card and database"
            );
        }
        // Its labels (three lines under it) stay inside the stage.
        assert!(
            db.bottom() + 46.0 <= l.height && db.right() <= l.width,
            "{consumers}"
        );
        let outline = cylinder(db);
        assert!(
            outline.starts_with(&format!("M{:.1},{:.1}", db.x, db.y + CYLINDER_RY)),
            "{outline}"
        );
    }
}
