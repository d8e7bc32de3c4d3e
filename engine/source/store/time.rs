//! Commit and record times: parsing the dates git accepts in
//! `GIT_AUTHOR_DATE` / `GIT_COMMITTER_DATE`, and printing times as RFC
//! 3339. The calendar is jiff's: henko has no date arithmetic of its own.

use jiff::civil::DateTime;
use jiff::tz::{Offset, TimeZone};
use jiff::Timestamp;

/// Parses a git date: `@<seconds> [±hhmm]`, `<seconds> ±hhmm` (git's
/// internal form) or RFC 3339 / ISO 8601 (`2024-01-02T03:04:05+09:00`,
/// `2024-01-02 03:04:05 +0900`, `…Z`). Returns seconds since the epoch and
/// the offset in minutes, or `None` when the text is none of these.
pub(crate) fn parse_git_date(text: &str) -> Option<(i64, i32)> {
    let text = text.trim();
    let (raw, rest) = match text.strip_prefix('@') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    let mut parts = rest.split_whitespace();
    if let Some(first) = parts.next() {
        if let Ok(seconds) = first.parse::<i64>() {
            let offset = match parts.next() {
                Some(zone) => parse_offset(zone)?,
                None if raw => 0,
                None => return None,
            };
            return parts.next().is_none().then_some((seconds, offset));
        }
    }
    if raw {
        return None;
    }
    parse_iso(text)
}

/// Parses `YYYY-MM-DD[T ]HH:MM:SS[.fff][ ]( Z | ±hh:mm | ±hhmm )`: the
/// date and time by jiff (which checks the calendar), the offset here,
/// since git also writes it as `+0900` after a space.
fn parse_iso(text: &str) -> Option<(i64, i32)> {
    let bytes = text.as_bytes();
    if bytes.len() < 19 || !matches!(bytes[10], b'T' | b't' | b' ') {
        return None;
    }
    let mut end = 19;
    if bytes.get(19) == Some(&b'.') {
        end = 20
            + bytes[20..]
                .iter()
                .take_while(|b| b.is_ascii_digit())
                .count();
    }
    if !text.is_char_boundary(end) {
        return None;
    }
    let (date_time, rest) = text.split_at(end);
    let mut date_time = date_time.to_string();
    date_time.replace_range(10..11, "T");
    let local: DateTime = date_time.parse().ok()?;
    let rest = rest.trim_start();
    let offset = if rest.is_empty() || rest.eq_ignore_ascii_case("z") {
        0
    } else {
        parse_offset(rest)?
    };
    let zone = TimeZone::fixed(Offset::from_seconds(offset * 60).ok()?);
    let seconds = local.to_zoned(zone).ok()?.timestamp().as_second();
    Some((seconds, offset))
}

/// Parses `±hhmm` or `±hh:mm` into minutes east of UTC.
fn parse_offset(zone: &str) -> Option<i32> {
    let (sign, digits) = match zone.as_bytes().first()? {
        b'+' => (1, &zone[1..]),
        b'-' => (-1, &zone[1..]),
        _ => return None,
    };
    let digits: String = digits.chars().filter(|c| *c != ':').collect();
    if digits.len() != 4 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let hours: i32 = digits[..2].parse().ok()?;
    let minutes: i32 = digits[2..].parse().ok()?;
    (minutes < 60 && hours < 24).then_some(sign * (hours * 60 + minutes))
}

/// Formats seconds since the epoch at an offset (minutes) as RFC 3339,
/// e.g. `2024-01-02T12:04:05+09:00`.
pub fn format_rfc3339(seconds: i64, offset_minutes: i32) -> String {
    let zone = Offset::from_seconds(offset_minutes.saturating_mul(60))
        .map(TimeZone::fixed)
        .unwrap_or(TimeZone::UTC);
    let time = Timestamp::from_second(seconds).unwrap_or(Timestamp::UNIX_EPOCH);
    time.to_zoned(zone)
        .strftime("%Y-%m-%dT%H:%M:%S%:z")
        .to_string()
}

/// Formats a time as `YYYY-MM-DDTHH:MM:SSZ` (whole seconds, UTC).
pub fn rfc3339_utc(time: std::time::SystemTime) -> String {
    let time = Timestamp::try_from(time).unwrap_or(Timestamp::UNIX_EPOCH);
    time.strftime("%Y-%m-%dT%H:%M:%SZ").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_forms_git_accepts() {
        assert_eq!(parse_git_date("@1700000000"), Some((1_700_000_000, 0)));
        assert_eq!(
            parse_git_date("1700000000 +0900"),
            Some((1_700_000_000, 540))
        );
        assert_eq!(
            parse_git_date("2024-01-02T03:04:05+00:00"),
            Some((1_704_164_645, 0))
        );
        assert_eq!(
            parse_git_date("2024-01-02 12:04:05 +0900"),
            Some((1_704_164_645, 540))
        );
        assert_eq!(
            parse_git_date("2024-01-02T03:04:05Z"),
            Some((1_704_164_645, 0))
        );
        assert_eq!(parse_git_date("yesterday"), None);
        assert_eq!(
            parse_git_date("2024-01-02T03:04:05.250-05:30"),
            Some((1_704_164_645 + 5 * 3_600 + 30 * 60, -330))
        );
        // The calendar is checked: there is no 30 February.
        assert_eq!(parse_git_date("2023-02-30T00:00:00Z"), None);
        assert_eq!(parse_git_date("1700000000"), None);
    }

    #[test]
    fn formats_round_trip() {
        assert_eq!(
            format_rfc3339(1_704_164_645, 540),
            "2024-01-02T12:04:05+09:00"
        );
        assert_eq!(format_rfc3339(0, -330), "1969-12-31T18:30:00-05:30");
        for seconds in [0, 951_782_400, 1_704_164_645, 4_102_444_800] {
            let text = format_rfc3339(seconds, 60);
            assert_eq!(parse_git_date(&text), Some((seconds, 60)), "{text}");
        }
    }

    #[test]
    fn formats_utc_times() {
        use std::time::{Duration, UNIX_EPOCH};
        assert_eq!(rfc3339_utc(UNIX_EPOCH), "1970-01-01T00:00:00Z");
        let t = UNIX_EPOCH + Duration::from_millis(1_795_000_000_900);
        assert_eq!(rfc3339_utc(t), "2026-11-18T11:06:40Z");
        let leap = UNIX_EPOCH + Duration::from_secs(951_782_400);
        assert_eq!(rfc3339_utc(leap), "2000-02-29T00:00:00Z");
    }
}
