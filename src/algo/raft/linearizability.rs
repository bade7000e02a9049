//! Linearizability of the clients' history against a key-value register model.
//!
//! A history is linearizable (Herlihy and Wing, 1990) when every operation can be given
//! one instant between its invocation and its return such that, taken in the order of those
//! instants, the operations behave like a single, non-replicated store: each get returns the
//! latest put before it. Operations still pending (their client crashed or is waiting) may
//! take effect at any instant after their invocation, or not at all.
//!
//! The check is the Wing and Gong search (1993) with Lowe's memoisation (2017): walk the
//! invoke/return events in time order; at each invocation try to linearize that operation
//! next (if the model allows its result); on reaching the return of an operation that has
//! not been linearized, undo the latest choice and try the next. A set of (operations
//! linearized so far, model state) pairs already explored is kept, so no configuration is
//! searched twice. Linearizability is *local* (Herlihy and Wing): a history is linearizable
//! exactly when each key's sub-history is, so every key is searched on its own.
use super::client::{EventKind, HistoryEvent};
use super::kv::{Key, Op, OpResult, Value};
use crate::sim::sorted::{SortedMap, SortedSet};
use crate::sim::{Line, NodeId, Time};

/// One client operation: invoked at `invoked`, returned at `returned` with a result (or
/// still pending).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Operation {
    pub client: NodeId,
    pub op: Op,
    pub invoked: Time,
    pub returned: Option<(Time, OpResult)>,
}

/// Pairs a client's invoke and return events into operations.
pub fn operations_of(client: NodeId, events: &[HistoryEvent]) -> Vec<Operation> {
    let mut ops: Vec<(u64, Operation)> = Vec::new();
    for event in events {
        match event.kind {
            EventKind::Invoke(op) => ops.push((
                event.serial,
                Operation {
                    client,
                    op,
                    invoked: event.time,
                    returned: None,
                },
            )),
            EventKind::Return(result) => {
                if let Some((_, op)) = ops.iter_mut().rev().find(|(s, _)| *s == event.serial) {
                    op.returned = Some((event.time, result));
                }
            }
        }
    }
    ops.into_iter().map(|(_, op)| op).collect()
}

/// Whether `history` is linearizable; if not, which key's operations cannot be ordered.
/// Exact: it searches each key's whole history.
pub fn check_linearizable(history: &[Operation]) -> Result<(), Line> {
    check_recent(history, usize::MAX)
}

/// How many of each key's latest operations the invariant searches.
pub const RECENT_WINDOW: usize = 64;

/// Like [`check_linearizable`], but searches only about the latest `window` completed
/// operations of each key, so that checking after every operation stays cheap in a long
/// run. The window starts at a quiet instant (every earlier operation had returned, none was
/// running), so that the earlier operations all come before it in any linearization; the
/// register's value at that instant is left open (the first read may see anything), and
/// pending writes stay in, free to take effect anywhere or nowhere. It never reports a
/// violation the exact check would not; it misses only violations that need older
/// operations to show.
pub fn check_recent(history: &[Operation], window: usize) -> Result<(), Line> {
    let mut by_key: SortedMap<Key, Vec<Operation>> = SortedMap::new();
    for op in history {
        // A pending get observed nothing and changed nothing: it can always be left out.
        if op.op.is_read() && op.returned.is_none() {
            continue;
        }
        by_key.entry(op.op.key()).or_default().push(*op);
    }
    for (key, ops) in &by_key {
        let (recent, initial) = recent_operations(ops, window);
        if !register_linearizable(&recent, initial) {
            return Err(stale_read(&recent, initial).unwrap_or_else(|| {
                Line::tr("no order of the {n} operations on key {key} matches what the clients saw")
                    .with("n", recent.len())
                    .with("key", key)
            }));
        }
    }
    Ok(())
}

/// The two operations that show a history is not linearizable, when they are a stale read:
/// a get returned a value (or nil, from the register's known start) although a put of
/// another value had returned before the get began, and every put of the value read had
/// returned before that put began. In any order the put comes after the value read was
/// written and before the get, so the get cannot see it. `None` for other shapes of
/// violation (then the caller names the key only): the caption quotes two operations, not
/// the whole history.
fn stale_read(ops: &[Operation], initial: State) -> Option<Line> {
    let precedes = |a: &Operation, b: &Operation| a.returned.is_some_and(|(t, _)| t <= b.invoked);
    let puts_of = |value: Value| {
        ops.iter()
            .filter(move |o| matches!(o.op, Op::Put { value: v, .. } if v == value))
    };
    for get in ops.iter().filter(|o| o.op.is_read()) {
        let Some((returned, OpResult::Read(seen))) = get.returned else {
            continue;
        };
        let overwrote = |put: &&Operation| {
            let Op::Put { value, .. } = put.op else {
                return false;
            };
            if !precedes(put, get) || Some(value) == seen {
                return false;
            }
            match seen {
                None => initial == Some(None),
                Some(v) => puts_of(v).next().is_some() && puts_of(v).all(|q| precedes(q, put)),
            }
        };
        if let Some(put) = ops.iter().find(overwrote) {
            let written = put.returned.map_or(Time::ZERO, |(t, _)| t);
            return Some(
                Line::tr(
                    "{reader}'s {get} returned {value} at {time}, but {writer}'s {put} had \
                     returned at {written}, before the get began, overwriting {value}",
                )
                .with("reader", get.client)
                .with("get", get.op)
                .with("value", OpResult::Read(seen))
                .with("time", returned)
                .with("writer", put.client)
                .with("put", put.op)
                .with("written", written),
            );
        }
    }
    None
}

/// The register's state in the search: `None` while unknown (at the start of a window).
type State = Option<Option<Value>>;

/// The operations of one key from the latest quiet instant that leaves at least `window`
/// completed operations after it, and the register's state there.
fn recent_operations(ops: &[Operation], window: usize) -> (Vec<Operation>, State) {
    let mut completed: Vec<&Operation> = ops.iter().filter(|o| o.returned.is_some()).collect();
    if completed.len() <= window {
        return (ops.to_vec(), Some(None));
    }
    crate::sim::sort::sort_by_key(&mut completed, |o| o.invoked);
    let mut cut = 0;
    let mut latest_return = Time::ZERO;
    for (i, op) in completed.iter().enumerate() {
        if completed.len() - i < window {
            break;
        }
        if i > 0 && latest_return <= op.invoked {
            cut = i;
        }
        latest_return = latest_return.max(op.returned.map_or(Time::ZERO, |(t, _)| t));
    }
    if cut == 0 {
        return (ops.to_vec(), Some(None));
    }
    let mut recent: Vec<Operation> = completed[cut..].iter().map(|o| **o).collect();
    recent.extend(ops.iter().filter(|o| o.returned.is_none()));
    (recent, None)
}

/// One event in the doubly linked list the search walks.
#[derive(Clone, Copy)]
struct Event {
    op: usize,
    is_call: bool,
    /// For a call: the index of its return event.
    partner: usize,
    prev: usize,
    next: usize,
}

/// The register model: a put succeeds and sets the value; a get must see the value (any
/// value, while the value is unknown).
fn step(state: State, op: &Operation) -> Option<State> {
    match (op.op, op.returned) {
        (Op::Put { value, .. }, Some((_, OpResult::Written)) | None) => Some(Some(Some(value))),
        (Op::Get { .. }, Some((_, OpResult::Read(seen)))) => match state {
            None => Some(Some(seen)),
            Some(known) => (known == seen).then_some(state),
        },
        _ => None,
    }
}

fn register_linearizable(ops: &[Operation], initial: State) -> bool {
    // Events in time order; at equal times returns come first: an operation that returned
    // at the instant another was invoked precedes it. (A client starts its next operation
    // at the instant the previous one returns; and since every message takes time, the
    // operation that returned took effect strictly earlier.) Pending operations return
    // "at infinity".
    let mut order: Vec<(u64, u8, usize)> = Vec::with_capacity(ops.len() * 2);
    for (i, op) in ops.iter().enumerate() {
        order.push((op.invoked.0, 1, i));
        order.push((op.returned.map_or(u64::MAX, |(t, _)| t.0), 0, i));
    }
    crate::sim::sort::sort(&mut order);
    // Node 0 is the head sentinel; events are nodes 1..=2n; `end` marks the list's end.
    let end = order.len() + 1;
    let mut events = vec![
        Event {
            op: 0,
            is_call: false,
            partner: 0,
            prev: 0,
            next: 1,
        };
        end
    ];
    let mut return_of = vec![0; ops.len()];
    for (k, &(_, kind, op)) in order.iter().enumerate() {
        let node = k + 1;
        events[node] = Event {
            op,
            is_call: kind == 1,
            partner: 0,
            prev: node - 1,
            next: node + 1,
        };
        if kind == 0 {
            return_of[op] = node;
        }
    }
    for node in 1..end {
        if events[node].is_call {
            events[node].partner = return_of[events[node].op];
        }
    }
    let completed = ops.iter().filter(|o| o.returned.is_some()).count();
    let words = ops.len().div_ceil(64);
    let mut linearized = vec![0u64; words];
    let mut done = 0;
    let mut state = initial;
    let mut seen: SortedSet<(Vec<u64>, State)> = SortedSet::new();
    let mut stack: Vec<(usize, State)> = Vec::new();
    let mut entry = events[0].next;
    loop {
        if done == completed {
            return true;
        }
        if entry == end {
            // Only pending returns are left, but completed operations are not linearized:
            // cannot happen, since their returns come before any pending return.
            return false;
        }
        let event = events[entry];
        if event.is_call {
            let op = &ops[event.op];
            if let Some(next_state) = step(state, op) {
                linearized[event.op / 64] |= 1 << (event.op % 64);
                if seen.insert((linearized.clone(), next_state)) {
                    stack.push((entry, state));
                    state = next_state;
                    if op.returned.is_some() {
                        done += 1;
                    }
                    lift(&mut events, entry);
                    entry = events[0].next;
                    continue;
                }
                linearized[event.op / 64] &= !(1 << (event.op % 64));
            }
            entry = event.next;
        } else {
            // The return of an operation not linearized yet: undo the latest choice.
            let Some((call, previous)) = stack.pop() else {
                return false;
            };
            let op = events[call].op;
            state = previous;
            linearized[op / 64] &= !(1 << (op % 64));
            if ops[op].returned.is_some() {
                done -= 1;
            }
            unlift(&mut events, call);
            entry = events[call].next;
        }
    }
}

/// Takes a call and its return out of the list (they stay linked to their neighbours, so
/// `unlift` can put them back).
fn lift(events: &mut [Event], call: usize) {
    let ret = events[call].partner;
    for node in [call, ret] {
        let (prev, next) = (events[node].prev, events[node].next);
        events[prev].next = next;
        if next < events.len() {
            events[next].prev = prev;
        }
    }
}

fn unlift(events: &mut [Event], call: usize) {
    let ret = events[call].partner;
    for node in [ret, call] {
        let (prev, next) = (events[node].prev, events[node].next);
        events[prev].next = node;
        if next < events.len() {
            events[next].prev = node;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key() -> Key {
        Key::new('x').expect("a letter")
    }

    fn put(client: u32, value: Value, from: u64, to: Option<u64>) -> Operation {
        Operation {
            client: NodeId(client),
            op: Op::Put { key: key(), value },
            invoked: Time::from_millis(from),
            returned: to.map(|t| (Time::from_millis(t), OpResult::Written)),
        }
    }

    fn get(client: u32, seen: Option<Value>, from: u64, to: u64) -> Operation {
        Operation {
            client: NodeId(client),
            op: Op::Get { key: key() },
            invoked: Time::from_millis(from),
            returned: Some((Time::from_millis(to), OpResult::Read(seen))),
        }
    }

    #[test]
    fn sequential_and_concurrent_histories() {
        // put 1, then get 1: fine. A get overlapping a put may see either value.
        assert_eq!(
            check_linearizable(&[put(1, 1, 0, Some(10)), get(2, Some(1), 20, 30)]),
            Ok(())
        );
        let overlapping = [put(1, 1, 0, Some(10)), put(2, 2, 5, Some(50))];
        for seen in [Some(1), Some(2)] {
            let mut h = overlapping.to_vec();
            h.push(get(3, seen, 20, 30));
            assert_eq!(check_linearizable(&h), Ok(()), "{seen:?}");
        }
        // An operation that returned at the instant another began precedes it.
        let h = [
            put(1, 1, 0, Some(10)),
            put(1, 2, 10, Some(20)),
            get(2, Some(1), 25, 30),
        ];
        assert!(check_linearizable(&h).is_err());
        // Two reads during one write: once the first sees the new value, a later read may
        // not see the old one.
        let h = [
            put(1, 1, 0, Some(10)),
            put(2, 2, 20, Some(100)),
            get(3, Some(2), 30, 40),
            get(4, Some(1), 50, 60),
        ];
        assert!(check_linearizable(&h).is_err());
    }

    #[test]
    fn stale_reads_are_caught() {
        // A read that starts after a write completed must not see the older value.
        let h = [
            put(1, 1, 0, Some(10)),
            put(1, 2, 20, Some(30)),
            get(2, Some(1), 40, 50),
        ];
        let err = check_linearizable(&h).expect_err("stale");
        // The stale read and the write it missed, by name.
        let text = err.to_string();
        assert!(
            text.contains("get:x returned 1") && text.contains("put:x:2 had returned"),
            "{text}"
        );
        // Reading a value nobody wrote.
        assert!(check_linearizable(&[get(2, Some(7), 0, 5)]).is_err());
        // Reading nothing after a completed write.
        assert!(check_linearizable(&[put(1, 1, 0, Some(10)), get(2, None, 20, 30)]).is_err());
    }

    #[test]
    fn pending_writes_may_or_may_not_take_effect() {
        let pending = put(1, 5, 0, None);
        assert_eq!(check_linearizable(&[pending, get(2, None, 10, 20)]), Ok(()));
        assert_eq!(
            check_linearizable(&[pending, get(2, Some(5), 10, 20)]),
            Ok(())
        );
        // ... but not before they were invoked.
        let late = put(1, 5, 30, None);
        assert!(check_linearizable(&[late, get(2, Some(5), 10, 20)]).is_err());
        // Once seen, a pending write cannot be unseen.
        let h = [pending, get(2, Some(5), 10, 20), get(3, None, 30, 40)];
        assert!(check_linearizable(&h).is_err());
    }

    #[test]
    fn keys_are_checked_separately_and_events_paired() {
        let y = Key::new('y').expect("a letter");
        let mut h = vec![put(1, 1, 0, Some(10))];
        h.push(Operation {
            client: NodeId(2),
            op: Op::Get { key: y },
            invoked: Time::from_millis(20),
            returned: Some((Time::from_millis(30), OpResult::Read(Some(1)))),
        });
        let err = check_linearizable(&h).expect_err("y was never written");
        assert!(err.to_string().contains("key y"), "{err}");
        let events = [
            HistoryEvent {
                serial: 1,
                time: Time(5),
                kind: EventKind::Invoke(Op::Get { key: y }),
            },
            HistoryEvent {
                serial: 1,
                time: Time(9),
                kind: EventKind::Return(OpResult::Read(None)),
            },
            HistoryEvent {
                serial: 2,
                time: Time(12),
                kind: EventKind::Invoke(Op::Put { key: y, value: 3 }),
            },
        ];
        let ops = operations_of(NodeId(4), &events);
        assert_eq!(ops.len(), 2);
        assert_eq!(ops[0].returned, Some((Time(9), OpResult::Read(None))));
        assert_eq!(ops[1].returned, None);
    }

    #[test]
    fn the_recent_window_keeps_recent_violations_and_forgets_old_ones() {
        // 100 sequential puts, then a read of the value of put 97: stale by two writes.
        let mut h: Vec<Operation> = (0..100u64)
            .map(|i| put(1, i as Value, i * 10, Some(i * 10 + 5)))
            .collect();
        h.push(get(2, Some(97), 1_000, 1_005));
        assert!(check_linearizable(&h).is_err());
        assert!(check_recent(&h, 8).is_err(), "within the window");
        // One put of 5, then 40 reads that all see 6, a value nobody wrote. The exact check
        // sees it; a window of 8 starts after the put, so the first read it keeps could
        // have seen anything, and the rest agree with it.
        let mut h = vec![put(1, 5, 0, Some(5))];
        h.extend((1..=40u64).map(|i| get(2, Some(6), i * 10, i * 10 + 5)));
        assert!(check_linearizable(&h).is_err());
        assert_eq!(check_recent(&h, 8), Ok(()));
        // A window never invents a violation: a long overlapping history stays fine.
        let overlapping: Vec<Operation> = (0..100u64)
            .flat_map(|i| {
                let t = i * 10;
                [
                    put(1, i as Value, t, Some(t + 25)),
                    get(2, Some(i as Value), t + 12, t + 30),
                ]
            })
            .collect();
        assert_eq!(check_recent(&overlapping, 8), Ok(()));
        assert_eq!(check_linearizable(&overlapping), Ok(()));
    }

    #[test]
    fn a_long_concurrent_history_is_checked_quickly() {
        // 3 clients, 300 operations each overlapping its neighbours: the memo keeps this
        // polynomial.
        let mut h = Vec::new();
        for i in 0..300u64 {
            let t = i * 10;
            h.push(put(1, i as Value, t, Some(t + 25)));
            h.push(get(2, Some(i as Value), t + 12, t + 30));
        }
        assert_eq!(check_linearizable(&h), Ok(()));
    }
}
