//! What each message says. Both parts of a message come from one description of it (a greeting,
//! paragraphs, a button-like link, a footer), so the plain text and the HTML never disagree.

/// A message ready for the outbox.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Composed {
    pub subject: String,
    pub text: String,
    pub html: String,
}

/// One block of a message.
enum Block<'a> {
    Paragraph(&'a str),
    /// The message's main action: a button in HTML, the bare address in text.
    Action {
        label: &'a str,
        url: &'a str,
    },
    Heading(&'a str),
    Events(&'a [EventItem]),
}

/// An event as a message lists it, every text decided (visibility applied, times formatted).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventItem {
    pub title: String,
    pub organization: String,
    /// "Members only" when it is; nothing for public events.
    pub label: Option<String>,
    /// In the reader's timezone: "Mon 7 Dec, 19:00 CET – 21:00".
    pub when: String,
    /// In the event's own timezone, when that differs from the reader's.
    pub own_time: Option<String>,
    pub place: String,
    pub register_url: Option<String>,
    pub calendar_url: Option<String>,
    /// Lines for the organization's admins about this event (its clashes), after its place.
    pub notes: Vec<String>,
}

/// A list of events under a heading.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Section {
    pub heading: String,
    pub events: Vec<EventItem>,
}

/// The end of a message: why it came, and the links that change what comes.
pub struct Footer<'a> {
    pub why: &'a str,
    /// (label, address), e.g. ("Unsubscribe from the weekly digest", one-click link).
    pub links: Vec<(&'a str, &'a str)>,
}

impl Footer<'_> {
    fn account() -> Self {
        Self {
            why: ACCOUNT_FOOTER,
            links: Vec::new(),
        }
    }
}

fn event_text(event: &EventItem) -> String {
    let mut text = format!("* {} ({})", event.title, event.organization);
    if let Some(label) = &event.label {
        text.push_str(&format!(" [{label}]"));
    }
    text.push_str(&format!("\n  {}", event.when));
    if let Some(own) = &event.own_time {
        text.push_str(&format!(" ({own})"));
    }
    text.push_str(&format!("\n  {}", event.place));
    for note in &event.notes {
        text.push_str(&format!("\n  ! {note}"));
    }
    if let Some(url) = &event.register_url {
        text.push_str(&format!("\n  Register on lu.ma: {url}"));
    }
    if let Some(url) = &event.calendar_url {
        text.push_str(&format!("\n  Add to calendar: {url}"));
    }
    text.push('\n');
    text
}

fn event_html(event: &EventItem) -> String {
    let mut html = format!(
        "<li style=\"margin:0 0 1rem\"><strong>{}</strong> <span style=\"color:#57606a\">{}</span>",
        escape(&event.title),
        escape(&event.organization)
    );
    if let Some(label) = &event.label {
        html.push_str(&format!(
            " <span style=\"font-size:.8rem;background:#eef2f6;border-radius:999px;padding:0 .4rem\">{}</span>",
            escape(label)
        ));
    }
    html.push_str(&format!("<br>{}", escape(&event.when)));
    if let Some(own) = &event.own_time {
        html.push_str(&format!(
            " <span style=\"color:#57606a\">({})</span>",
            escape(own)
        ));
    }
    html.push_str(&format!("<br>{}", escape(&event.place)));
    for note in &event.notes {
        html.push_str(&format!(
            "<br><span style=\"color:#9a3412\">{}</span>",
            escape(note)
        ));
    }
    let links: Vec<String> = [
        ("Register on lu.ma", &event.register_url),
        ("Add to calendar", &event.calendar_url),
    ]
    .into_iter()
    .filter_map(|(label, url)| {
        url.as_ref()
            .map(|url| format!("<a href=\"{}\">{label}</a>", escape(url)))
    })
    .collect();
    if !links.is_empty() {
        html.push_str(&format!("<br>{}", links.join(" · ")));
    }
    html.push_str("</li>");
    html
}

/// Renders `blocks` as both parts, under a greeting and over the footer.
fn compose(subject: String, name: &str, blocks: &[Block<'_>], footer: Footer<'_>) -> Composed {
    // No name: a message to an address nobody has confirmed greets no one by name.
    let greeting = if name.is_empty() {
        "Hello,".to_owned()
    } else {
        format!("Hello {name},")
    };
    let mut text = format!("{greeting}\n\n");
    let mut html = String::from(
        "<!DOCTYPE html><html><head><meta charset=\"utf-8\"></head>\
         <body style=\"font-family:system-ui,sans-serif;line-height:1.5;color:#1f2328;max-width:36rem\">",
    );
    html.push_str(&format!("<p>{}</p>", escape(&greeting)));
    for block in blocks {
        match block {
            Block::Paragraph(paragraph) => {
                text.push_str(paragraph);
                text.push_str("\n\n");
                html.push_str(&format!("<p>{}</p>", escape(paragraph)));
            }
            Block::Action { label, url } => {
                text.push_str(&format!("{label}:\n{url}\n\n"));
                html.push_str(&format!(
                    "<p><a href=\"{}\" style=\"display:inline-block;padding:.5rem 1rem;\
                     background:#0b5fff;color:#fff;border-radius:6px;text-decoration:none\">{}</a></p>",
                    escape(url),
                    escape(label)
                ));
            }
            Block::Heading(heading) => {
                let underline = "=".repeat(heading.chars().count());
                text.push_str(&format!("{heading}\n{underline}\n\n"));
                html.push_str(&format!(
                    "<h2 style=\"font-size:1.1rem;margin:1.5rem 0 .5rem\">{}</h2>",
                    escape(heading)
                ));
            }
            Block::Events(events) => {
                html.push_str("<ul style=\"padding-left:1.2rem\">");
                for event in *events {
                    text.push_str(&event_text(event));
                    text.push('\n');
                    html.push_str(&event_html(event));
                }
                html.push_str("</ul>");
            }
        }
    }
    text.push_str(&format!("-- \n{}\n", footer.why));
    html.push_str(&format!(
        "<hr><p style=\"color:#57606a;font-size:.875rem\">{}",
        escape(footer.why)
    ));
    for (label, url) in &footer.links {
        text.push_str(&format!("{label}: {url}\n"));
        html.push_str(&format!(
            "<br><a href=\"{}\">{}</a>",
            escape(url),
            escape(label)
        ));
    }
    html.push_str("</p></body></html>");
    Composed {
        subject,
        text,
        html,
    }
}

/// Text as HTML text or attribute value.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

const ACCOUNT_FOOTER: &str = "You get this message because of an action on your Convene account. If it was not you, you can ignore it.";

/// After sign-up: the link that confirms the address, where its follower chooses a password.
/// Nobody has shown this address is theirs yet, so the message carries no text the one who
/// signed up wrote (not even the name they gave).
pub fn confirm_email(link: &str, valid_for_days: i64) -> Composed {
    compose(
        "Confirm your email address for Convene".into(),
        "",
        &[
            Block::Paragraph(
                "Welcome to Convene. Please confirm that this is your address and choose your password, so you can sign in and we can send you your organizations' events.",
            ),
            Block::Action {
                label: "Confirm and choose a password",
                url: link,
            },
            Block::Paragraph(&format!(
                "The link works for {valid_for_days} days. If you did not sign up, ignore this message: no account uses this address until it is confirmed."
            )),
        ],
        Footer::account(),
    )
}

/// Someone signed up with an address that already has an account: its owner hears of it (and
/// the sign-up form shows the same page either way).
pub fn account_exists(name: &str, sign_in: &str, forgot_password: &str) -> Composed {
    compose(
        "Someone tried to sign up to Convene with your address".into(),
        name,
        &[
            Block::Paragraph(
                "Someone, probably you, tried to create a Convene account with this email address. You already have one, so nothing was created.",
            ),
            Block::Action {
                label: "Sign in",
                url: sign_in,
            },
            Block::Paragraph(&format!(
                "Forgot your password? You can set a new one here: {forgot_password}"
            )),
        ],
        Footer::account(),
    )
}

/// "Forgot password?": a single-use link.
pub fn password_reset(name: &str, link: &str, valid_for_minutes: i64) -> Composed {
    compose(
        "Set a new password for Convene".into(),
        name,
        &[
            Block::Paragraph("Someone asked to set a new password for your Convene account."),
            Block::Action {
                label: "Set a new password",
                url: link,
            },
            Block::Paragraph(&format!(
                "The link works once, for {valid_for_minutes} minutes. Setting a new password signs you out everywhere else. If you did not ask, ignore this message: your password stays as it is."
            )),
        ],
        Footer::account(),
    )
}

/// Confirming a new address given on the account page: the link goes to the new address, which
/// nobody has confirmed yet, so no text the asker wrote (not even their name).
pub fn change_email(link: &str, valid_for_hours: i64) -> Composed {
    compose(
        "Confirm your new email address for Convene".into(),
        "",
        &[
            Block::Paragraph(
                "You asked to use this address for your Convene account. Your account keeps its old address until you confirm.",
            ),
            Block::Action {
                label: "Use this address",
                url: link,
            },
            Block::Paragraph(&format!(
                "The link works once, for {valid_for_hours} hours."
            )),
        ],
        Footer::account(),
    )
}

/// Someone asked to move their account to an address that already has one: its owner hears of
/// it (and the asker's page says the same either way).
pub fn address_in_use(name: &str, sign_in: &str) -> Composed {
    compose(
        "Someone tried to use your address on Convene".into(),
        name,
        &[
            Block::Paragraph(
                "Someone asked to move their Convene account to this email address. It is already yours, so nothing changed.",
            ),
            Block::Action {
                label: "Sign in",
                url: sign_in,
            },
        ],
        Footer::account(),
    )
}

/// To the old address once an account moved to a new one, so an owner who did not make the
/// change hears of it (the old address no longer opens the account, so the message says whom
/// to ask).
pub fn address_changed(name: &str, new_address: &str, site: &str) -> Composed {
    compose(
        "Your Convene address was changed".into(),
        name,
        &[
            Block::Paragraph(&format!(
                "Your Convene account now uses {new_address}. Mail from Convene goes there from now on, and this address no longer signs in."
            )),
            Block::Paragraph(
                "If you did not make this change, someone else has your password: contact the site's administrators at once.",
            ),
            Block::Action {
                label: "Open Convene",
                url: site,
            },
        ],
        Footer::account(),
    )
}

/// "1 new event", "3 upcoming events".
fn events_count(count: usize, adjective: &str) -> String {
    format!(
        "{count} {adjective} {}",
        if count == 1 { "event" } else { "events" }
    )
}

/// The weekly digest: the reader's organizations first, then the rest of the network.
pub fn weekly_digest(
    name: &str,
    intro: &str,
    sections: &[Section],
    footer: Footer<'_>,
) -> Composed {
    let mut blocks = vec![Block::Paragraph(intro)];
    for section in sections {
        blocks.push(Block::Heading(&section.heading));
        blocks.push(Block::Events(&section.events));
    }
    let count: usize = sections.iter().map(|section| section.events.len()).sum();
    compose(
        format!("Your next two weeks: {}", events_count(count, "upcoming")),
        name,
        &blocks,
        footer,
    )
}

/// Events the reader's organizations added since the last such message.
pub fn new_events(name: &str, sections: &[Section], footer: Footer<'_>) -> Composed {
    let mut blocks = Vec::new();
    for section in sections {
        blocks.push(Block::Heading(&section.heading));
        blocks.push(Block::Events(&section.events));
    }
    let count: usize = sections.iter().map(|section| section.events.len()).sum();
    let subject = match sections {
        [only] => format!("{}: {}", only.heading, events_count(count, "new")),
        _ => format!("{} from your organizations", events_count(count, "new")),
    };
    compose(subject, name, &blocks, footer)
}

/// To an organization's admins: its import failed three runs in a row.
pub fn import_failing(
    name: &str,
    organization: &str,
    reason: &str,
    settings_url: &str,
    footer: Footer<'_>,
) -> Composed {
    compose(
        format!("{organization}: events are not being imported"),
        name,
        &[
            Block::Paragraph(&format!(
                "The last three imports of {organization}'s events failed, so Convene shows what it imported before. The last one said:"
            )),
            Block::Paragraph(reason),
            Block::Action {
                label: "Open the lu.ma settings",
                url: settings_url,
            },
            Block::Paragraph("You will hear from us once more, when imports work again."),
        ],
        footer,
    )
}

/// To an organization's admins: imports work again.
pub fn import_recovered(
    name: &str,
    organization: &str,
    settings_url: &str,
    footer: Footer<'_>,
) -> Composed {
    compose(
        format!("{organization}: events are being imported again"),
        name,
        &[
            Block::Paragraph(&format!(
                "The last import of {organization}'s events worked: Convene is up to date again."
            )),
            Block::Action {
                label: "See the import history",
                url: settings_url,
            },
        ],
        footer,
    )
}

/// To an organization's admins, monthly: the next 30 days as Convene imported them.
pub fn import_check(
    name: &str,
    organization: &str,
    events: &[EventItem],
    left_out: usize,
    settings_url: &str,
    footer: Footer<'_>,
) -> Composed {
    let intro = if events.is_empty() {
        format!(
            "Convene has no event of {organization} in the next 30 days. If your calendar has some, something is wrong with the import."
        )
    } else {
        format!(
            "These are {organization}'s events in the next 30 days as Convene imported them, as members and visitors see them. Is this right?"
        )
    };
    let more = format!("… and {left_out} more.");
    let mut blocks = vec![Block::Paragraph(&intro)];
    if !events.is_empty() {
        blocks.push(Block::Events(events));
    }
    if left_out > 0 {
        blocks.push(Block::Paragraph(&more));
    }
    blocks.push(Block::Paragraph(
        "Looks right? Then there is nothing to do. Something's wrong (an event missing, a wrong time or place, a members-only event shown to everyone)? The settings page shows the import's history and lets you sync now:",
    ));
    blocks.push(Block::Action {
        label: "Something's wrong: open the settings",
        url: settings_url,
    });
    compose(
        format!("{organization}: is this right? Your next 30 days on Convene"),
        name,
        &blocks,
        footer,
    )
}

/// To site admins, monthly: the network's numbers.
/// `sections` are (heading, lines); `month` names the month the numbers look back on.
pub fn network_report(
    name: &str,
    month: &str,
    summary: &str,
    sections: &[(String, Vec<String>)],
    network_url: &str,
    footer: Footer<'_>,
) -> Composed {
    let lines: Vec<String> = sections
        .iter()
        .map(|(_, lines)| {
            lines
                .iter()
                .map(|line| format!("- {line}"))
                .collect::<Vec<_>>()
                .join("\n")
        })
        .collect();
    let mut blocks = vec![Block::Paragraph(summary)];
    for ((heading, _), lines) in sections.iter().zip(&lines) {
        blocks.push(Block::Heading(heading));
        blocks.push(Block::Paragraph(lines));
    }
    blocks.push(Block::Action {
        label: "Open the network view",
        url: network_url,
    });
    compose(format!("The network in {month}"), name, &blocks, footer)
}

/// To an organization's admins: someone asks to become a member.
pub fn join_requested(
    name: &str,
    organization: &str,
    requester: &str,
    members_url: &str,
    footer: Footer<'_>,
) -> Composed {
    compose(
        format!("{organization}: {requester} asks to join"),
        name,
        &[
            Block::Paragraph(&format!(
                "{requester} asks to become a member of {organization} on Convene. Members see its members-only events; approve only people you know belong."
            )),
            Block::Action {
                label: "Approve or decline",
                url: members_url,
            },
        ],
        footer,
    )
}

/// To whoever asked to join: the admins' answer.
pub fn join_answered(
    name: &str,
    organization: &str,
    approved: bool,
    organization_url: &str,
    footer: Footer<'_>,
) -> Composed {
    let (subject, paragraph) = if approved {
        (
            format!("You are a member of {organization}"),
            format!(
                "The admins of {organization} approved your request: its members-only events are on your dashboard now."
            ),
        )
    } else {
        (
            format!("Your request to join {organization}"),
            format!(
                "The admins of {organization} declined your request to become a member. You still follow its public events if you did before."
            ),
        )
    };
    compose(
        subject,
        name,
        &[
            Block::Paragraph(&paragraph),
            Block::Action {
                label: "Open the organization",
                url: organization_url,
            },
        ],
        footer,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_parts_carry_the_same_link_and_the_html_is_escaped() {
        let mail = password_reset(
            "Ada <script>",
            "https://example.org/login/reset?token=a&b",
            60,
        );
        assert!(
            mail.text
                .contains("Set a new password:\nhttps://example.org/login/reset?token=a&b\n")
        );
        assert!(mail.text.starts_with("Hello Ada <script>,"));
        assert!(
            mail.html
                .contains("href=\"https://example.org/login/reset?token=a&amp;b\"")
        );
        assert!(mail.html.contains("Hello Ada &lt;script&gt;,"));
        assert!(!mail.html.contains("<script>"));
        assert!(mail.text.contains("for 60 minutes"));
        assert!(mail.html.contains("for 60 minutes"));
    }
}
