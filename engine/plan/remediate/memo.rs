//! A memo of rule lookups by line: one remediation asks the same question
//! of the same line many times (normalising, both engines, both
//! simulations, settling), and a capturing regex search costs far more
//! than a hash probe. Answers are kept per rule table and shared by its
//! clones and threads; the memo starts empty whenever the table's lists
//! change (see `PlatformRules::extend`).

use std::hash::{BuildHasher, Hash, Hasher};
use std::sync::Mutex;

/// The lookups the memo keeps.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum Question {
    /// [`PlatformRules::is_default`](super::PlatformRules::is_default).
    IsDefault,
    /// [`PlatformRules::idempotent_key`](super::PlatformRules::idempotent_key).
    IdempotentKey,
    /// [`PlatformRules::negate`](super::PlatformRules::negate).
    Negate,
    /// [`PlatformRules::reset`](super::PlatformRules::reset).
    Reset,
}

/// One remembered answer, with the line it answers for (hashes collide).
#[derive(Debug)]
struct Entry {
    question: Question,
    parent: Option<Box<str>>,
    text: Box<str>,
    answer: Option<String>,
}

/// Past this many answers a shard starts over, so a fleet-wide plan's
/// memory stays bounded whatever the number of distinct lines.
const CAPACITY: usize = 1 << 18;

/// The memo is split by hash into this many independently locked shards:
/// every worker asks for every line, and one lock made them queue (2% of a
/// plan's time went to contended locking and the futex waits behind it).
const SHARDS: usize = 16;

/// Remembered answers by hash of (question, parent, text).
#[derive(Debug, Default)]
pub(crate) struct LookupMemo {
    hasher: foldhash::fast::FixedState,
    shards: [Mutex<super::HashMap<u64, Vec<Entry>>>; SHARDS],
}

impl LookupMemo {
    /// Returns the remembered answer, or computes, remembers and returns it.
    pub(crate) fn get_or(
        &self,
        question: Question,
        text: &str,
        parent: Option<&str>,
        compute: impl FnOnce() -> Option<String>,
    ) -> Option<String> {
        let hash = {
            let mut h = self.hasher.build_hasher();
            question.hash(&mut h);
            parent.hash(&mut h);
            text.hash(&mut h);
            h.finish()
        };
        let matches =
            |e: &Entry| e.question == question && e.parent.as_deref() == parent && &*e.text == text;
        // The top bits pick the shard; the map hashes the whole value again.
        let shard = &self.shards[(hash >> 60) as usize % SHARDS];
        if let Ok(entries) = shard.lock() {
            if let Some(entry) = entries
                .get(&hash)
                .and_then(|s| s.iter().find(|e| matches(e)))
            {
                return entry.answer.clone();
            }
        }
        // Computed outside the lock: the other thread's lookups go on.
        let answer = compute();
        if let Ok(mut entries) = shard.lock() {
            if entries.len() >= CAPACITY / SHARDS {
                entries.clear();
            }
            let slot = entries.entry(hash).or_default();
            if !slot.iter().any(matches) {
                slot.push(Entry {
                    question,
                    parent: parent.map(Box::from),
                    text: Box::from(text),
                    answer: answer.clone(),
                });
            }
        }
        answer
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::Cell;

    #[test]
    fn an_answer_is_computed_once_per_question_parent_and_line() {
        let memo = LookupMemo::default();
        let calls = Cell::new(0);
        let ask = |q, text, parent| {
            memo.get_or(q, text, parent, || {
                calls.set(calls.get() + 1);
                Some(format!("{q:?} {parent:?} {text}"))
            })
        };
        let first = ask(Question::Negate, "ip route 1", None);
        assert_eq!(ask(Question::Negate, "ip route 1", None), first);
        assert_eq!(calls.get(), 1);
        // Another question, parent or line is another answer.
        assert_ne!(ask(Question::IdempotentKey, "ip route 1", None), first);
        assert_ne!(ask(Question::Negate, "ip route 1", Some("vrf a")), first);
        assert_ne!(ask(Question::Negate, "ip route 2", None), first);
        assert_eq!(calls.get(), 4);
        // "no answer" is remembered too.
        assert_eq!(memo.get_or(Question::IsDefault, "x", None, || None), None);
        assert_eq!(
            memo.get_or(Question::IsDefault, "x", None, || Some("y".into())),
            None
        );
    }

    #[test]
    fn answers_spread_over_every_shard_are_each_computed_once() {
        let memo = LookupMemo::default();
        let calls = Cell::new(0);
        let lines: Vec<String> = (0..2000).map(|i| format!("vlan {i}")).collect();
        for _ in 0..2 {
            for line in &lines {
                let answer = memo.get_or(Question::IdempotentKey, line, None, || {
                    calls.set(calls.get() + 1);
                    Some(line.to_uppercase())
                });
                assert_eq!(answer.as_deref(), Some(line.to_uppercase().as_str()));
            }
        }
        assert_eq!(calls.get(), lines.len());
        assert!(memo.shards.iter().all(|s| !s.lock().unwrap().is_empty()));
    }
}
