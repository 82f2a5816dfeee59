//! What a customer receives for a service: its display name and its configs (URI, subscription link, QR code).

use ajib_domain::{Lang, PanelId, PlanId, Service};
use ajib_i18n::Arg;
use ajib_transport::Outgoing;

use crate::{deps::Deps, keyboards::menu_only, qr::qr_png};

/// Messages to send, in order.
pub type Messages = Vec<Outgoing>;

/// The config messages for an account on `panel`: URI, subscription link, QR code and a how-to.
pub async fn config_messages(
    deps: &Deps,
    chat: i64,
    lang: Lang,
    panel: PanelId,
    username: &str,
) -> anyhow::Result<Messages> {
    let name = username.to_owned();
    let links = deps
        .blitz(panel, "user_links", move |client| client.user_links(&name))
        .await?;
    let uri = links
        .ipv4
        .clone()
        .or_else(|| links.ipv6.clone())
        .or_else(|| links.nodes.first().map(|it| it.uri.clone()));
    let mut res = Vec::new();
    let text = |id: &str, var: &str, value: &str| deps.t(lang, id, &[(var, Arg::from(value))]);
    if let Some(uri) = &uri {
        res.push(Outgoing::Text {
            chat_id: chat,
            text: text("config-uri", "uri", uri),
            keyboard: None,
            html: true,
        });
    }
    if let Some(sub) = &links.normal_sub {
        res.push(Outgoing::Text {
            chat_id: chat,
            text: text("config-sub", "url", sub),
            keyboard: None,
            html: true,
        });
    }
    let Some(qr_source) = links.normal_sub.as_ref().or(uri.as_ref()) else {
        anyhow::bail!("the panel returned no links for {username}");
    };
    let png = qr_png(qr_source)?;
    res.push(Outgoing::Photo {
        chat_id: chat,
        png,
        caption: Some(deps.t(lang, "qr-caption", &[])),
        keyboard: None,
    });
    res.push(Outgoing::Text {
        chat_id: chat,
        text: deps.t(lang, "config-howto", &[]),
        keyboard: Some(menu_only(deps, lang)),
        html: true,
    });
    Ok(res)
}

/// The plan's name in `lang`, the test-account label, or for an account
/// linked without a plan (imported or claimed) its panel username.
pub async fn display_name(deps: &Deps, lang: Lang, service: &Service) -> String {
    if service.plan.is_none() && !service.is_test {
        let username = ajib_i18n::Arg::from(service.blitz_username.as_str());
        return deps.label(lang, "service-linked-name", &[("username", username)]);
    }
    plan_name(deps, lang, service.plan).await
}

/// The name of `plan` in `lang`, or the test-account label for none (or a plan gone).
pub async fn plan_name(deps: &Deps, lang: Lang, plan: Option<PlanId>) -> String {
    let plan = match plan {
        Some(plan) => deps.store.get_plan(plan).await.ok().flatten(),
        None => None,
    };
    match plan {
        Some(plan) => plan.name_in(lang).to_owned(),
        None => deps.label(lang, "btn-test", &[]),
    }
}
