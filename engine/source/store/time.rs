//! Commit times: parsing the dates git accepts in `GIT_AUTHOR_DATE` /
//! `GIT_COMMITTER_DATE`, and printing them as RFC 3339.

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

/// Parses `YYYY-MM-DD[T ]HH:MM:SS[.fff][ ]( Z | ±hh:mm | ±hhmm )`.
fn parse_iso(text: &str) -> Option<(i64, i32)> {
    let bytes = text.as_bytes();
    if bytes.len() < 19 || !matches!(bytes[10], b'T' | b't' | b' ') {
        return None;
    }
    let number = |range: std::ops::Range<usize>| text.get(range)?.parse::<i64>().ok();
    if bytes[4] != b'-' || bytes[7] != b'-' || bytes[13] != b':' || bytes[16] != b':' {
        return None;
    }
    let (year, month, day) = (number(0..4)?, number(5..7)?, number(8..10)?);
    let (hour, minute, second) = (number(11..13)?, number(14..16)?, number(17..19)?);
    if !(1..=12).contains(&month)
        || !(1..=31).contains(&day)
        || hour > 23
        || minute > 59
        || second > 60
    {
        return None;
    }
    let mut rest = &text[19..];
    if let Some(fraction) = rest.strip_prefix('.') {
        rest = fraction.trim_start_matches(|c: char| c.is_ascii_digit());
    }
    let rest = rest.trim_start();
    let offset = if rest.is_empty() || rest.eq_ignore_ascii_case("z") {
        0
    } else {
        parse_offset(rest)?
    };
    let local = days_from_civil(year, month, day) * 86_400 + hour * 3_600 + minute * 60 + second;
    Some((local - i64::from(offset) * 60, offset))
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
    let local = seconds + i64::from(offset_minutes) * 60;
    let (days, of_day) = (local.div_euclid(86_400), local.rem_euclid(86_400));
    let (year, month, day) = civil_from_days(days);
    let sign = if offset_minutes < 0 { '-' } else { '+' };
    let offset = offset_minutes.unsigned_abs();
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}{sign}{:02}:{:02}",
        of_day / 3_600,
        of_day % 3_600 / 60,
        of_day % 60,
        offset / 60,
        offset % 60
    )
}

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's
/// algorithm).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let day_of_year = (153 * ((month + 9) % 12) + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

/// The date of a day count since 1970-01-01 (inverse of [`days_from_civil`]).
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let days = days + 719_468;
    let era = days.div_euclid(146_097);
    let day_of_era = days - era * 146_097;
    let year_of_era =
        (day_of_era - day_of_era / 1_460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let shifted_month = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * shifted_month + 2) / 5 + 1;
    let month = if shifted_month < 10 {
        shifted_month + 3
    } else {
        shifted_month - 9
    };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month, day)
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
}
