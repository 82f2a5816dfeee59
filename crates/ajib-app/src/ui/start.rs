//! First contact, the main menu, language, help, support and client apps.

use ajib_domain::Lang;
use ajib_i18n::Arg;
use ajib_transport::InlineButton;

use crate::{
    callback::Callback,
    deps::Deps,
    keyboards::{button, inline, link, menu_only},
    ui::{Ctx, Handled, HandlerError, agent},
};

/// Where the language a user is answered in comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UserLang {
    /// The user chose it, and the bot still speaks it.
    Chosen(Lang),
    /// Not chosen (or the chosen one was dropped): their Telegram app's language, which the bot speaks.
    Telegram(Lang),
    /// Neither: the operator's default (`LOCALE_DEFAULT`).
    Default(Lang),
}

impl UserLang {
    /// The language to answer in.
    #[must_use]
    pub fn lang(self) -> Lang {
        match self {
            Self::Chosen(lang) | Self::Telegram(lang) | Self::Default(lang) => lang,
        }
    }
}

/// The user's language: their stored choice if the bot still speaks it, else
/// their Telegram app's `language_code` if the bot speaks that, else the default.
#[must_use]
pub fn user_lang(deps: &Deps, stored: Option<Lang>, telegram: Option<&str>) -> UserLang {
    let spoken = |lang: &Lang| deps.texts.speaks(*lang);
    if let Some(lang) = stored.filter(spoken) {
        return UserLang::Chosen(lang);
    }
    match telegram.and_then(Lang::parse).filter(spoken) {
        Some(lang) => UserLang::Telegram(lang),
        None => UserLang::Default(deps.settings.default_lang),
    }
}

/// `/start [payload]`: records the payload, then greets the user in their
/// language: the chosen one; else their Telegram app's, with every language
/// offered until they choose one by hand; else it asks.
///
/// A language taken from the Telegram app is not stored: the app's language
/// is read again on every update until the user chooses, so it follows the app.
pub async fn on_start(
    deps: &Deps,
    ctx: &Ctx,
    first_name: &str,
    payload: Option<&str>,
    lang: UserLang,
) -> Handled {
    if let Some(payload) = payload.filter(|it| is_valid_payload(it))
        && let Err(err) = deps.store.set_start_payload(ctx.user, payload).await
    {
        log::warn!("could not record start payload of {}: {err}", ctx.user);
    }
    let welcome = deps.t(ctx.lang, "welcome", &[("name", Arg::from(first_name))]);
    match lang {
        UserLang::Chosen(_) => Ok(vec![
            ctx.say_with(welcome, main_menu_keyboard(deps, ctx).await),
        ]),
        UserLang::Telegram(lang) => {
            let language = deps.texts.language_name(lang);
            let detected = deps.t(lang, "lang-detected", &[("language", Arg::from(&language))]);
            let mut rows = language_rows(deps);
            rows.extend(main_menu_rows(deps, ctx).await);
            Ok(vec![ctx.say_with(
                format!("{welcome}\n\n{detected}"),
                inline(rows),
            )])
        }
        UserLang::Default(_) => language_picker(deps, ctx),
    }
}

/// The language picker: every language the bot speaks, each named in itself.
pub fn language_picker(deps: &Deps, ctx: &Ctx) -> Handled {
    Ok(vec![ctx.screen(
        deps.t(ctx.lang, "lang-choose", &[]),
        inline(language_rows(deps)),
    )])
}

/// One button per language the bot speaks, three to a row.
fn language_rows(deps: &Deps) -> Vec<Vec<InlineButton>> {
    let buttons: Vec<InlineButton> = deps
        .texts
        .languages()
        .into_iter()
        .map(|lang| button(deps.texts.language_name(lang), Callback::SetLang(lang)))
        .collect();
    buttons.chunks(3).map(<[InlineButton]>::to_vec).collect()
}

/// Stores the chosen language and shows the menu in it.
pub async fn on_set_lang(deps: &Deps, ctx: &Ctx, lang: Lang) -> Handled {
    if !deps.texts.speaks(lang) {
        return Err(HandlerError::stale("a language the bot no longer speaks"));
    }
    deps.store.set_user_lang(ctx.user, lang).await?;
    let ctx = Ctx { lang, ..*ctx };
    let text = format!(
        "{}\n\n{}",
        deps.t(lang, "lang-set", &[]),
        deps.t(lang, "menu-title", &[])
    );
    Ok(vec![ctx.screen(text, main_menu_keyboard(deps, &ctx).await)])
}

/// The main menu screen.
pub async fn main_menu(deps: &Deps, ctx: &Ctx) -> Handled {
    Ok(vec![ctx.screen(
        deps.t(ctx.lang, "menu-title", &[]),
        main_menu_keyboard(deps, ctx).await,
    )])
}

async fn main_menu_keyboard(deps: &Deps, ctx: &Ctx) -> ajib_transport::Keyboard {
    inline(main_menu_rows(deps, ctx).await)
}

/// The main menu's buttons: an agent's button for agents (one lookup), the admin's for staff.
async fn main_menu_rows(deps: &Deps, ctx: &Ctx) -> Vec<Vec<InlineButton>> {
    let t = |id: &str| deps.t(ctx.lang, id, &[]);
    let mut rows = vec![
        vec![
            button(t("btn-buy"), Callback::Plans),
            button(t("btn-services"), Callback::Services),
        ],
        vec![
            button(t("btn-test"), Callback::TestOffer),
            button(t("btn-apps"), Callback::Apps),
        ],
        vec![
            button(t("btn-support"), Callback::Support),
            button(t("btn-help"), Callback::Help),
        ],
        vec![
            button(t("btn-balance"), Callback::Balance),
            button(t("btn-language"), Callback::Language),
        ],
        vec![button(t("btn-invite"), Callback::Invite)],
    ];
    if agent::is_agent(deps, ctx.user).await {
        rows.push(vec![button(t("btn-agent"), Callback::Agent)]);
    }
    if ctx.role.is_staff() {
        rows.push(vec![button(t("btn-admin"), Callback::Admin)]);
    }
    rows
}

/// Help text with the way back.
pub fn help(deps: &Deps, ctx: &Ctx) -> Handled {
    Ok(vec![ctx.screen(
        deps.t(ctx.lang, "help-text", &[]),
        menu_only(deps, ctx.lang),
    )])
}

/// The support contact, if one is configured.
pub fn support(deps: &Deps, ctx: &Ctx) -> Handled {
    let text = match &deps.settings.support_contact {
        Some(contact) => deps.t(ctx.lang, "support-text", &[("contact", Arg::from(contact))]),
        None => deps.t(ctx.lang, "support-none", &[]),
    };
    Ok(vec![ctx.screen(text, menu_only(deps, ctx.lang))])
}

/// One download button per configured platform.
pub fn apps(deps: &Deps, ctx: &Ctx) -> Handled {
    let downloads = &deps.settings.client_downloads;
    if downloads.is_empty() {
        return Ok(vec![ctx.screen(
            deps.t(ctx.lang, "apps-none", &[]),
            menu_only(deps, ctx.lang),
        )]);
    }
    let mut rows: Vec<_> = downloads
        .iter()
        .map(|(platform, url)| vec![link(platform_label(platform), url.clone())])
        .collect();
    rows.push(vec![button(
        deps.t(ctx.lang, "btn-menu", &[]),
        Callback::Menu,
    )]);
    Ok(vec![
        ctx.screen(deps.t(ctx.lang, "apps-title", &[]), inline(rows)),
    ])
}

/// `ANDROID` → `Android`, `MAC_OS` → `Mac Os`; iOS keeps its spelling.
fn platform_label(platform: &str) -> String {
    if platform == "IOS" {
        return "iOS".to_owned();
    }
    platform
        .split('_')
        .map(|word| {
            let mut chars = word.chars();
            match chars.next() {
                Some(first) => {
                    first.to_ascii_uppercase().to_string() + &chars.as_str().to_ascii_lowercase()
                }
                None => String::new(),
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Deep-link payloads Telegram allows: 1..=64 of `[A-Za-z0-9_-]`.
fn is_valid_payload(payload: &str) -> bool {
    (1..=64).contains(&payload.len())
        && payload
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn platform_labels_read_well() {
        assert_eq!(platform_label("ANDROID"), "Android");
        assert_eq!(platform_label("IOS"), "iOS");
        assert_eq!(platform_label("MAC_OS"), "Mac Os");
    }

    #[test]
    fn start_payloads_are_validated() {
        assert!(is_valid_payload("ref_123"));
        assert!(!is_valid_payload(""));
        assert!(!is_valid_payload("a b"));
        assert!(!is_valid_payload(&"x".repeat(65)));
    }
}
