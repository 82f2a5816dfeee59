//! "🤖 My bot": an agent connects their own bot (from @BotFather), sees its
//! state, sets its brand and support contact, or disconnects it.
//!
//! The token is a secret: the message holding it is deleted from the chat at
//! once, it is checked with Telegram (`getMe`) before anything is saved, it
//! never reaches a log, and it is not kept in the dialogue (the message that
//! carries it completes the step). A refused token saves nothing and says why.

use ajib_i18n::Arg;
use ajib_storage::{Actor, AgentBot, AgentBotState, AgentEdit, MAX_BRAND_CHARS, MAX_SUPPORT_CHARS};

use crate::{
    agent_bots::{self, TokenError},
    blocking::blocking,
    callback::Callback,
    deps::{Deps, now},
    keyboards::{button, inline},
    ui::{
        Ctx, Handled, HandlerError, Reply,
        agent_shared::the_agent,
        dialog::{self, AgentStep, Dialog},
        staff::cancel_keyboard,
    },
};

/// What an agent types to remove their brand or support contact.
const CLEAR: &str = "-";

/// The bot screen: how to get a token when none is connected, else the bot's state and settings.
pub async fn screen(deps: &Deps, ctx: &Ctx) -> Handled {
    let agent = the_agent(deps, ctx).await?;
    let t = |id: &str| deps.t(ctx.lang, id, &[]);
    let Some(bot) = deps.store.agent_bot(ctx.user).await? else {
        let keyboard = inline(vec![
            vec![button(
                t("btn-agent-bot-connect"),
                Callback::AgentBotConnect,
            )],
            vec![button(t("btn-back"), Callback::Agent)],
        ]);
        return Ok(vec![ctx.screen(t("agent-bot-none"), keyboard)]);
    };
    let unset = t("agent-bot-unset");
    let text = deps.t(
        ctx.lang,
        "agent-bot",
        &[
            ("username", Arg::from(bot.username.as_str())),
            ("state", Arg::from(state_text(deps, ctx, &bot).as_str())),
            ("brand", Arg::from(agent.brand.as_deref().unwrap_or(&unset))),
            (
                "support",
                Arg::from(agent.support.as_deref().unwrap_or(&unset)),
            ),
        ],
    );
    let keyboard = inline(vec![
        vec![
            button(t("btn-agent-brand"), Callback::AgentBotBrand),
            button(t("btn-agent-support"), Callback::AgentBotSupport),
        ],
        vec![
            button(t("btn-agent-bot-token"), Callback::AgentBotConnect),
            button(t("btn-agent-disconnect"), Callback::AgentBotDisconnect),
        ],
        vec![button(t("btn-back"), Callback::Agent)],
    ]);
    Ok(vec![ctx.screen(text, keyboard)])
}

/// "🔌 Connect" (or "🔁 New token"): asks for the token.
pub async fn ask_token(deps: &Deps, ctx: &Ctx) -> Handled {
    ask(deps, ctx, AgentStep::Token, "agent-ask-token").await
}

/// The token arrived: the message leaves the chat, Telegram is asked, and
/// only a token it accepts is saved and its bot started.
pub async fn token_typed(deps: &Deps, ctx: &Ctx, text: &str, message_id: i32) -> Handled {
    delete_message(deps, ctx, message_id).await;
    let taken = dialog::take_agent_step(deps, ctx.user, |step| match step {
        AgentStep::Token => Some(()),
        _ => None,
    })
    .await;
    if taken.is_none() {
        return Err(HandlerError::stale("an agent's token dialogue"));
    }
    the_agent(deps, ctx).await?;
    let bot = match agent_bots::verify_token(deps, text).await {
        Ok(bot) => bot,
        Err(err) => {
            log::info!("agent {} sent a token that was refused: {err}", ctx.user);
            let id = match err {
                TokenError::Malformed => "agent-token-malformed",
                TokenError::Refused => "agent-token-refused",
                TokenError::MainBot => "agent-token-main",
                TokenError::Unreachable(_) => "agent-token-unreachable",
            };
            return Ok(ask_again(deps, ctx, id).await);
        }
    };
    let bot = match deps.store.connect_agent_bot(ctx.user, bot, now()).await {
        Ok(bot) => bot,
        Err(ajib_storage::Error::Conflict { what }) => {
            log::info!("agent {} could not connect a bot: {what}", ctx.user);
            return Ok(ask_again(deps, ctx, "agent-token-taken").await);
        }
        Err(err) => return Err(err.into()),
    };
    agent_bots::wake(deps);
    log::info!("agent {} connected bot @{}", ctx.user, bot.username);
    let text = deps.t(
        ctx.lang,
        "agent-bot-connected",
        &[("username", Arg::from(bot.username.as_str()))],
    );
    with_screen(deps, ctx, text).await
}

/// "✏️ Brand": asks for the brand name.
pub async fn ask_brand(deps: &Deps, ctx: &Ctx) -> Handled {
    ask(deps, ctx, AgentStep::Brand, "agent-ask-brand").await
}

/// "✏️ Support contact": asks for it.
pub async fn ask_support(deps: &Deps, ctx: &Ctx) -> Handled {
    ask(deps, ctx, AgentStep::Support, "agent-ask-support").await
}

/// The brand typed (or `-` to remove it): saved, audited as the agent's edit.
pub async fn brand_typed(deps: &Deps, ctx: &Ctx, text: &str) -> Handled {
    let Some(brand) = bot_text(text, MAX_BRAND_CHARS) else {
        return Ok(invalid_text(deps, ctx, MAX_BRAND_CHARS));
    };
    let edit = AgentEdit {
        brand: Some(brand),
        ..AgentEdit::default()
    };
    save_edit(deps, ctx, edit).await
}

/// The support contact typed (or `-` to remove it): saved, audited as the agent's edit.
pub async fn support_typed(deps: &Deps, ctx: &Ctx, text: &str) -> Handled {
    let Some(support) = bot_text(text, MAX_SUPPORT_CHARS) else {
        return Ok(invalid_text(deps, ctx, MAX_SUPPORT_CHARS));
    };
    let edit = AgentEdit {
        support: Some(support),
        ..AgentEdit::default()
    };
    save_edit(deps, ctx, edit).await
}

/// "🔌 Disconnect": asks to confirm.
pub async fn ask_disconnect(deps: &Deps, ctx: &Ctx) -> Handled {
    the_agent(deps, ctx).await?;
    let bot = deps
        .store
        .agent_bot(ctx.user)
        .await?
        .ok_or(HandlerError::stale("agent bot"))?;
    let text = deps.t(
        ctx.lang,
        "agent-disconnect-confirm",
        &[("username", Arg::from(bot.username.as_str()))],
    );
    let keyboard = inline(vec![vec![
        button(
            deps.t(ctx.lang, "btn-agent-disconnect", &[]),
            Callback::AgentBotDisconnectConfirm,
        ),
        button(deps.t(ctx.lang, "btn-back", &[]), Callback::AgentBot),
    ]]);
    Ok(vec![ctx.screen(text, keyboard)])
}

/// Disconnects the agent's bot; the supervisor stops it now.
pub async fn disconnect(deps: &Deps, ctx: &Ctx) -> Handled {
    the_agent(deps, ctx).await?;
    if !deps.store.disconnect_agent_bot(ctx.user, now()).await? {
        return Err(HandlerError::stale("agent bot"));
    }
    agent_bots::wake(deps);
    log::info!("agent {} disconnected their bot", ctx.user);
    let text = deps.t(ctx.lang, "agent-bot-disconnected", &[]);
    with_screen(deps, ctx, text).await
}

/// The bot's state in words: running, starting, or stopped with Telegram's reason.
fn state_text(deps: &Deps, ctx: &Ctx, bot: &AgentBot) -> String {
    match bot.state {
        AgentBotState::Active if agent_bots::is_running(deps, ctx.user) => {
            deps.t(ctx.lang, "agent-bot-active", &[])
        }
        AgentBotState::Active => deps.t(ctx.lang, "agent-bot-starting", &[]),
        AgentBotState::Revoked => {
            let unset = deps.t(ctx.lang, "agent-bot-unset", &[]);
            let note = bot.state_note.as_deref().unwrap_or(&unset);
            deps.t(
                ctx.lang,
                "agent-bot-state-revoked",
                &[("note", Arg::from(note))],
            )
        }
    }
}

/// Opens the agent's dialogue at `step` and asks the question `id`.
async fn ask(deps: &Deps, ctx: &Ctx, step: AgentStep, id: &str) -> Handled {
    the_agent(deps, ctx).await?;
    dialog::save(deps, ctx.user, &Dialog::Agent(step)).await;
    Ok(vec![ctx.say_with(
        deps.t(ctx.lang, id, &[]),
        cancel_keyboard(deps, ctx),
    )])
}

/// A refused token: says why and waits for another one.
async fn ask_again(deps: &Deps, ctx: &Ctx, id: &str) -> Reply {
    dialog::save(deps, ctx.user, &Dialog::Agent(AgentStep::Token)).await;
    vec![ctx.say_with(deps.t(ctx.lang, id, &[]), cancel_keyboard(deps, ctx))]
}

/// Saves a brand or support change as the agent's own edit, then shows the bot screen.
async fn save_edit(deps: &Deps, ctx: &Ctx, edit: AgentEdit) -> Handled {
    the_agent(deps, ctx).await?;
    deps.store
        .edit_agent(ctx.user, edit, Actor::Admin(ctx.user), now())
        .await?;
    dialog::close(deps, ctx.user).await;
    with_screen(deps, ctx, deps.t(ctx.lang, "agent-bot-saved", &[])).await
}

/// `text`, then the bot screen as a new message.
async fn with_screen(deps: &Deps, ctx: &Ctx, text: String) -> Handled {
    let mut reply = vec![ctx.say(text)];
    reply.extend(
        screen(
            deps,
            &Ctx {
                message_id: None,
                ..*ctx
            },
        )
        .await?,
    );
    Ok(reply)
}

fn invalid_text(deps: &Deps, ctx: &Ctx, max: usize) -> Reply {
    let max = i64::try_from(max).unwrap_or(i64::MAX);
    let text = deps.t(ctx.lang, "agent-text-invalid", &[("max", Arg::from(max))]);
    vec![ctx.say_with(text, cancel_keyboard(deps, ctx))]
}

/// A brand or support contact as typed: `Some(None)` removes it, `None` is refused.
fn bot_text(text: &str, max: usize) -> Option<Option<String>> {
    let text = text.trim();
    if text == CLEAR {
        return Some(None);
    }
    let fits =
        !text.is_empty() && text.chars().count() <= max && !text.chars().any(char::is_control);
    fits.then(|| Some(text.to_owned()))
}

/// Deletes the message that carried a token; a failure is logged (never the token).
async fn delete_message(deps: &Deps, ctx: &Ctx, message_id: i32) {
    let api = deps.telegram.clone();
    let chat = ctx.chat;
    match blocking(move || api.delete_message(chat, message_id)).await {
        Ok(Ok(())) => (),
        Ok(Err(err)) => log::warn!("could not delete the message with a bot token: {err}"),
        Err(err) => log::warn!("could not delete the message with a bot token: {err:#}"),
    }
}

#[cfg(test)]
mod tests {
    use super::bot_text;

    #[test]
    fn brand_and_support_are_one_short_line_or_a_dash() {
        assert_eq!(bot_text(" -  ", 48), Some(None));
        assert_eq!(bot_text(" VPN Ali ", 48), Some(Some("VPN Ali".to_owned())));
        assert_eq!(bot_text("", 48), None);
        assert_eq!(bot_text(&"x".repeat(49), 48), None);
        assert_eq!(bot_text("a\nb", 48), None);
    }
}
