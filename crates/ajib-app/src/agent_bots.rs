//! Agents' own bots, served from this process: each with its own long
//! polling, its own outbox (Telegram's limits are per bot), the agent's
//! brand, support contact and retail prices.
//!
//! `registry` holds the running bots (the mail worker sends a bot's mail
//! through its outbox); `supervisor` starts a bot when its token is
//! connected and stops it when it is disconnected or Telegram refuses the
//! token (then the agent and the owners are told, once); `storefront` is
//! what the bots' customers see. Nothing here touches the main bot's
//! updates: a bot's failure stays with that bot.

pub mod notices;
pub mod registry;
pub mod storefront;
pub mod supervisor;

use ajib_domain::TelegramId;
use ajib_storage::NewAgentBot;

use crate::{blocking::blocking, deps::Deps};

/// Why a bot token cannot be connected.
#[derive(Debug, thiserror::Error)]
pub enum TokenError {
    /// Not shaped like a token @BotFather gives (`<digits>:<letters, digits, _ and ->`).
    #[error("this does not look like a bot token")]
    Malformed,
    /// Telegram refused it (revoked or mistyped).
    #[error("Telegram does not accept this token")]
    Refused,
    /// The token is the main bot's own.
    #[error("this is the shop's own bot")]
    MainBot,
    /// Telegram could not be asked.
    #[error("Telegram could not be reached: {0}")]
    Unreachable(String),
}

/// Checks a token with `getMe` and returns the bot it belongs to; the token
/// itself never reaches a log or an error.
pub async fn verify_token(deps: &Deps, token: &str) -> Result<NewAgentBot, TokenError> {
    let token = token.trim().to_owned();
    if !looks_like_token(&token) {
        return Err(TokenError::Malformed);
    }
    let api = deps
        .telegram
        .for_token(&token)
        .map_err(|_| TokenError::Malformed)?;
    let me = blocking(move || api.get_me())
        .await
        .map_err(|err| TokenError::Unreachable(err.to_string()))?;
    let me = match me {
        Ok(me) => me,
        Err(ajib_transport::Error::Api {
            code: 401 | 404, ..
        }) => return Err(TokenError::Refused),
        Err(err) => return Err(TokenError::Unreachable(err.to_string())),
    };
    if deps.telegram.bot_id() == Some(me.id) {
        return Err(TokenError::MainBot);
    }
    Ok(NewAgentBot {
        bot_id: me.id,
        username: me.username.unwrap_or_else(|| me.id.to_string()),
        token,
    })
}

/// Tells the supervisor the bots changed (connected, disconnected), so it acts now.
pub fn wake(deps: &Deps) {
    deps.agent_bots.wake();
}

/// Whether `agent`'s bot is running in this process now.
#[must_use]
pub fn is_running(deps: &Deps, agent: TelegramId) -> bool {
    deps.agent_bots.get(agent).is_some()
}

/// `<bot id digits>:<35 or so letters, digits, '_' and '-'>`, as @BotFather writes them.
fn looks_like_token(token: &str) -> bool {
    let Some((id, secret)) = token.split_once(':') else {
        return false;
    };
    !id.is_empty()
        && id.len() <= 20
        && id.bytes().all(|b| b.is_ascii_digit())
        && (20..=100).contains(&secret.len())
        && secret
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-'))
}

#[cfg(test)]
mod tests {
    use super::looks_like_token;

    #[test]
    fn only_botfather_shaped_tokens_are_tried() {
        assert!(looks_like_token(
            "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"
        ));
        for bad in [
            "",
            "123456789",
            ":AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw",
            "12a:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw",
            "123:short",
            "123:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDs w",
            "123:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw/../x",
        ] {
            assert!(!looks_like_token(bad), "{bad:?}");
        }
    }
}
