//! Membership changes and lookups: what each command does to the cluster.
use super::cluster::{next_list_scale, RingNode};
use super::commands::Cmd;
use super::config::{key_problem, name_problem, weight_problem, Algorithm, MAX_NODES, QUOTED};
use super::placing::{
    build_placement, count_loads, diff, join_order, modulo_moves, node_list, place,
    preference_walk, slot_count,
};
use super::report::{Change, ChangeKind, JoinRefusal, ListPlace, Lookup, Move, Rejection};
use crate::algo::placement::{self, HashRing, NodeSpec, Rendezvous};
use crate::algo::text::shorten;
use crate::sim::{Ctx, Line, Time};
use std::rc::Rc;

impl RingNode {
    fn reject(&mut self, cmd: &Cmd, reason: Line) {
        self.rejection = Some(Rc::new(Rejection {
            command: cmd.to_string(),
            reason,
            handled_at: self.handled,
        }));
    }

    /// Carries out one command; a command that cannot apply is recorded as a rejection.
    pub(super) fn apply(&mut self, cmd: &Cmd, now: Time) {
        if let Err(reason) = self.try_apply(cmd, now) {
            self.reject(cmd, reason);
        }
        // After the whole command: a failed server's weight is on the failed list by now.
        self.list_scale = next_list_scale(self.list_scale, self.drawn_units());
    }

    /// Carries out one command, or says why it cannot (a typed line: the page shows the
    /// refusal in its language).
    fn try_apply(&mut self, cmd: &Cmd, now: Time) -> Result<(), Line> {
        match cmd {
            Cmd::Join { name, weight } => {
                self.check_join(name, *weight)
                    .map_err(|refusal| refusal.line())?;
                self.join(NodeSpec::new(name.clone(), *weight), ChangeKind::Join, now)
            }
            Cmd::Recover { name } => {
                let at = self
                    .failed
                    .iter()
                    .position(|f| &f.name == name)
                    .ok_or_else(|| {
                        Line::tr("\"{name}\" has not failed").with("name", shorten(name, QUOTED))
                    })?;
                let node = self.failed[at].clone();
                self.join(node, ChangeKind::Recover, now)?;
                self.failed.remove(at);
                Ok(())
            }
            Cmd::Leave { name } => self.leave(name, ChangeKind::Leave, now),
            Cmd::Fail { name } => {
                let weight = self.weight_of(name)?;
                self.leave(name, ChangeKind::Fail, now)?;
                self.failed.push(NodeSpec::new(name.clone(), weight));
                Ok(())
            }
            Cmd::Weight { name, weight } => {
                weight_problem(*weight)?;
                let old = self.weight_of(name)?;
                if old == *weight {
                    return Err(Line::tr("\"{name}\" already has weight {weight}")
                        .with("name", name)
                        .with("weight", weight));
                }
                self.change(
                    name,
                    ChangeKind::Weight {
                        from: old,
                        to: *weight,
                    },
                    now,
                    |ring, hashes| ring.set_weight(name, *weight, hashes),
                )
            }
            Cmd::Lookup { key } => {
                key_problem(key)?;
                self.look_up(key, now)
            }
        }
    }

    /// Whether `join:<name>:<weight>` would be accepted now, and if not why. The "add a
    /// node" form asks this (through [`RingNode::join_from_form`]) rather than checking on
    /// its own.
    pub fn check_join(&self, name: &str, weight: u32) -> Result<(), JoinRefusal> {
        name_problem(name).map_err(JoinRefusal::BadName)?;
        weight_problem(weight).map_err(JoinRefusal::BadWeight)?;
        if self.ring.index_of(name).is_some() {
            return Err(JoinRefusal::NameTaken(name.to_string()));
        }
        if self.failed.iter().any(|f| f.name == name) {
            return Err(JoinRefusal::NameFailed(name.to_string()));
        }
        if self.ring.node_count() as u32 >= MAX_NODES {
            return Err(JoinRefusal::Full);
        }
        Ok(())
    }

    /// The name the "add a node" form and the node menu offer: the first free `node-<n>`
    /// that a join accepts (never the name of a live or failed server), or why no node
    /// can be added now (the ring is full).
    pub fn join_suggestion(&self) -> Result<String, JoinRefusal> {
        let name = self.suggested_name();
        self.check_join(&name, 1).map(|()| name)
    }

    /// [`RingNode::join_suggestion`]'s name, or `None` when no node can be added.
    pub fn addable_name(&self) -> Option<String> {
        self.join_suggestion().ok()
    }

    /// The join the "add a node" form sends for what a person typed (trimmed; an empty
    /// field takes the offered name), or why the ring would refuse it: the form shows
    /// exactly the refusal the command would get.
    pub fn join_from_form(&self, typed: &str, weight: u32) -> Result<Cmd, JoinRefusal> {
        let typed = typed.trim();
        let name = if typed.is_empty() {
            self.join_suggestion()?
        } else {
            typed.to_string()
        };
        self.check_join(&name, weight)?;
        Ok(Cmd::Join { name, weight })
    }

    fn weight_of(&self, name: &str) -> Result<u32, Line> {
        self.ring
            .index_of(name)
            .and_then(|i| self.ring.node(i))
            .map(|n| n.weight)
            .ok_or_else(|| {
                Line::tr("there is no live node named \"{name}\"")
                    .with("name", shorten(name, QUOTED))
            })
    }

    fn join(&mut self, node: NodeSpec, kind: ChangeKind, now: Time) -> Result<(), Line> {
        if self.ring.node_count() as u32 >= MAX_NODES {
            return Err(JoinRefusal::Full.line());
        }
        let name = node.name.clone();
        self.change(&name, kind, now, move |ring, hashes| {
            ring.add_node(node.clone(), hashes)
        })
    }

    fn leave(&mut self, name: &str, kind: ChangeKind, now: Time) -> Result<(), Line> {
        self.weight_of(name)?;
        if self.ring.node_count() <= 1 {
            return Err(
                Line::tr("\"{name}\" is the last node: the ring needs at least one")
                    .with("name", name),
            );
        }
        self.change(name, kind, now, |ring, hashes| {
            ring.remove_node(name, hashes)
        })
    }

    /// Applies a membership change to the ring, re-places the keys with the active
    /// algorithm, and records exactly what moved.
    fn change(
        &mut self,
        name: &str,
        kind: ChangeKind,
        now: Time,
        edit: impl FnOnce(
            &mut HashRing,
            &[u64],
        ) -> Result<Vec<placement::KeyMove>, placement::PlacementError>,
    ) -> Result<(), Line> {
        let before_ring = Rc::clone(&self.ring);
        let mut ring = (*self.ring).clone();
        let ring_moves = edit(&mut ring, &self.key_hashes).map_err(internal)?;
        let slot = ring
            .index_of(name)
            .or_else(|| before_ring.index_of(name))
            .map_or(0, |i| i.0 as u16);
        let weight = ring
            .index_of(name)
            .and_then(|i| ring.node(i))
            .or_else(|| before_ring.index_of(name).and_then(|i| before_ring.node(i)))
            .map_or(1, |n| n.weight);

        let renumbered = match (self.config.algorithm, kind) {
            (Algorithm::Jump, ChangeKind::Leave | ChangeKind::Fail | ChangeKind::Weight { .. }) => {
                self.order
                    .iter()
                    .position(|&s| s == slot)
                    .map_or(0, |at| (self.order.len() - at - 1) as u32)
            }
            _ => 0,
        };
        let order = join_order(&self.order, &ring);
        let list_place = matches!(kind, ChangeKind::Leave | ChangeKind::Fail)
            .then(|| self.places.iter().position(|p| *p == ListPlace::Live(slot)))
            .flatten()
            .map(|at| at as u32);
        let places = next_places(
            &self.places,
            &order,
            (kind, name, slot, weight),
            self.changes + 1,
        );
        let owners_before = Rc::clone(&self.owners);
        let (owners, moves) = if self.config.algorithm == Algorithm::Ring {
            // The ring reported its moves exactly: apply them instead of re-placing.
            let mut owners = (*owners_before).clone();
            let moves: Vec<Move> = ring_moves
                .iter()
                .map(|m| {
                    let to = m.to.0 as u16;
                    owners[m.key_index] = to;
                    Move {
                        key: m.key_index as u32,
                        from: m.from.0 as u16,
                        to,
                    }
                })
                .collect();
            (owners, moves)
        } else {
            let owners = place(&self.config, &ring, &order, &self.key_hashes).map_err(internal)?;
            let moves = diff(&owners_before, &owners);
            (owners, moves)
        };

        let modulo_moves = modulo_moves(
            (&before_ring, &self.order),
            (&ring, &order),
            &self.key_hashes,
        )
        .map_err(internal)?;
        let key_count = self.key_hashes.len() as f64;
        let total = |r: &HashRing| r.nodes().map(|(_, n)| f64::from(n.weight)).sum::<f64>();
        let share = |r: &HashRing| {
            r.index_of(name)
                .and_then(|i| r.node(i))
                .map_or(0.0, |n| f64::from(n.weight) / total(r).max(1.0))
        };
        let ideal_moves = key_count * (share(&ring) - share(&before_ring)).abs();
        let loads_before =
            std::mem::replace(&mut self.loads, count_loads(&owners, slot_count(&ring)));

        self.changes += 1;
        self.last_change = Some(Rc::new(Change {
            kind,
            node: name.to_string(),
            slot,
            weight,
            time: now,
            handled_at: self.handled,
            moves,
            ring_moves: ring_moves.len() as u64,
            modulo_moves,
            ideal_moves,
            nodes_before: before_ring.node_count() as u32,
            nodes_after: ring.node_count() as u32,
            loads_before,
            renumbered,
            list_place,
        }));
        self.ring = Rc::new(ring);
        self.order = order;
        self.places = places;
        self.owners = Rc::new(owners);
        // The lookup's owners may have changed: look the key up again on the new ring.
        if let Some(lookup) = self.lookup.take() {
            let handled_at = lookup.handled_at;
            let time = lookup.time;
            if self.look_up(&lookup.key, time).is_ok() {
                if let Some(fresh) = self.lookup.as_mut() {
                    let fresh = Rc::make_mut(fresh);
                    fresh.handled_at = handled_at;
                }
            }
        }
        Ok(())
    }

    fn look_up(&mut self, key: &str, now: Time) -> Result<(), Line> {
        let hash = self.ring.hash_key(key.as_bytes());
        let key_index = self.key_naming.index_of(key, self.key_count());
        let wanted = self.config.replicas as usize;
        let (replicas, walk) = match self.config.algorithm {
            Algorithm::Ring | Algorithm::BoundedLoad => {
                let (mut replicas, walk) = preference_walk(&self.ring, hash, wanted);
                // With bounded loads a key of the set may have been pushed past a full
                // server: its real owner comes first.
                if let Some(owner) = key_index.and_then(|i| self.owners.get(i as usize)) {
                    if replicas.first() != Some(owner) {
                        replicas.retain(|r| r != owner);
                        replicas.insert(0, *owner);
                        replicas.truncate(wanted.max(1));
                    }
                }
                (replicas, walk)
            }
            Algorithm::Rendezvous => {
                let (list, slots) = node_list(&self.ring, &self.order);
                let ranking = Rendezvous::new(&list).map_err(internal)?;
                let replicas = ranking
                    .ranking(hash)
                    .into_iter()
                    .take(wanted)
                    .filter_map(|i| slots.get(i.get()).copied())
                    .collect();
                (replicas, Vec::new())
            }
            _ => {
                let owner = match key_index {
                    Some(i) => self.owners.get(i as usize).copied(),
                    None => {
                        let (list, slots) = node_list(&self.ring, &self.order);
                        let placement = build_placement(&self.config, &list).map_err(internal)?;
                        placement
                            .owner(hash)
                            .and_then(|i| slots.get(i.get()).copied())
                    }
                };
                (owner.into_iter().collect(), Vec::new())
            }
        };
        self.lookup = Some(Rc::new(Lookup {
            key: key.to_string(),
            hash,
            replicas,
            walk,
            key_index,
            time: now,
            handled_at: self.handled,
        }));
        Ok(())
    }

    /// Churn: one random join, leave, failure or recovery, drawn from the seeded source.
    pub(super) fn churn(&mut self, cx: &mut Ctx<'_, Self>) {
        let live = self.ring.node_count() as u32;
        let most = (self.config.nodes.len() as u32 * 2).clamp(4, MAX_NODES);
        let roll = cx.rng().below(100);
        let cmd = if !self.failed.is_empty() && roll < 25 {
            let pick = cx.rng().below(self.failed.len() as u64) as usize;
            Cmd::Recover {
                name: self.failed[pick].name.clone(),
            }
        } else if live <= 2 || (live < most && roll < 60) {
            let name = self.suggested_name();
            self.next_number = name
                .strip_prefix("node-")
                .and_then(|n| n.parse::<u32>().ok())
                .map_or(self.next_number, |n| n + 1);
            Cmd::Join { name, weight: 1 }
        } else {
            let pick = cx.rng().below(u64::from(live));
            let name = self
                .ring
                .nodes()
                .nth(pick as usize)
                .map(|(_, n)| n.name.clone())
                .unwrap_or_default();
            if roll % 3 == 0 {
                Cmd::Fail { name }
            } else {
                Cmd::Leave { name }
            }
        };
        self.apply(&cmd, cx.now());
    }
}

/// The drawn list after a change ([`RingNode::list_places`]): a failing server's place
/// becomes its ghost's, and so does a leaving one's, for this change and the next (see
/// [`ListPlace::Gone`]); a recovering one's ghost goes, and a server that (re)joined comes
/// last, as in `order` (the live servers after the change, in list order). `number` is
/// this change's number ([`RingNode::changes`] after it).
fn next_places(
    before: &[ListPlace],
    order: &[u16],
    (kind, name, slot, weight): (ChangeKind, &str, u16, u32),
    number: u32,
) -> Vec<ListPlace> {
    let joined = matches!(kind, ChangeKind::Join | ChangeKind::Recover);
    let mut places: Vec<ListPlace> = before
        .iter()
        .filter_map(|place| match place {
            ListPlace::Live(s) if kind == ChangeKind::Fail && *s == slot => {
                Some(ListPlace::Failed(name.to_string()))
            }
            ListPlace::Live(s) if kind == ChangeKind::Leave && *s == slot => {
                Some(ListPlace::Gone {
                    name: name.to_string(),
                    weight,
                    change: number,
                })
            }
            ListPlace::Live(s) => order.contains(s).then(|| place.clone()),
            ListPlace::Failed(n) => {
                (kind != ChangeKind::Recover || n != name).then(|| place.clone())
            }
            ListPlace::Gone {
                name: n, change, ..
            } => (number < change + 2 && !(joined && n == name)).then(|| place.clone()),
        })
        .collect();
    for &s in order {
        if !places.contains(&ListPlace::Live(s)) {
            places.push(ListPlace::Live(s));
        }
    }
    places
}

/// A placement error a checked command cannot cause (names are unique and checked, weights
/// and virtual nodes bounded so that no ring passes the placement's limits), shown as it
/// is, in English, should it happen anyway.
fn internal(e: impl std::fmt::Display) -> Line {
    Line::value(e)
}
