//! The ring views' words that must say what the figures really are: the ring's size, which
//! only the ring-based algorithms have points for, and the load figure, the peak over
//! each server's fair share (not over the mean: weights count). Pure, so native tests read
//! exactly what the page shows.
use super::geometry::{fmt_count, BAND_OUTER, BAND_WIDTH};
use crate::algo::ring_cluster::{Algorithm, Change, ChangeKind, RingNode};
use crate::i18n::{tr, trf};
use crate::scene::ring::picture::{jump_walk, list_entries, maglev_entry, rendezvous_winner};

/// The line under the key count in the middle of the ring. Ring points exist only for the
/// ring-based algorithms; the others (hash mod N, jump hash, rendezvous, Maglev) have
/// none, so the line names the algorithm instead.
pub fn size_line(node: &RingNode) -> String {
    let nodes = node.ring().node_count();
    let algorithm = node.config().algorithm;
    if algorithm.uses_ring() {
        trf(
            "{nodes} nodes · {points} points",
            &[
                ("nodes", &nodes),
                ("points", &fmt_count(node.ring().point_count() as u64)),
            ],
        )
    } else {
        trf(
            "{nodes} nodes · {algorithm}",
            &[("nodes", &nodes), ("algorithm", &tr(algorithm.label()))],
        )
    }
}

/// The ring picture's accessible name (its points only where there are any).
pub fn ring_label(node: &RingNode) -> String {
    let nodes = node.ring().node_count();
    let keys = node.key_count();
    let algorithm = node.config().algorithm;
    if algorithm.uses_ring() {
        trf(
            "A ring of {nodes} nodes with {points} points and {keys} keys",
            &[
                ("nodes", &nodes),
                ("points", &fmt_count(node.ring().point_count() as u64)),
                ("keys", &fmt_count(keys.into())),
            ],
        )
    } else {
        trf(
            "{keys} keys on {nodes} nodes, placed by {algorithm}",
            &[
                ("keys", &fmt_count(keys.into())),
                ("nodes", &nodes),
                ("algorithm", &tr(algorithm.label())),
            ],
        )
    }
}

/// The load figure under the histogram.
pub fn peak_text(peak_over_fair_share: f64) -> String {
    trf(
        "peak / fair share {peak}",
        &[("peak", &format!("{peak_over_fair_share:.2}"))],
    )
}

/// The histogram's accessible name.
pub fn histogram_label(std_dev: f64, peak_over_fair_share: f64) -> String {
    trf(
        "Keys per node: std dev {std}, peak / fair share {peak}",
        &[
            ("std", &format!("{std_dev:.1}")),
            ("peak", &format!("{peak_over_fair_share:.2}")),
        ],
    )
}

/// A row's name in the compare table, from the comparison's code for the algorithm: the
/// short code in English (`ring`, `jump`), the algorithm's name in Chinese, the same name
/// as the algorithm picker's and the captions'.
pub fn compare_row_name(code: &'static str) -> &'static str {
    match code {
        "modulo" => tr("modulo"),
        "jump" => tr("jump"),
        "ring" => tr("ring"),
        "ketama" => tr("ketama"),
        "rendezvous" => tr("rendezvous"),
        "maglev" => tr("maglev"),
        "bounded-load" => tr("bounded-load"),
        other => other,
    }
}

/// The compare table's header for the load figure, and its tooltip.
pub fn peak_header() -> (&'static str, &'static str) {
    (
        tr("peak / fair share"),
        tr("the most loaded node's keys over its fair share (its weight's part of all keys); 1.00 is perfect"),
    )
}

// ---------------------------------------------------------------------------------------
// The words in the middle of the figure

/// The text sizes in the middle, in drawing units (style.css's `.centre-line` classes);
/// in a small drawing the big line is set smaller, as the whole middle is scaled up.
pub const SMALL_FONT: f64 = 13.5;
pub const KEY_FONT: f64 = 17.0;
pub const BIG_FONT: f64 = 30.0;
pub const BIG_FONT_SMALL_DRAWING: f64 = 24.0;
/// The middle's words stay inside the keys' band: within this radius of the centre.
pub const CENTRE_ROOM: f64 = BAND_OUTER - BAND_WIDTH - 4.0;

/// One line in the middle: its height from the centre, its class (`small`, `key`, `big`)
/// and its text.
#[derive(Clone, Debug, PartialEq)]
pub struct CentreLine {
    pub y: f64,
    pub class: &'static str,
    pub text: String,
}

impl CentreLine {
    pub fn font(&self, scale: f64) -> f64 {
        match self.class {
            "big" if scale > 1.0 => BIG_FONT_SMALL_DRAWING,
            "big" => BIG_FONT,
            "key" => KEY_FONT,
            _ => SMALL_FONT,
        }
    }

    /// About how wide one Latin character or digit of this line is, in ems (measured in
    /// Chromium, rounded up: 0.51 to 0.60 for the small text, 0.60 for the key's
    /// monospace, 0.64 for the big bold text).
    pub fn em(&self) -> f64 {
        match self.class {
            "big" => 0.66,
            "key" => 0.61,
            _ => 0.6,
        }
    }
}

/// About how wide a text is, in drawing units, at `font`: a wide (CJK) character takes a
/// full em, any other `em` ems.
pub fn text_width(text: &str, font: f64, em: f64) -> f64 {
    text.chars()
        .map(|c| if (c as u32) >= 0x2E80 { 1.0 } else { em })
        .sum::<f64>()
        * font
}

/// Whether a line, drawn `scale` times larger about the centre, stays inside
/// [`CENTRE_ROOM`]: the corners of its box are within the circle.
pub fn line_fits(line: &CentreLine, scale: f64) -> bool {
    let font = line.font(scale);
    let half = text_width(&line.text, font, line.em()) / 2.0 * scale;
    let (top, bottom) = (line.y - font * 0.8, line.y + font * 0.25);
    let far = top.abs().max(bottom.abs()) * scale;
    half * half + far * far <= CENTRE_ROOM * CENTRE_ROOM
}

/// The line, cut short with "…" until it fits at `scale`.
pub fn fit_line(mut line: CentreLine, scale: f64) -> CentreLine {
    let mut kept: Vec<char> = line.text.chars().collect();
    while !line_fits(&line, scale) && !kept.is_empty() {
        kept.pop();
        while kept.last() == Some(&' ') {
            kept.pop();
        }
        line.text = kept.iter().chain(['…'].iter()).collect();
    }
    line
}

/// What the middle says: the latest lookup (the key, how its owner was found and the
/// owner), else the latest change, else a summary. `cut` bytes of each replica's name are
/// dropped (the prefix every server shares, in a small drawing); every line is then fitted
/// inside the keys' band at `scale`.
pub fn centre_lines(
    node: &RingNode,
    lookup_current: bool,
    scale: f64,
    cut: usize,
) -> Vec<CentreLine> {
    let line = |y: f64, class: &'static str, text: String| CentreLine { y, class, text };
    let lookup_newer = match (node.lookup(), node.last_change()) {
        (Some(l), Some(c)) => l.handled_at > c.handled_at,
        (Some(_), None) => true,
        _ => false,
    };
    let mut lines = Vec::new();
    if let (true, Some(l)) = (lookup_newer || lookup_current, node.lookup()) {
        let owner = l
            .replicas
            .first()
            .and_then(|s| node.node_name(*s))
            .unwrap_or("?");
        // How the owner was found, in one line or two (jump hash's stop, Maglev's entry):
        // with two, the lines above move up to make room.
        let said = how_found_lines(node, l.hash);
        // In a small drawing, where the middle's words are drawn larger, the word "key"
        // would then reach Maglev's table window: it is left out.
        // (Higher on a large drawing, where the owner's line is set larger.)
        let top = match (said.len(), scale > 1.0) {
            (1, _) => 0.0,
            (_, true) => -16.0,
            (_, false) => -20.0,
        };
        if said.len() == 1 || scale <= 1.0 {
            lines.push(line(top - 44.0, "small", tr("key").into()));
        }
        lines.push(line(top - 20.0, "key", l.key.clone()));
        // Each line the longest way of saying it that fits: jump hash's path loses its
        // middle stops before its last one, which is the answer.
        for (i, forms) in said.iter().enumerate() {
            let y = top + 4.0 + 18.0 * i as f64;
            let fits = forms
                .iter()
                .find(|text| line_fits(&line(y, "small", (*text).clone()), scale))
                .or(forms.last())
                .cloned()
                .unwrap_or_default();
            lines.push(line(y, "small", fits));
        }
        lines.push(line(34.0, "big", format!("→ {owner}")));
        if l.replicas.len() > 1 {
            let rest: Vec<&str> = l.replicas[1..]
                .iter()
                .filter_map(|s| node.node_name(*s))
                .map(|n| n.get(cut..).filter(|s| !s.is_empty()).unwrap_or(n))
                .collect();
            // In a small drawing the long form may not fit low in the circle: "also on 1, 3"
            // keeps every replica rather than "replicas: 1,…".
            let nodes = rest.join(", ");
            let long = line(
                58.0,
                "small",
                trf("replicas: {nodes}", &[("nodes", &nodes)]),
            );
            lines.push(if line_fits(&long, scale) {
                long
            } else {
                line(58.0, "small", trf("also on {nodes}", &[("nodes", &nodes)]))
            });
        }
    } else if let Some(c) = node.last_change() {
        lines.push(line(-40.0, "small", change_title(c)));
        lines.push(line(0.0, "big", fmt_count(c.moves.len() as u64)));
        lines.push(line(
            24.0,
            "small",
            trf(
                "of {n} keys moved",
                &[("n", &fmt_count(node.key_count().into()))],
            ),
        ));
        lines.push(line(
            46.0,
            "small",
            trf(
                "ideal ≈ {n}",
                &[("n", &fmt_count(c.ideal_moves.round() as u64))],
            ),
        ));
    } else {
        lines.push(line(-18.0, "big", fmt_count(node.key_count().into())));
        lines.push(line(6.0, "small", tr("keys").into()));
        lines.push(line(30.0, "small", size_line(node)));
    }
    lines.into_iter().map(|l| fit_line(l, scale)).collect()
}

/// [`how_found`] line by line, each line with shorter forms of it that keep the answer
/// (longest first): jump hash's path with its middle stops left out ("buckets 0 → … → 2
/// → 4", "buckets 0 → … → 4", "0 → … → 4") and why it stops; Maglev's `hash mod M` and
/// the key's entry; rendezvous's winning score.
pub fn how_found_lines(node: &RingNode, hash: u64) -> Vec<Vec<String>> {
    let buckets = live_buckets(node);
    match node.config().algorithm {
        Algorithm::Jump => {
            let walk = jump_walk(hash, buckets);
            let path: Vec<String> = walk.path.iter().map(u32::to_string).collect();
            let mut forms = vec![trf("buckets {path}", &[("path", &path.join(" → "))])];
            if let [first, .., last] = path.as_slice() {
                for from in 2..path.len() {
                    let elided = format!("{first} → … → {}", path[from..].join(" → "));
                    forms.push(trf("buckets {path}", &[("path", &elided)]));
                }
                if path.len() > 2 {
                    forms.push(format!("{first} → … → {last}"));
                }
            }
            let Some(last) = walk.path.last() else {
                return vec![forms];
            };
            let args: [(&str, &dyn std::fmt::Display); 3] = [
                ("next", &fmt_count(walk.next.max(0) as u64)),
                ("n", &buckets),
                ("b", last),
            ];
            let stop = vec![
                trf("next jump {next} ≥ {n} buckets: stop at {b}", &args),
                trf("next jump {next} ≥ {n}: stop at {b}", &args),
                trf("next jump {next} ≥ {n}: stop", &args),
                trf("next {next} ≥ {n}: stop", &args),
            ];
            vec![forms, stop]
        }
        Algorithm::Maglev => {
            let (size, entry) = maglev_entry(hash);
            let m = fmt_count(u64::from(size));
            let i = fmt_count(u64::from(entry));
            vec![
                vec![
                    trf("hash(key) mod {m}", &[("m", &m)]),
                    trf("hash mod {m}", &[("m", &m)]),
                ],
                vec![
                    trf("= table entry {i}", &[("i", &i)]),
                    trf("= entry {i}", &[("i", &i)]),
                ],
            ]
        }
        Algorithm::Rendezvous => {
            let Some((slot, score)) = rendezvous_winner(node, hash) else {
                return vec![vec![how_found(node, hash)]];
            };
            let name = node.node_name(slot).unwrap_or("?");
            vec![vec![
                trf(
                    "highest score wins: {node} {score}",
                    &[("node", &name), ("score", &score)],
                ),
                trf("highest score wins: {score}", &[("score", &score)]),
                trf("highest wins: {score}", &[("score", &score)]),
            ]]
        }
        _ => vec![vec![how_found(node, hash)]],
    }
}

/// Under hash mod N, after a change that changed N (the live buckets: the servers'
/// total weight): one line for the stage saying that every key's bucket was numbered
/// again and how many keys moved, the algorithm's failure the learner came to see.
/// `None` for the other algorithms, and when N stayed the same.
pub fn modulo_note(node: &RingNode) -> Option<String> {
    let change = node.last_change()?;
    if node.config().algorithm != Algorithm::Modulo {
        return None;
    }
    let after = live_buckets(node);
    let before = match change.kind {
        ChangeKind::Join | ChangeKind::Recover => after.saturating_sub(change.weight),
        ChangeKind::Leave | ChangeKind::Fail => after + change.weight,
        ChangeKind::Weight { from, to } => (after + from).saturating_sub(to),
    };
    if before == after {
        return None;
    }
    let moved = change.moves.len() as u64;
    let keys = u64::from(node.key_count());
    let args: [(&str, &dyn std::fmt::Display); 4] = [
        ("from", &before),
        ("to", &after),
        ("moved", &fmt_count(moved)),
        ("keys", &fmt_count(keys)),
    ];
    Some(if moved * 2 > keys {
        trf(
            "N went from {from} to {to}, so hash mod N gave most keys a new bucket: {moved} of {keys} moved.",
            &args,
        )
    } else {
        trf(
            "N went from {from} to {to}, so hash mod N gave {moved} of {keys} keys a new bucket.",
            &args,
        )
    })
}

/// The live servers' buckets (their total weight).
fn live_buckets(node: &RingNode) -> u32 {
    list_entries(node).iter().map(|e| e.weight).sum::<u32>()
}

/// How a key's owner was found, in one short line (each line of [`how_found_lines`] at
/// its longest, joined): its hash on the ring, jump hash's jumps through the buckets and
/// why they stop, hash mod N's bucket, rendezvous's highest score, or Maglev's table
/// entry.
pub fn how_found(node: &RingNode, hash: u64) -> String {
    let buckets = live_buckets(node);
    match node.config().algorithm {
        Algorithm::Ring | Algorithm::BoundedLoad => {
            trf("hash {hash}", &[("hash", &format!("{hash:016x}"))])
        }
        Algorithm::Modulo => trf(
            "hash mod {n} = bucket {b}",
            &[("n", &buckets), ("b", &(hash % u64::from(buckets.max(1))))],
        ),
        Algorithm::Rendezvous if rendezvous_winner(node, hash).is_none() => {
            trf("highest of {n} scores", &[("n", &node.ring().node_count())])
        }
        _ => how_found_lines(node, hash)
            .iter()
            .filter_map(|forms| forms.first().cloned())
            .collect::<Vec<_>>()
            .join(" "),
    }
}

/// A change's title: "node-7 joined".
pub fn change_title(change: &Change) -> String {
    match change.kind {
        ChangeKind::Join => trf("{node} joined", &[("node", &change.node)]),
        ChangeKind::Leave => trf("{node} left", &[("node", &change.node)]),
        ChangeKind::Fail => trf("{node} failed", &[("node", &change.node)]),
        ChangeKind::Recover => trf("{node} recovered", &[("node", &change.node)]),
        ChangeKind::Weight { from, to } => trf(
            "{node}: weight {from} → {to}",
            &[("node", &change.node), ("from", &from), ("to", &to)],
        ),
    }
}
