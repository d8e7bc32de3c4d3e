//! Helper functions scripts call on changes and lines: glob matching on
//! paths, section headers, `key value` lookups, sizes.

use crate::inventory::Glob;
use rhai::{Array, Dynamic, Engine, EvalAltResult, ImmutableString, Map, Position};
use std::cell::RefCell;
use std::rc::Rc;

/// A map hashed with foldhash: the keys are the scripts' own patterns.
type FastMap<K, V> = std::collections::HashMap<K, V, foldhash::fast::RandomState>;

/// A worker's compiled patterns, by pattern text.
type PatternCache<T> = std::thread::LocalKey<RefCell<FastMap<String, T>>>;

/// Returns what `cache` holds for `pattern`, or makes, keeps and returns it.
/// Rules call the same few patterns tens of times per change, on every
/// change of every device.
fn cached<T: Clone>(
    cache: &'static PatternCache<T>,
    pattern: &str,
    make: impl FnOnce() -> Result<T, Box<EvalAltResult>>,
) -> Result<T, Box<EvalAltResult>> {
    if let Some(found) = cache.with(|c| c.borrow().get(pattern).cloned()) {
        return Ok(found);
    }
    let made = make()?;
    cache.with(|c| {
        let mut cache = c.borrow_mut();
        // Patterns built from data could grow without end: start over.
        if cache.len() >= 1024 {
            cache.clear();
        }
        cache.insert(pattern.to_string(), made.clone());
    });
    Ok(made)
}

/// Compiles a script's glob (the one [`Glob`] of henko: `*`, `?`,
/// `[a-z]`, `[!0-9]`, ignoring ASCII case); a pattern that does not compile
/// is the script's error, reported at its call.
fn glob(pattern: &str) -> Result<Rc<Glob>, Box<EvalAltResult>> {
    thread_local! {
        static COMPILED: RefCell<FastMap<String, Rc<Glob>>> = RefCell::new(FastMap::default());
    }
    cached(&COMPILED, pattern, || {
        let glob = Glob::new(pattern).map_err(|e| {
            Box::new(EvalAltResult::ErrorRuntime(
                e.to_string().into(),
                Position::NONE,
            ))
        })?;
        Ok(Rc::new(glob))
    })
}

/// Returns the globs of the `" > "`-separated segments of a path pattern.
fn path_globs(pattern: &str) -> Result<Rc<[Rc<Glob>]>, Box<EvalAltResult>> {
    thread_local! {
        static SPLIT: RefCell<FastMap<String, Rc<[Rc<Glob>]>>> = RefCell::new(FastMap::default());
    }
    cached(&SPLIT, pattern, || {
        let globs = pattern
            .split(" > ")
            .map(|segment| glob(segment.trim()))
            .collect::<Result<Vec<Rc<Glob>>, _>>()?;
        Ok(globs.into())
    })
}

/// Returns true when `text` matches the glob `pattern`.
pub(crate) fn glob_match(text: &str, pattern: &str) -> Result<bool, Box<EvalAltResult>> {
    // Rules mostly match literal headers (`config system interface`): a
    // pattern without wildcards is the glob's ASCII case-insensitive
    // equality, with nothing to compile.
    if !pattern.contains(['*', '?', '[']) {
        return Ok(text.eq_ignore_ascii_case(pattern));
    }
    Ok(glob(pattern)?.matches(text))
}

/// Returns the change's path elements (cheap: the strings are shared).
fn path_of(change: &Map) -> Vec<ImmutableString> {
    let Some(path) = change.get("path") else {
        return Vec::new();
    };
    match path.read_lock::<Array>() {
        Some(items) => items
            .iter()
            .filter_map(|e| e.clone().into_immutable_string().ok())
            .collect(),
        None => Vec::new(),
    }
}

/// Returns true when the `" > "`-separated glob segments of `pattern` match
/// consecutive elements of `path`, anywhere in it.
pub(crate) fn path_matches<S: AsRef<str>>(
    path: &[S],
    pattern: &str,
) -> Result<bool, Box<EvalAltResult>> {
    let segments = path_globs(pattern)?;
    if segments.len() > path.len() {
        return Ok(false);
    }
    Ok((0..=path.len() - segments.len()).any(|start| {
        segments
            .iter()
            .zip(&path[start..])
            .all(|(segment, element)| segment.matches(element.as_ref()))
    }))
}

/// Returns the value of a `key value` line: the text after `key` and a
/// separator (space, `:` or `=`), unquoted; `None` when the line does not
/// set `key`. Keys compare ignoring ASCII case.
pub(crate) fn value_of(line: &str, key: &str) -> Option<String> {
    let line = line.trim();
    let key = key.trim();
    let head = line.get(..key.len())?;
    if !head.eq_ignore_ascii_case(key) {
        return None;
    }
    let rest = &line[key.len()..];
    let first = rest.chars().next();
    let value = match first {
        None => "",
        Some(c) if c.is_whitespace() || c == ':' || c == '=' => {
            rest.trim_start().trim_start_matches([':', '=']).trim()
        }
        Some(_) => return None,
    };
    Some(unquote(value).to_string())
}

fn unquote(value: &str) -> &str {
    for quote in ['"', '\''] {
        if value.len() >= 2 && value.starts_with(quote) && value.ends_with(quote) {
            let inner = &value[1..value.len() - 1];
            if !inner.contains(quote) {
                return inner;
            }
        }
    }
    value
}

/// Splits a line into words, keeping quoted strings together (quotes removed).
pub(crate) fn words(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    let mut quote: Option<char> = None;
    let mut in_word = false;
    for c in line.chars() {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => current.push(c),
            None if c == '"' || c == '\'' => {
                quote = Some(c);
                in_word = true;
            }
            None if c.is_whitespace() => {
                if in_word {
                    out.push(std::mem::take(&mut current));
                    in_word = false;
                }
            }
            None => {
                current.push(c);
                in_word = true;
            }
        }
    }
    if in_word {
        out.push(current);
    }
    out
}

/// Parses a size such as `16GB`, `16 GiB`, `512m`, `2T` or `8192` into
/// mebibytes (a bare number is taken as MB).
pub(crate) fn size_mb(text: &str) -> Option<i64> {
    let text = text.trim();
    let digits = text
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(text.len());
    let number: f64 = text[..digits].parse().ok()?;
    let unit = text[digits..].trim().to_ascii_lowercase();
    let factor = match unit.trim_end_matches(['b', 'i']) {
        "" | "m" => 1.0,
        "k" => 1.0 / 1024.0,
        "g" => 1024.0,
        "t" => 1024.0 * 1024.0,
        _ => return None,
    };
    Some((number * factor).round() as i64)
}

fn change_text(change: &Map) -> Dynamic {
    change.get("text").cloned().unwrap_or(Dynamic::UNIT)
}

fn opt(value: Option<String>) -> Dynamic {
    value.map_or(Dynamic::UNIT, |v| Dynamic::from(ImmutableString::from(v)))
}

/// Registers the helper functions on `engine`.
pub(crate) fn register(engine: &mut Engine) {
    engine.register_fn("glob_match", |text: &str, pattern: &str| {
        glob_match(text, pattern)
    });
    // Changes are taken by reference (`&mut Map`): no copy per call.
    engine.register_fn("path_matches", |change: &mut Map, pattern: &str| {
        path_matches(&path_of(change), pattern)
    });
    engine.register_fn(
        "under",
        |change: &mut Map, pattern: &str| -> Result<bool, Box<EvalAltResult>> {
            let path = path_of(change);
            let headers = &path[..path.len().saturating_sub(1)];
            let pattern = glob(pattern)?;
            Ok(headers.iter().any(|h| pattern.matches(h)))
        },
    );
    engine.register_fn("section", |change: &mut Map| -> ImmutableString {
        path_of(change).into_iter().next().unwrap_or_default()
    });
    engine.register_fn("parent", |change: &mut Map| -> ImmutableString {
        let path = path_of(change);
        path.len()
            .checked_sub(2)
            .map(|i| path[i].clone())
            .unwrap_or_default()
    });
    engine.register_fn("value_of", |line: &str, key: &str| opt(value_of(line, key)));
    engine.register_fn("value_of", |_: (), _: &str| Dynamic::UNIT);
    engine.register_fn("value_of", |change: &mut Map, key: &str| {
        let text = change_text(change);
        match text.into_immutable_string() {
            Ok(text) => opt(value_of(&text, key)),
            Err(_) => Dynamic::UNIT,
        }
    });
    engine.register_fn("words", |line: &str| -> Array {
        words(line).into_iter().map(Dynamic::from).collect()
    });
    engine.register_fn("words", |_: ()| Array::new());
    engine.register_fn("join", |items: Array, separator: &str| -> String {
        items
            .iter()
            .map(|item| item.to_string())
            .collect::<Vec<_>>()
            .join(separator)
    });
    engine.register_fn("contains_any", |text: &str, chars: &str| {
        text.chars().any(|c| chars.contains(c))
    });
    engine.register_fn("size_mb", |text: &str| {
        size_mb(text).map_or(Dynamic::UNIT, Dynamic::from)
    });
    engine.register_fn("size_mb", |n: i64| n);
    engine.register_fn("size_mb", |_: ()| Dynamic::UNIT);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs_match_like_a_shell_ignoring_case() {
        let m = |text: &str, pattern: &str| glob_match(text, pattern).unwrap();
        assert!(m("router bgp 65001", "router bgp *"));
        assert!(m("Interface Gi0/1", "interface *"));
        assert!(m("edit 5", "edit ?"));
        assert!(!m("router ospf 1", "router bgp *"));
        assert!(m("a*b", "a*b"));
        assert!(m("", "*"));
        assert!(!m("abc", "ab"));
        // Literal patterns take the fast path with the same meaning.
        assert!(m("Config System Interface", "config system interface"));
        assert!(!m("config system interfaces", "config system interface"));
        // Classes, as in `--device` and templates.yaml: one glob everywhere.
        assert!(m("interface Ethernet3", "interface ethernet[0-9]"));
        assert!(glob_match("vlan 10", "vlan [1-").is_err());
    }

    #[test]
    fn path_patterns_match_consecutive_elements_anywhere() {
        let path: Vec<String> = ["protocols", "bgp", "group EXT", "neighbor 10.0.0.1"]
            .map(String::from)
            .to_vec();
        let m = |pattern: &str| path_matches(&path, pattern).unwrap();
        assert!(m("bgp > group * > neighbor *"));
        assert!(m("neighbor *"));
        assert!(!m("protocols > group *"));
        assert!(path_matches(&path, "bgp > group [").is_err());
        // Asked again, the kept patterns answer the same, and a bad one is
        // still an error (errors are not kept).
        for _ in 0..2 {
            assert!(m("bgp > group * > neighbor *"));
            assert!(!m("protocols > group *"));
            assert!(path_matches(&path, "bgp > group [").is_err());
            assert!(glob_match("x", "[").is_err());
        }
    }

    #[test]
    fn values_come_from_key_value_lines_of_any_dialect() {
        assert_eq!(
            value_of("ip address 10.0.0.1 255.255.255.0", "ip address").unwrap(),
            "10.0.0.1 255.255.255.0"
        );
        assert_eq!(
            value_of("set srcaddr \"all\"", "set srcaddr").unwrap(),
            "all"
        );
        assert_eq!(value_of("cpu: 4", "cpu").unwrap(), "4");
        assert_eq!(
            value_of("PermitRootLogin = yes", "permitrootlogin").unwrap(),
            "yes"
        );
        assert_eq!(value_of("cpus: 4", "cpu"), None);
        assert_eq!(value_of("shutdown", "shutdown").unwrap(), "");
    }

    #[test]
    fn words_keep_quoted_strings_together() {
        assert_eq!(
            words(r#"set member "web 1" "web2""#),
            ["set", "member", "web 1", "web2"]
        );
        assert_eq!(words(r#"set srcaddr """#), ["set", "srcaddr", ""]);
    }

    #[test]
    fn sizes_become_megabytes() {
        assert_eq!(size_mb("16GB"), Some(16384));
        assert_eq!(size_mb("16 GiB"), Some(16384));
        assert_eq!(size_mb("8192"), Some(8192));
        assert_eq!(size_mb("1T"), Some(1048576));
        assert_eq!(size_mb("lots"), None);
    }
}
