//! The Rhai engine every script runs in: resource limits, a wall-clock
//! deadline per call, captured `print`/`debug`, and no way out (no `eval`,
//! no file, network or process access, imports confined to the scripts).

use super::resolver::ConfinedResolver;
use rhai::{Dynamic, Engine};
use std::cell::{Cell, RefCell};
use std::time::{Duration, Instant};

/// Most operations one call may run (a rule over a few thousand changes
/// needs well under a million).
pub const MAX_OPERATIONS: u64 = 20_000_000;
/// Deepest script function call nesting.
pub const MAX_CALL_LEVELS: usize = 24;
/// Longest string a script may build, in bytes.
pub const MAX_STRING_SIZE: usize = 1 << 20;
/// Largest array a script may build.
pub const MAX_ARRAY_SIZE: usize = 1_000_000;
/// Largest object map a script may build.
pub const MAX_MAP_SIZE: usize = 100_000;

/// The value a call is terminated with when its deadline passes.
const TIMEOUT_TOKEN: &str = "henko:timeout";

thread_local! {
    /// Deadline of the call running on this thread.
    static DEADLINE: Cell<Option<(Instant, Duration)>> = const { Cell::new(None) };
    /// Progress callbacks seen on this thread.
    static TICKS: Cell<u32> = const { Cell::new(0) };
    /// What the running call printed.
    static OUTPUT: RefCell<Vec<String>> = const { RefCell::new(Vec::new()) };
}

/// Arms the wall-clock deadline for the call about to run on this thread.
pub(crate) fn start_call(timeout: Duration) {
    DEADLINE.with(|d| d.set(Some((Instant::now() + timeout, timeout))));
    OUTPUT.with(|o| o.borrow_mut().clear());
}

/// Disarms the deadline and returns what the call printed.
pub(crate) fn end_call() -> Vec<String> {
    DEADLINE.with(|d| d.set(None));
    OUTPUT.with(|o| std::mem::take(&mut *o.borrow_mut()))
}

/// Returns the timeout message when `token` is the deadline's termination value.
pub(crate) fn timeout_message(token: &Dynamic) -> Option<String> {
    let text = token.clone().into_string().ok()?;
    (text == TIMEOUT_TOKEN).then(|| {
        let limit = DEADLINE.with(|d| d.get()).map(|(_, t)| t);
        match limit {
            Some(t) => format!("timed out: the call ran longer than {} ms", t.as_millis()),
            None => "timed out: the call ran longer than its time limit".to_string(),
        }
    })
}

fn capture(text: String) {
    OUTPUT.with(|o| {
        let mut out = o.borrow_mut();
        // A script printing in a loop must not exhaust memory either.
        if out.len() < 1000 {
            out.push(text);
        }
    });
}

/// Builds the sandboxed engine with the script API registered.
pub(crate) fn engine(resolver: ConfinedResolver) -> Engine {
    let mut engine = Engine::new();
    engine
        .set_max_operations(MAX_OPERATIONS)
        .set_max_call_levels(MAX_CALL_LEVELS)
        .set_max_expr_depths(64, 32)
        .set_max_string_size(MAX_STRING_SIZE)
        .set_max_array_size(MAX_ARRAY_SIZE)
        .set_max_map_size(MAX_MAP_SIZE)
        .set_max_modules(64)
        .set_strict_variables(true)
        .set_fail_on_invalid_map_property(false)
        .set_max_strings_interned(0);
    engine.disable_symbol("eval");
    engine.on_print(|text| capture(text.to_string()));
    engine.on_debug(|text, _source, pos| match pos.line() {
        Some(line) => capture(format!("line {line}: {text}")),
        None => capture(text.to_string()),
    });
    engine.on_progress(|_operations| {
        // Reading the clock on every operation would cost more than the
        // operation; every 256th is plenty. (The operation count itself
        // advances in uneven steps, so count callbacks instead.)
        let tick = TICKS.with(|t| {
            let next = t.get().wrapping_add(1);
            t.set(next);
            next
        });
        if tick % 256 != 0 {
            return None;
        }
        let expired = DEADLINE.with(|d| d.get().is_some_and(|(at, _)| Instant::now() >= at));
        expired.then(|| Dynamic::from(TIMEOUT_TOKEN))
    });
    engine.set_module_resolver(resolver);
    super::ctx::register(&mut engine);
    super::inventory_api::register(&mut engine);
    super::helpers::register(&mut engine);
    super::file_edit::register(&mut engine);
    engine
}
