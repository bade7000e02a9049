//! List commands. A list is deleted as soon as it becomes empty, so "the key exists" and
//! "the list has elements" are the same thing, which is what the blocking commands rely on.
use super::command::{Command, End};
use super::keyspace::{Redis, Value};
use super::reply::{RedisError, Reply};
use std::collections::VecDeque;

fn pop(list: &mut VecDeque<String>, end: End) -> Option<String> {
    match end {
        End::Left => list.pop_front(),
        End::Right => list.pop_back(),
    }
}

fn push(list: &mut VecDeque<String>, end: End, value: String) {
    match end {
        End::Left => list.push_front(value),
        End::Right => list.push_back(value),
    }
}

/// `LRANGE`'s index rules: negative indexes count from the tail, the range is clamped,
/// and an empty range gives an empty array.
fn range(list: &VecDeque<String>, start: i64, stop: i64) -> Vec<Reply> {
    let len = list.len() as i64;
    let start = if start < 0 { len + start } else { start }.max(0);
    let stop = if stop < 0 { len + stop } else { stop };
    if start > stop || start >= len {
        return Vec::new();
    }
    let stop = stop.min(len - 1);
    list.range(start as usize..=stop as usize)
        .map(|v| Reply::Bulk(v.clone()))
        .collect()
}

impl Redis {
    /// The list at `key`: `Ok(None)` if missing, an error if it holds another type.
    fn list_ref(&self, key: &str) -> Result<Option<&VecDeque<String>>, RedisError> {
        match self.keys.get(key).map(|e| &e.value) {
            None => Ok(None),
            Some(Value::List(l)) => Ok(Some(l)),
            Some(_) => Err(RedisError::WrongType),
        }
    }

    fn list_mut(&mut self, key: &str) -> Result<Option<&mut VecDeque<String>>, RedisError> {
        match self.keys.get_mut(key).map(|e| &mut e.value) {
            None => Ok(None),
            Some(Value::List(l)) => Ok(Some(l)),
            Some(_) => Err(RedisError::WrongType),
        }
    }

    /// Deletes the list at `key` if it became empty.
    fn drop_if_empty(&mut self, key: &str) {
        if matches!(self.list_ref(key), Ok(Some(l)) if l.is_empty()) {
            self.remove(key);
        }
    }

    fn push_values(&mut self, key: &str, values: &[String], end: End) -> Result<Reply, RedisError> {
        if self.list_mut(key)?.is_none() {
            self.insert(key, Value::List(VecDeque::new()));
        }
        let list = self.list_mut(key)?.expect("just created");
        for v in values {
            push(list, end, v.clone());
        }
        let len = list.len() as i64;
        self.signal_ready(key);
        Ok(Reply::Integer(len))
    }

    fn pop_values(&mut self, key: &str, count: Option<u64>, end: End) -> Result<Reply, RedisError> {
        let Some(list) = self.list_mut(key)? else {
            return Ok(if count.is_some() {
                Reply::NilArray
            } else {
                Reply::Nil
            });
        };
        let reply = match count {
            None => Reply::Bulk(pop(list, end).expect("lists are never empty")),
            Some(n) => {
                let n = n.min(list.len() as u64);
                Reply::Array(
                    (0..n)
                        .filter_map(|_| pop(list, end))
                        .map(Reply::Bulk)
                        .collect(),
                )
            }
        };
        self.drop_if_empty(key);
        Ok(reply)
    }

    /// `LMOVE`: the source must be a list (or missing: nil); the destination is checked
    /// only once there is something to move.
    fn move_value(
        &mut self,
        source: &str,
        destination: &str,
        from: End,
        to: End,
    ) -> Result<Reply, RedisError> {
        if self.list_ref(source)?.is_none() {
            return Ok(Reply::Nil);
        }
        self.list_ref(destination)?;
        let value = pop(self.list_mut(source)?.expect("checked"), from).expect("never empty");
        // Pushing before deleting an emptied source keeps `LMOVE k k` (a rotation) whole.
        if self.list_ref(destination)?.is_none() {
            self.insert(destination, Value::List(VecDeque::new()));
        }
        push(
            self.list_mut(destination)?.expect("just created"),
            to,
            value.clone(),
        );
        self.drop_if_empty(source);
        self.signal_ready(destination);
        Ok(Reply::Bulk(value))
    }

    fn remove_value(&mut self, key: &str, count: i64, value: &str) -> Result<Reply, RedisError> {
        let Some(list) = self.list_mut(key)? else {
            return Ok(Reply::Integer(0));
        };
        let limit = count.unsigned_abs();
        let mut removed = 0u64;
        let mut kept: VecDeque<String> = VecDeque::with_capacity(list.len());
        // From the head for a positive count (or 0: all), from the tail for a negative one.
        let from_tail = count < 0;
        let mut items: Vec<String> = list.drain(..).collect();
        if from_tail {
            items.reverse();
        }
        for item in items {
            if item == value && (limit == 0 || removed < limit) {
                removed += 1;
            } else {
                kept.push_back(item);
            }
        }
        if from_tail {
            kept = kept.into_iter().rev().collect();
        }
        *list = kept;
        self.drop_if_empty(key);
        Ok(Reply::Integer(removed as i64))
    }

    /// `BRPOP`: the first key (in argument order) holding a list is popped; a key of
    /// another type before it is an error; no list at all blocks.
    fn blocking_pop(&mut self, keys: &[String]) -> Result<Reply, RedisError> {
        for key in keys {
            if self.list_ref(key)?.is_some() {
                let value = self.pop_values(key, None, End::Right)?;
                return Ok(Reply::Array(vec![Reply::Bulk(key.clone()), value]));
            }
        }
        Ok(Reply::WouldBlock)
    }

    pub(super) fn list_command(&mut self, cmd: &Command) -> Result<Reply, RedisError> {
        match cmd {
            Command::Lpush { key, values } => self.push_values(key, values, End::Left),
            Command::Rpush { key, values } => self.push_values(key, values, End::Right),
            Command::Lpop { key, count } => self.pop_values(key, *count, End::Left),
            Command::Rpop { key, count } => self.pop_values(key, *count, End::Right),
            Command::Brpop { keys, .. } => self.blocking_pop(keys),
            Command::Lmove {
                source,
                destination,
                from,
                to,
            } => self.move_value(source, destination, *from, *to),
            Command::Blmove {
                source,
                destination,
                from,
                to,
                ..
            } => {
                if self.list_ref(source)?.is_none() {
                    return Ok(Reply::WouldBlock);
                }
                self.move_value(source, destination, *from, *to)
            }
            Command::Lrem { key, count, value } => self.remove_value(key, *count, value),
            Command::Llen { key } => Ok(Reply::Integer(
                self.list_ref(key)?.map_or(0, |l| l.len() as i64),
            )),
            Command::Lrange { key, start, stop } => Ok(Reply::Array(
                self.list_ref(key)?
                    .map_or_else(Vec::new, |l| range(l, *start, *stop)),
            )),
            _ => unreachable!("list_command is only called with list commands"),
        }
    }
}

impl Redis {
    /// Serves a `BRPOP` or `BLMOVE` that was blocked on `key`, now that `key` received
    /// data. Returns the reply and the non-blocking command with the same effect (for the
    /// append-only file), or `None` if there is nothing to pop.
    pub(super) fn serve_blocked_list(
        &mut self,
        cmd: &Command,
        key: &str,
    ) -> Option<(Reply, Option<Command>)> {
        if !matches!(self.list_ref(key), Ok(Some(_))) {
            return None;
        }
        match cmd {
            Command::Brpop { .. } => {
                let value = self.pop_values(key, None, End::Right).ok()?;
                let reply = Reply::Array(vec![Reply::Bulk(key.to_string()), value]);
                let effect = Command::Rpop {
                    key: key.to_string(),
                    count: None,
                };
                Some((reply, Some(effect)))
            }
            Command::Blmove {
                destination,
                from,
                to,
                ..
            } => {
                let effect = Command::Lmove {
                    source: key.to_string(),
                    destination: destination.clone(),
                    from: *from,
                    to: *to,
                };
                // A destination of the wrong type fails the waiter without popping.
                match self.move_value(key, destination, *from, *to) {
                    Ok(reply) => Some((reply, Some(effect))),
                    Err(e) => Some((Reply::Error(e), None)),
                }
            }
            _ => None,
        }
    }
}
