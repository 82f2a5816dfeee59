//! First contact, the main menu, language, help, support and client apps.

use ajib_domain::Lang;
use ajib_i18n::Arg;

use crate::{
    callback::Callback,
    deps::Deps,
    keyboards::{button, inline, link, menu_only},
    ui::{Ctx, Handled},
};

/// `/start [payload]`: records the payload, then asks for a language or shows the menu.
pub async fn on_start(
    deps: &Deps,
    ctx: &Ctx,
    first_name: &str,
    payload: Option<&str>,
    has_lang: bool,
) -> Handled {
    if let Some(payload) = payload.filter(|it| is_valid_payload(it))
        && let Err(err) = deps.store.set_start_payload(ctx.user, payload).await
    {
        log::warn!("could not record start payload of {}: {err}", ctx.user);
    }
    if !has_lang {
        return language_picker(deps, ctx);
    }
    let welcome = deps.t(ctx.lang, "welcome", &[("name", Arg::from(first_name))]);
    Ok(vec![ctx.say_with(welcome, main_menu_keyboard(deps, ctx))])
}

/// The language picker, in both languages.
pub fn language_picker(deps: &Deps, ctx: &Ctx) -> Handled {
    let keyboard = inline(vec![vec![
        button(
            deps.t(Lang::En, "btn-lang-en", &[]),
            Callback::SetLang(Lang::En),
        ),
        button(
            deps.t(Lang::Fa, "btn-lang-fa", &[]),
            Callback::SetLang(Lang::Fa),
        ),
    ]]);
    Ok(vec![
        ctx.screen(deps.t(ctx.lang, "lang-choose", &[]), keyboard),
    ])
}

/// Stores the chosen language and shows the menu in it.
pub async fn on_set_lang(deps: &Deps, ctx: &Ctx, lang: Lang) -> Handled {
    deps.store.set_user_lang(ctx.user, lang).await?;
    let ctx = Ctx { lang, ..*ctx };
    let text = format!(
        "{}\n\n{}",
        deps.t(lang, "lang-set", &[]),
        deps.t(lang, "menu-title", &[])
    );
    Ok(vec![ctx.screen(text, main_menu_keyboard(deps, &ctx))])
}

/// The main menu screen.
pub fn main_menu(deps: &Deps, ctx: &Ctx) -> Handled {
    Ok(vec![ctx.screen(
        deps.t(ctx.lang, "menu-title", &[]),
        main_menu_keyboard(deps, ctx),
    )])
}

fn main_menu_keyboard(deps: &Deps, ctx: &Ctx) -> ajib_transport::Keyboard {
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
    ];
    if ctx.role.is_staff() {
        rows.push(vec![button(t("btn-admin"), Callback::Admin)]);
    }
    inline(rows)
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
