//! The network view's numbers as CSV (RFC 4180): one row per organization, a column per month.
//! Names come from outside (lu.ma, admins): a cell a spreadsheet would run as a formula is
//! written as text.

use crate::insights::activity::Activity;
use crate::text::timefmt;

/// Rows written at most: the file stays bounded (about 200 bytes a row) however many
/// organizations there are; the last line says how many were left out.
pub const ROWS_MAX: usize = 20_000;

/// One cell: quoted when it holds a comma, quote or line break; a leading `=`, `+`, `-`, `@`,
/// tab or carriage return made inert with a `'` (OWASP's advice against CSV injection).
pub fn cell(text: &str) -> String {
    let text = if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text.to_owned()
    };
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text
    }
}

/// The whole table: organization, slug, one column per month, last and next event (UTC
/// dates), quiet, import health, followers, members, top topics.
pub fn write(activity: &Activity) -> String {
    let mut header: Vec<String> = vec!["organization".into(), "slug".into()];
    header.extend(activity.months.labels());
    header.extend(
        [
            "last event",
            "next event",
            "quiet",
            "import",
            "followers",
            "members",
            "top topics",
        ]
        .map(String::from),
    );
    let mut out = String::new();
    let mut line = |cells: Vec<String>| {
        let cells: Vec<String> = cells.iter().map(|text| cell(text)).collect();
        out.push_str(&cells.join(","));
        out.push_str("\r\n");
    };
    line(header);
    let date = |at: Option<chrono::DateTime<chrono::Utc>>| {
        at.map(|at| timefmt::local_date(at, chrono_tz::UTC))
            .unwrap_or_default()
    };
    for row in activity.rows.iter().take(ROWS_MAX) {
        let mut cells = vec![row.name.clone(), row.slug.clone()];
        cells.extend(row.per_month.iter().map(u32::to_string));
        cells.extend([
            date(row.last_event),
            date(row.next_event),
            if row.quiet { "yes" } else { "no" }.to_owned(),
            row.health.label().to_owned(),
            row.followers.to_string(),
            row.members.to_string(),
            row.top_topics.join("; "),
        ]);
        line(cells);
    }
    if activity.rows.len() > ROWS_MAX {
        line(vec![format!(
            "… and {} more organizations, not listed",
            activity.rows.len() - ROWS_MAX
        )]);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_are_quoted_and_formulas_made_text() {
        assert_eq!(cell("Rust Berlin"), "Rust Berlin");
        assert_eq!(cell("Bits, Bytes"), "\"Bits, Bytes\"");
        assert_eq!(cell("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(cell("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(cell("-2"), "'-2");
        assert_eq!(cell("@home"), "'@home");
    }
}
