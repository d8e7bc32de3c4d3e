//! The hash maps of line matching.
//!
//! Config lines are short and come from the operator's own files, so
//! HashDoS resistance buys nothing here while SipHash costs a lot on the
//! hot path (every child of every changed section is hashed). foldhash's
//! fixed-seed state also keeps digests equal from one run to the next.

use std::collections::HashMap;

/// The hasher state of line matching: foldhash with a fixed seed.
pub type LineState = foldhash::fast::FixedState;

/// A `HashMap` keyed with foldhash (see [`LineState`]).
pub type FastMap<K, V> = HashMap<K, V, LineState>;
