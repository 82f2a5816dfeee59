//! Admin broadcasts: compose (text or photo, audience, preview), then start, pause, resume and stop.
//!
//! ```text
//! admin: 📣 Broadcast            bot: Send the message you want to broadcast:
//! admin: **Sale** today!         bot: Who should receive it?  [Everyone] [Buyers] …
//! admin: [Buyers]                bot: Sale today!   (exactly as recipients see it)
//!                                bot: It will go to 120 users. Send it?  [Send] [Cancel]
//! admin: [Send]                  bot: (the preview turns into the live progress message)
//! ```
//!
//! The message may be formatted with Telegram's own tools (bold, links… arrive
//! as entities and become HTML) or typed as Telegram HTML; a photo with a
//! caption is sent again by its file id. The recipient list is frozen when the
//! admin presses send; the sender in [`crate::core::broadcast`] does the rest.

use ajib_domain::{BroadcastId, Lang};
use ajib_i18n::Arg;
use ajib_storage::{Audience, BroadcastStatus};
use ajib_transport::{EntityKind, MAX_CAPTION_CHARS, MAX_TEXT_CHARS, MessageEntity};

use crate::{
    callback::{AudienceChoice, Callback},
    core::broadcast,
    deps::{Deps, now},
    keyboards::{button, inline},
    ui::{
        Ctx, Handled, HandlerError, Reply,
        dialog::{self, BroadcastDraft as Draft, Composed, Dialog, Input},
        staff::{audit, back_to_admin, cancel_keyboard},
    },
};

/// Why an admin's text cannot be sent as it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TextProblem {
    /// Longer than one Telegram message, or one photo caption.
    TooLong {
        /// Its length in characters.
        length: usize,
        /// The most Telegram takes here.
        max: usize,
    },
    /// A tag Telegram does not know, one left open, or nothing visible at all.
    BadHtml {
        /// The text around the problem.
        near: String,
    },
}

/// Tags Telegram's HTML parse mode accepts.
const TAGS: &[&str] = &[
    "b",
    "strong",
    "i",
    "em",
    "u",
    "ins",
    "s",
    "strike",
    "del",
    "span",
    "tg-spoiler",
    "a",
    "code",
    "pre",
    "blockquote",
    "tg-emoji",
];

/// Starts composing: asks for the text.
pub async fn start(deps: &Deps, ctx: &Ctx) -> Handled {
    dialog::save(deps, ctx.user, &Dialog::Broadcast(Draft::Text)).await;
    Ok(vec![ctx.screen(
        deps.t(ctx.lang, "admin-broadcast-ask-text", &[]),
        cancel_keyboard(deps, ctx),
    )])
}

/// Takes the admin's text or photo: at any step it becomes the message, then the audience is asked.
pub async fn on_input(deps: &Deps, ctx: &Ctx, input: &Input<'_>) -> Handled {
    let message = match compose(input) {
        Ok(message) => message,
        Err(problem) => return Ok(refuse_text(deps, ctx, &problem)),
    };
    dialog::save(
        deps,
        ctx.user,
        &Dialog::Broadcast(Draft::Audience { message }),
    )
    .await;
    let mut rows: Vec<_> = AudienceChoice::ALL
        .chunks(2)
        .map(|pair| {
            pair.iter()
                .map(|&choice| {
                    button(
                        deps.t(ctx.lang, audience_label(choice), &[]),
                        Callback::AdminAudience(choice),
                    )
                })
                .collect()
        })
        .collect();
    rows.push(vec![button(
        deps.t(ctx.lang, "btn-cancel", &[]),
        Callback::Cancel,
    )]);
    Ok(vec![ctx.say_with(
        deps.t(ctx.lang, "admin-broadcast-ask-audience", &[]),
        inline(rows),
    )])
}

/// Shows the message exactly as recipients will see it, and how many will get it.
pub async fn choose_audience(deps: &Deps, ctx: &Ctx, choice: AudienceChoice) -> Handled {
    let message = match current(deps, ctx).await {
        Some(Draft::Audience { message } | Draft::Preview { message, .. }) => message,
        Some(Draft::Text) | None => return Err(HandlerError::stale("broadcast draft")),
    };
    let count = deps.store.audience(audience(choice)).await?.len();
    dialog::save(
        deps,
        ctx.user,
        &Dialog::Broadcast(Draft::Preview {
            message: message.clone(),
            choice,
        }),
    )
    .await;
    let mut row = Vec::new();
    if count > 0 {
        row.push(button(
            deps.t(ctx.lang, "btn-admin-broadcast-send", &[]),
            Callback::AdminBroadcastSend,
        ));
    }
    row.push(button(
        deps.t(ctx.lang, "btn-cancel", &[]),
        Callback::Cancel,
    ));
    let preview = deps.t(
        ctx.lang,
        "admin-broadcast-preview",
        &[("count", Arg::from(count))],
    );
    Ok(vec![
        broadcast::message(ctx.chat, &message.text, message.photo.as_deref()),
        ctx.say_with(preview, inline(vec![row])),
    ])
}

/// Freezes the recipient list, stores the broadcast (audited) and starts sending.
///
/// The preview message becomes the progress message. The draft is taken
/// out of the dialogue first, so a double press starts one broadcast.
pub async fn send(deps: &Deps, ctx: &Ctx) -> Handled {
    let Some((message, choice)) = dialog::take_preview(deps, ctx.user, ctx.role).await else {
        return Err(HandlerError::stale("broadcast preview"));
    };
    let recipients = deps.store.audience(audience(choice)).await?;
    if recipients.is_empty() {
        let text = deps.t(
            ctx.lang,
            "admin-broadcast-preview",
            &[("count", Arg::from(0))],
        );
        return Ok(vec![ctx.screen(text, back_to_admin(deps, ctx))]);
    }
    let label = audience_code(choice);
    let at = now();
    let id = deps
        .store
        .create_broadcast(
            &message.text,
            message.photo.as_deref(),
            label,
            &recipients,
            ctx.user,
            at,
        )
        .await?;
    let after = serde_json::json!({
        "broadcast": id.0, "audience": label, "recipients": recipients.len(),
        "text": message.text, "photo": message.photo,
    })
    .to_string();
    audit(deps, ctx.user, "broadcast.create", None, &after).await;
    log::info!(
        "broadcast {id} to {} users ({label}) started by {}",
        recipients.len(),
        ctx.user
    );
    if let Err(err) = broadcast::show_progress(deps, id, ctx.chat, ctx.message_id).await {
        log::warn!("progress of broadcast {id} not recorded: {err}");
    }
    deps.broadcasts.wake.notify_one();
    Ok(Vec::new())
}

/// Pauses a running broadcast; audited.
pub async fn pause(deps: &Deps, ctx: &Ctx, id: BroadcastId) -> Handled {
    change(
        deps,
        ctx,
        id,
        &[BroadcastStatus::Running],
        BroadcastStatus::Paused,
    )
    .await
}

/// Resumes a paused broadcast; audited.
pub async fn resume(deps: &Deps, ctx: &Ctx, id: BroadcastId) -> Handled {
    let reply = change(
        deps,
        ctx,
        id,
        &[BroadcastStatus::Paused],
        BroadcastStatus::Running,
    )
    .await?;
    deps.broadcasts.wake.notify_one();
    Ok(reply)
}

/// Stops a running or paused broadcast for good; audited.
pub async fn stop(deps: &Deps, ctx: &Ctx, id: BroadcastId) -> Handled {
    let from = [BroadcastStatus::Running, BroadcastStatus::Paused];
    change(deps, ctx, id, &from, BroadcastStatus::Cancelled).await
}

/// The broadcast an admin's text or photo makes; a photo's caption may be empty.
pub fn compose(input: &Input<'_>) -> Result<Composed, TextProblem> {
    let Some(photo) = input.photo else {
        return Ok(Composed {
            text: prepare_text(input.text, input.entities)?,
            photo: None,
        });
    };
    let text = match input.text.trim() {
        "" => String::new(),
        caption => prepare(caption, input.entities, MAX_CAPTION_CHARS)?,
    };
    Ok(Composed {
        text,
        photo: Some(photo.file_id.clone()),
    })
}

/// The Telegram-HTML text to send for an admin's message that fits one Telegram message.
///
/// Telegram's formatting entities become HTML; without them the text is
/// checked as typed Telegram HTML, and a last link line is kept for a button.
pub fn prepare_text(text: &str, entities: &[MessageEntity]) -> Result<String, TextProblem> {
    prepare(text, entities, MAX_TEXT_CHARS)
}

/// Turns an admin's message into checked Telegram HTML of at most `max` characters.
///
/// Formatting made in the Telegram app arrives as entities and is turned into
/// HTML; without any, the text is read as typed Telegram HTML: tags must be
/// ones Telegram knows and be closed in order, stray `<`, `>` and `&` are
/// escaped. A last `[label](https://…)` line is kept apart for the button, so
/// its URL is never escaped. The limit keeps the outbox from splitting a
/// message, possibly inside a tag.
fn prepare(text: &str, entities: &[MessageEntity], max: usize) -> Result<String, TextProblem> {
    // Offsets count from the start of the message, so the trim must only ever cut the end.
    let (body, button) = broadcast::split_button(text.trim_end());
    let formatted = entities.iter().any(|it| it.kind != EntityKind::Other);
    let body = match formatted {
        true => ajib_transport::entities_to_html(body, entities),
        false => body.to_owned(),
    };
    let mut res = prepare_body(&body, max)?;
    if let Some((label, url)) = button {
        res.push_str(&format!("\n[{label}]({url})"));
    }
    Ok(res)
}

/// Checks and normalises the HTML body of a broadcast (see [`prepare`]).
fn prepare_body(text: &str, max: usize) -> Result<String, TextProblem> {
    let text = text.trim();
    let mut res = String::with_capacity(text.len());
    let mut visible = 0usize;
    let mut open: Vec<String> = Vec::new();
    let mut rest = text;
    while let Some(pos) = rest.find(['<', '>', '&']) {
        visible += rest[..pos].chars().filter(|c| !c.is_whitespace()).count();
        res.push_str(&rest[..pos]);
        rest = &rest[pos..];
        if let Some(after) = rest.strip_prefix('>') {
            res.push_str("&gt;");
            visible += 1;
            rest = after;
            continue;
        }
        if rest.starts_with('&') {
            let len = entity_len(rest).unwrap_or(0);
            match len {
                0 => res.push_str("&amp;"),
                _ => res.push_str(&rest[..len]),
            }
            visible += 1;
            rest = &rest[len.max(1)..];
            continue;
        }
        let starts_tag = rest[1..]
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '/');
        if !starts_tag {
            res.push_str("&lt;");
            visible += 1;
            rest = &rest[1..];
            continue;
        }
        let Some(end) = rest.find('>') else {
            return Err(bad_html(rest));
        };
        let tag = &rest[1..end];
        let (closing, body) = match tag.strip_prefix('/') {
            Some(body) => (true, body),
            None => (false, tag),
        };
        let name = body
            .split(char::is_whitespace)
            .next()
            .unwrap_or_default()
            .to_ascii_lowercase();
        if !TAGS.contains(&name.as_str()) {
            return Err(bad_html(rest));
        }
        if closing {
            match open.pop() {
                Some(opened) if opened == name && body.trim().len() == name.len() => (),
                _ => return Err(bad_html(rest)),
            }
        } else {
            open.push(name);
        }
        res.push_str(&rest[..=end]);
        rest = &rest[end + 1..];
    }
    visible += rest.chars().filter(|c| !c.is_whitespace()).count();
    res.push_str(rest);
    if let Some(name) = open.last() {
        return Err(TextProblem::BadHtml {
            near: format!("<{name}>"),
        });
    }
    if visible == 0 {
        return Err(bad_html(text));
    }
    let length = res.chars().count();
    if length > max {
        return Err(TextProblem::TooLong { length, max });
    }
    Ok(res)
}

/// Tells the admin why their text was refused; the dialogue stays where it was.
pub fn refuse_text(deps: &Deps, ctx: &Ctx, problem: &TextProblem) -> Reply {
    let text = match problem {
        TextProblem::TooLong { length, max } => deps.t(
            ctx.lang,
            "admin-broadcast-too-long",
            &[("length", Arg::from(*length)), ("max", Arg::from(*max))],
        ),
        TextProblem::BadHtml { near } => {
            let near = match near.trim() {
                "" => "—".to_owned(),
                near => near.to_owned(),
            };
            deps.t(
                ctx.lang,
                "admin-broadcast-bad-html",
                &[("near", Arg::from(near.as_str()))],
            )
        }
    };
    vec![ctx.say_with(text, cancel_keyboard(deps, ctx))]
}

/// The storage audience for a picker choice.
#[must_use]
pub fn audience(choice: AudienceChoice) -> Audience {
    match choice {
        AudienceChoice::All => Audience::All,
        AudienceChoice::Buyers => Audience::Buyers,
        AudienceChoice::NeverBought => Audience::NeverBought,
        AudienceChoice::Active => Audience::ActiveServices(now()),
        AudienceChoice::Expired => Audience::Expired(now()),
        AudienceChoice::TestOnly => Audience::TestOnly,
        AudienceChoice::LangEn => Audience::Lang(Lang::EN),
        AudienceChoice::LangFa => Audience::Lang(Lang::FA),
    }
}

/// Moves the broadcast from one of `from` to `to` and redraws its progress; otherwise only redraws.
async fn change(
    deps: &Deps,
    ctx: &Ctx,
    id: BroadcastId,
    from: &[BroadcastStatus],
    to: BroadcastStatus,
) -> Handled {
    let before = deps
        .store
        .get_broadcast(id)
        .await?
        .ok_or(HandlerError::stale("broadcast"))?
        .status;
    if from.contains(&before) {
        deps.store.set_broadcast_status(id, to, now()).await?;
        let before = serde_json::json!({ "broadcast": id.0, "status": before.as_str() });
        let after = serde_json::json!({ "broadcast": id.0, "status": to.as_str() });
        let action = format!("broadcast.{}", to.as_str());
        audit(
            deps,
            ctx.user,
            &action,
            Some(&before.to_string()),
            &after.to_string(),
        )
        .await;
    }
    broadcast::redraw(deps, id, None).await;
    Ok(Vec::new())
}

async fn current(deps: &Deps, ctx: &Ctx) -> Option<Draft> {
    match dialog::load(deps, ctx.user, ctx.role).await {
        Some(Dialog::Broadcast(draft)) => Some(draft),
        _ => None,
    }
}

fn audience_label(choice: AudienceChoice) -> &'static str {
    match choice {
        AudienceChoice::All => "audience-all",
        AudienceChoice::Buyers => "audience-buyers",
        AudienceChoice::NeverBought => "audience-never-bought",
        AudienceChoice::Active => "audience-active",
        AudienceChoice::Expired => "audience-expired",
        AudienceChoice::TestOnly => "audience-test-only",
        AudienceChoice::LangEn => "audience-lang-en",
        AudienceChoice::LangFa => "audience-lang-fa",
    }
}

/// The audience as stored with the broadcast.
fn audience_code(choice: AudienceChoice) -> &'static str {
    match choice {
        AudienceChoice::All => "all",
        AudienceChoice::Buyers => "buyers",
        AudienceChoice::NeverBought => "never-bought",
        AudienceChoice::Active => "active",
        AudienceChoice::Expired => "expired",
        AudienceChoice::TestOnly => "test-only",
        AudienceChoice::LangEn => "lang-en",
        AudienceChoice::LangFa => "lang-fa",
    }
}

/// Length of the HTML entity `text` starts with, if it is one Telegram accepts.
fn entity_len(text: &str) -> Option<usize> {
    for named in ["&lt;", "&gt;", "&amp;", "&quot;"] {
        if text.starts_with(named) {
            return Some(named.len());
        }
    }
    let rest = text.strip_prefix("&#")?;
    let (digits, hex) = match rest.strip_prefix(['x', 'X']) {
        Some(hex) => (hex, true),
        None => (rest, false),
    };
    let n = digits
        .chars()
        .take_while(|c| match hex {
            true => c.is_ascii_hexdigit(),
            false => c.is_ascii_digit(),
        })
        .count();
    let after = &digits[n..];
    (n > 0 && after.starts_with(';')).then(|| text.len() - after.len() + 1)
}

fn bad_html(near: &str) -> TextProblem {
    TextProblem::BadHtml {
        near: near.chars().take(24).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(text: &str, expected: Result<&str, &str>) {
        let got = prepare_text(text, &[]);
        let expected = expected
            .map(str::to_owned)
            .map_err(|near| TextProblem::BadHtml {
                near: near.to_owned(),
            });
        assert_eq!(got, expected, "{text:?}");
    }

    #[test]
    fn a_last_link_line_becomes_a_button_and_keeps_its_query_string() {
        check(
            "<b>New plans</b> & more\n[Open the shop](https://t.me/ajib_bot?start=sale&x=1)",
            Ok(
                "<b>New plans</b> &amp; more\n[Open the shop](https://t.me/ajib_bot?start=sale&x=1)",
            ),
        );
        let msg = broadcast::message(7, "Hi\n[Shop](https://example.com/a?b=1&c=2)", None);
        let ajib_transport::Outgoing::Text {
            text,
            keyboard: Some(keyboard),
            ..
        } = msg
        else {
            panic!("expected a text with a keyboard");
        };
        assert_eq!(text, "Hi");
        let ajib_transport::Keyboard::Inline(rows) = keyboard else {
            panic!("inline keyboard")
        };
        assert!(
            matches!(&rows[0][0], ajib_transport::InlineButton::Url { text, url }
            if text == "Shop" && url == "https://example.com/a?b=1&c=2")
        );
    }

    #[test]
    fn lines_that_only_look_like_buttons_stay_text() {
        check("[not a link](ftp://x)", Ok("[not a link](ftp://x)"));
        check("Hi\n[a b](https://x y)", Ok("Hi\n[a b](https://x y)"));
        assert_eq!(
            broadcast::split_button("[Shop](https://x)"),
            ("[Shop](https://x)", None)
        );
    }

    #[test]
    fn telegram_html_passes_and_stray_characters_are_escaped() {
        check("<b>Sale</b> today", Ok("<b>Sale</b> today"));
        check(
            "<a href=\"https://x.y/?a=1&amp;b=2\">go</a>",
            Ok("<a href=\"https://x.y/?a=1&amp;b=2\">go</a>"),
        );
        check("Tom & Jerry", Ok("Tom &amp; Jerry"));
        check("5 < 7 > 3", Ok("5 &lt; 7 &gt; 3"));
        check(
            "&#128512; &#x1F600; &quot;",
            Ok("&#128512; &#x1F600; &quot;"),
        );
        check("&#; &#x;", Ok("&amp;#; &amp;#x;"));
        check("  <i>trimmed</i>\n", Ok("<i>trimmed</i>"));
        check("<B>loud</B>", Ok("<B>loud</B>"));
    }

    #[test]
    fn broken_html_is_refused() {
        check("<b>open", Err("<b>"));
        check("<b><i>x</b></i>", Err("</b></i>"));
        check("<script>x</script>", Err("<script>x</script>"));
        check("</b>", Err("</b>"));
        check("<b", Err("<b"));
        check("<b> </b>", Err("<b> </b>"));
        check("   ", Err(""));
    }

    #[test]
    fn a_message_must_fit_one_telegram_message() {
        let longest = "x".repeat(MAX_TEXT_CHARS);
        assert_eq!(prepare_text(&longest, &[]), Ok(longest.clone()));
        let escaped = format!("{}&", "x".repeat(MAX_TEXT_CHARS - 1));
        assert_eq!(
            prepare_text(&escaped, &[]),
            Err(TextProblem::TooLong {
                length: MAX_TEXT_CHARS + 4,
                max: MAX_TEXT_CHARS
            })
        );
    }

    fn entity(kind: EntityKind, offset: u32, length: u32) -> MessageEntity {
        MessageEntity {
            kind,
            offset,
            length,
        }
    }

    #[test]
    fn telegram_formatting_becomes_html_and_the_button_url_stays_raw() {
        let text = "🎉 Sale & more\n[Shop](https://x.y/?a=1&b=2)";
        // UTF-16 offsets: the emoji is two units, so "Sale" starts at 3.
        let entities = [
            entity(EntityKind::Bold, 3, 4),
            entity(
                EntityKind::TextLink {
                    url: "https://x.y/more".to_owned(),
                },
                10,
                4,
            ),
            entity(EntityKind::Other, 22, 21),
        ];
        assert_eq!(
            prepare_text(text, &entities).as_deref(),
            Ok(
                "🎉 <b>Sale</b> &amp; <a href=\"https://x.y/more\">more</a>\n[Shop](https://x.y/?a=1&b=2)"
            )
        );
    }

    #[test]
    fn typed_html_is_kept_when_telegram_only_detected_links() {
        let text = "<b>Hi</b> https://x.y";
        let detected = [entity(EntityKind::Other, 10, 11)];
        assert_eq!(prepare_text(text, &detected).as_deref(), Ok(text));
    }

    #[test]
    fn a_photo_caption_may_be_empty_but_must_fit_a_caption() {
        let photo = ajib_transport::PhotoRef {
            file_id: "AgACAgI".to_owned(),
            width: 1280,
            height: 720,
            size: None,
        };
        let input = |text| Input {
            text,
            entities: &[],
            photo: Some(&photo),
        };
        assert_eq!(
            compose(&input("  ")),
            Ok(Composed {
                text: String::new(),
                photo: Some("AgACAgI".to_owned())
            })
        );
        assert_eq!(
            compose(&input("<i>New</i>")).map(|it| it.text).as_deref(),
            Ok("<i>New</i>")
        );
        let long = "x".repeat(MAX_CAPTION_CHARS + 1);
        assert_eq!(
            compose(&input(&long)),
            Err(TextProblem::TooLong {
                length: MAX_CAPTION_CHARS + 1,
                max: MAX_CAPTION_CHARS
            })
        );
        // Without a photo an empty message is refused.
        let empty = Input {
            text: " ",
            entities: &[],
            photo: None,
        };
        assert!(matches!(compose(&empty), Err(TextProblem::BadHtml { .. })));
        let msg = broadcast::message(7, "", Some("AgACAgI"));
        assert!(matches!(
            msg,
            ajib_transport::Outgoing::PhotoById { caption: None, .. }
        ));
    }

    #[test]
    fn every_audience_has_a_label_and_a_distinct_code() {
        let codes: std::collections::HashSet<_> =
            AudienceChoice::ALL.into_iter().map(audience_code).collect();
        assert_eq!(codes.len(), AudienceChoice::ALL.len());
        assert!(
            AudienceChoice::ALL
                .into_iter()
                .all(|it| audience_label(it).starts_with("audience-"))
        );
    }
}
