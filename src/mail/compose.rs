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
}

/// Renders `blocks` as both parts, under a greeting and over the footer.
fn compose(subject: String, name: &str, blocks: &[Block<'_>], footer: &str) -> Composed {
    let mut text = format!("Hello {name},\n\n");
    let mut html = String::from(
        "<!DOCTYPE html><html><head><meta charset=\"utf-8\"></head>\
         <body style=\"font-family:system-ui,sans-serif;line-height:1.5;color:#1f2328;max-width:36rem\">",
    );
    html.push_str(&format!("<p>Hello {},</p>", escape(name)));
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
        }
    }
    text.push_str(&format!("-- \n{footer}\n"));
    html.push_str(&format!(
        "<hr><p style=\"color:#57606a;font-size:.875rem\">{}</p></body></html>",
        escape(footer)
    ));
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

/// After sign-up: the link that confirms the address (and signs in).
pub fn confirm_email(name: &str, link: &str, valid_for_days: i64) -> Composed {
    compose(
        "Confirm your email address for Convene".into(),
        name,
        &[
            Block::Paragraph(
                "Welcome to Convene. Please confirm that this is your address, so we can send you your organizations' events.",
            ),
            Block::Action {
                label: "Confirm my email address",
                url: link,
            },
            Block::Paragraph(&format!(
                "The link works for {valid_for_days} days. If you did not sign up, ignore this message: no account uses this address until it is confirmed."
            )),
        ],
        ACCOUNT_FOOTER,
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
        ACCOUNT_FOOTER,
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
        ACCOUNT_FOOTER,
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
