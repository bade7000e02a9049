//! Every server's log as a row of cells, coloured by term: solid when committed, pale and
//! dashed when not, hatched where a snapshot replaced the entries; under each follower's
//! row, the leader's nextIndex (a triangle) and matchIndex (a bar); under the grid, struck
//! out, the entries the servers' latest conflicts removed.
use super::frame::{word_width, StageFrame};
use super::geometry::*;
use crate::algo::raft::Role;
use crate::i18n::{tr, trf};
use crate::scene::raft::{members_text, Cell, CellKind, PeerView, RaftView, ServerView};
use crate::scene::Names;
use crate::sim::NodeStatus;
use crate::ui::svg_attr::n1;
use yew::prelude::*;

/// The size of a cell's term and of the index numbers over the grid (style.css's
/// `.log-grid .cell text` and `.log-grid .index`).
const CELL_FONT: f64 = 13.0;

fn cell_text(cell: &Cell, names: &Names<'_>) -> String {
    match cell.kind {
        CellKind::Noop => tr("no-op (a new leader's first entry)").to_string(),
        CellKind::Preloaded => tr("an entry the scenario starts with").to_string(),
        CellKind::Put(k, v) => format!("put {k}={v}"),
        CellKind::Get(k) => format!("get {k}"),
        CellKind::Config(members) => {
            trf("configuration {m}", &[("m", &members_text(names, members))])
        }
    }
}

fn row(
    frame: &StageFrame,
    view: &RaftView,
    s: &ServerView,
    index_row: usize,
    dark: bool,
    names: &Names<'_>,
) -> Html {
    let (first, last) = view.window;
    let y = frame.row_y(index_row);
    let leader_peer: Option<PeerView> = view
        .leader
        .and_then(|l| view.server(l))
        .and_then(|l| l.peers.iter().find(|p| p.id == s.id).copied());
    let snapshot = (first..=last.min(s.snapshot_index)).map(|index| {
        let x = frame.cell_x(index, first);
        html! {
            <rect class="cell snap" x={n1(x)} y={n1(y)} width={n1(frame.cell_w - 2.0)} height={CELL_H.to_string()}>
                <title>{ trf("{n}: entry {i} is in the snapshot (up to entry {k}, term {t})", &[("n", &s.name), ("i", &index), ("k", &s.snapshot_index), ("t", &s.snapshot_term)]) }</title>
            </rect>
        }
    });
    let cells = s.cells.iter().map(|cell| {
        let x = frame.cell_x(cell.index, first);
        let committed = cell.index <= s.commit;
        let state = if committed { tr("committed") } else { tr("not committed") };
        let title = trf("{n}: entry {i}, term {t}: {what} ({state})", &[("n", &s.name), ("i", &cell.index), ("t", &cell.term), ("what", &cell_text(cell, names)), ("state", &state)]);
        let squeeze = squeeze_number(digits(cell.term), CELL_FONT, frame.cell_w - 4.0);
        html! {
            <g class={classes!("cell", if committed { "committed" } else { "uncommitted" }, matches!(cell.kind, CellKind::Config(_)).then_some("config"))}>
                <title>{ title }</title>
                <rect x={n1(x)} y={n1(y)} width={n1(frame.cell_w - 2.0)} height={CELL_H.to_string()} rx="3" fill={term_colour(cell.term, dark)} />
                <text x={n1(x + (frame.cell_w - 2.0) / 2.0)} y={n1(y + 15.0)} textLength={squeeze.map(n1)} lengthAdjust={squeeze.map(|_| "spacingAndGlyphs")}>{ cell.term }</text>
            </g>
        }
    });
    let marks = leader_peer.map(|p| {
        let under = y + CELL_H + 1.5;
        let bar_end = p.matched.min(last);
        let bar = (p.matched >= first).then(|| {
            let x0 = frame.cell_x(first, first);
            let x1 = frame.cell_x(bar_end, first) + frame.cell_w - 2.0;
            html! { <rect class="match-bar" x={n1(x0)} y={n1(under)} width={n1(x1 - x0)} height="3">
                <title>{ trf("matchIndex for {n}: {i}", &[("n", &s.name), ("i", &p.matched)]) }</title></rect> }
        });
        let next_x = frame.cell_x(p.next.clamp(first, last + 1), first) + (frame.cell_w - 2.0) / 2.0;
        html! {
            <>
                { for bar }
                <path class="next-mark" d={format!("M{:.1},{:.1} l-5,5 h10 Z", next_x, under)}>
                    <title>{ trf("nextIndex for {n}: {i}", &[("n", &s.name), ("i", &p.next)]) }</title>
                </path>
            </>
        }
    });
    // A server that is down says so at the end of its row, where there is room: a narrow
    // embed that shows the logs and not the servers' ring would otherwise show a crashed
    // leader's row only paler than the others.
    let status_word = match s.status {
        NodeStatus::Up => None,
        NodeStatus::Crashed => Some(tr("crashed")),
        NodeStatus::Paused => Some(tr("paused")),
    };
    let status = status_word.and_then(|word| {
        let end = s.last_index.clamp(first.saturating_sub(1), last);
        let x = frame.cell_x(end + 1, first) + 4.0;
        (x + word_width(word, CELL_FONT) <= frame.width - 2.0).then(|| {
            html! { <text class="row-status" x={n1(x)} y={n1(y + 15.0)}>{ word }</text> }
        })
    });
    html! {
        <g key={s.id.0.to_string()} class={classes!("log-row", (s.status != NodeStatus::Up).then_some("down"), (s.role == Role::Leader).then_some("lead"))} data-node={s.id.0.to_string()}
           data-commit={s.commit.to_string()} data-last={s.last_index.to_string()} data-snapshot={s.snapshot_index.to_string()}>
            <text class="row-name" x={frame.grid_x.to_string()} y={n1(y + 15.0)}>{ &s.name }</text>
            { for snapshot }
            { for cells }
            { for marks }
            { for status }
        </g>
    }
}

/// Under the grid, the entries each server's latest conflict removed (§5.3), struck out
/// in their index's column: what the logs no longer show, where a caption tells of an
/// entry deleted or replaced. As many servers as the frame holds, in the grid's order.
fn removed_rows(
    frame: &StageFrame,
    view: &RaftView,
    dark: bool,
    names: &Names<'_>,
) -> Option<Html> {
    let (first, _) = view.window;
    let servers = view.servers.len();
    let with_removed: Vec<&ServerView> = view
        .servers
        .iter()
        .filter(|s| !s.removed.is_empty())
        .collect();
    let shown = frame.removed_rows_fit(servers, with_removed.len());
    if shown == 0 {
        return None;
    }
    let title_y = frame.removed_row_y(servers, 0) - 9.0;
    let rows = with_removed.iter().take(shown).enumerate().map(|(row, s)| {
        let y = frame.removed_row_y(servers, row);
        let cells = s.removed.iter().map(|cell| {
            let x = frame.cell_x(cell.index, first);
            let w = frame.cell_w - 2.0;
            let title = trf("{n} removed entry {i}, term {t}: {what}. It conflicted with the leader's log, which replaced it (§5.3).", &[("n", &s.name), ("i", &cell.index), ("t", &cell.term), ("what", &cell_text(cell, names))]);
            html! {
                <g class="cell removed">
                    <title>{ title }</title>
                    <rect x={n1(x)} y={n1(y)} width={n1(w)} height={CELL_H.to_string()} rx="3" fill={term_colour(cell.term, dark)} />
                    <line class="strike" x1={n1(x + 1.0)} y1={n1(y + CELL_H - 2.0)} x2={n1(x + w - 1.0)} y2={n1(y + 2.0)} />
                    <text x={n1(x + w / 2.0)} y={n1(y + 15.0)}>{ cell.term }</text>
                </g>
            }
        });
        html! {
            <g class="removed-row" data-node={s.id.0.to_string()}>
                <text class="row-name" x={frame.grid_x.to_string()} y={n1(y + 15.0)}>{ &s.name }</text>
                { for cells }
            </g>
        }
    });
    Some(html! {
        <g class="removed-entries">
            <text class="grid-title" x={frame.grid_x.to_string()} y={n1(title_y)}>{ tr("deleted: they conflicted with the leader's log") }</text>
            { for rows }
        </g>
    })
}

/// The grid: index numbers on top, one row per server, where `frame` puts it.
pub fn log_grid(frame: &StageFrame, view: &RaftView, dark: bool, names: &Names<'_>) -> Html {
    let (first, last) = view.window;
    let header = (first..=last).map(|index| {
        let squeeze = squeeze_number(digits(index), CELL_FONT, frame.cell_w - 3.0);
        html! { <text class="index" x={n1(frame.cell_x(index, first) + (frame.cell_w - 2.0) / 2.0)} y={(frame.grid_top - 9.0).to_string()}
            textLength={squeeze.map(n1)} lengthAdjust={squeeze.map(|_| "spacingAndGlyphs")}>{ index }</text> }
    });
    let rows = view
        .servers
        .iter()
        .enumerate()
        .map(|(i, s)| row(frame, view, s, i, dark, names));
    html! {
        <g class="log-grid" data-focus="logs" aria-label={tr("The servers' logs")}>
            <text class="grid-title" x={frame.grid_x.to_string()} y={(frame.grid_top - 9.0).to_string()}>{ tr("log") }</text>
            { for header }
            { for rows }
            { for removed_rows(frame, view, dark, names) }
        </g>
    }
}
