//! "Link an account I already have": a customer sends the subscription link
//! or `hy2://` URI of an account that is on one of our panels but not yet in
//! the bot (sold by hand, or by the old bot), and it becomes their service
//! once the panel confirms the secret in it.
//!
//! The two forms, as Blitz builds them (`wrapper_uri.py`, normal-sub's
//! `normalsub.py`; the fake's `wrapper_uri` mirrors them):
//!
//! - `hy2://<username>:<password>@<host>:<port>?...#<label>`: the account's
//!   name and its Hysteria2 password (percent-encoded when needed).
//! - `https://<domain>:<port>/<subpath>/sub/normal/<password>#<label>` (older
//!   panels: `https://<domain>:<port>/<subpath>/<password>#Hysteria2`): the
//!   password alone is the token, so the account is found by its password.
//!
//! The secret is compared with the panel's, never logged, and tries are
//! rate-limited per customer ([`ajib_storage::LINK_ATTEMPTS_PER_WINDOW`] an hour).

use std::fmt;

use ajib_domain::PanelId;
use ajib_i18n::Arg;
use ajib_storage::{ImportedAccount, LINK_ATTEMPTS_PER_WINDOW, LinkOutcome, PanelTerms};

use crate::{
    callback::Callback,
    deps::{Deps, now},
    keyboards::{button, inline},
    ui::{
        Ctx, Handled,
        dialog::{self, Dialog},
        staff::cancel_keyboard,
    },
};

/// Longest secret accepted from a link: Blitz makes 32 characters; operators may set their own.
const MAX_SECRET_LEN: usize = 128;

/// Shortest token accepted from a subscription link, so a few characters cannot match by chance.
const MIN_TOKEN_LEN: usize = 8;

/// What a customer's message claims: an account's name (when the link has
/// it) and its secret. `Debug` leaves the secret out.
#[derive(Clone, PartialEq, Eq)]
pub struct Claim {
    /// The panel username, lower-cased; `None` for a subscription link.
    pub username: Option<String>,
    /// The Hysteria2 password.
    pub secret: String,
}

impl fmt::Debug for Claim {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Claim")
            .field("username", &self.username)
            .field("secret", &"***")
            .finish()
    }
}

/// The account a claim matched on a panel.
struct Found {
    panel: PanelId,
    user: blitz::User,
}

/// What looking a claim up on the panels came to.
enum Lookup {
    Found(Box<Found>),
    /// No panel has it (or its secret differs).
    Missing,
    /// Not found, but some panel did not answer: it may be there.
    Unreachable,
}

/// "Link an account I already have": asks for the link.
pub async fn start(deps: &Deps, ctx: &Ctx) -> Handled {
    dialog::save(deps, ctx.user, &Dialog::LinkAccount).await;
    Ok(vec![ctx.say_with(
        deps.t(ctx.lang, "link-ask", &[]),
        cancel_keyboard(deps, ctx),
    )])
}

/// The link the customer sent: checked, looked up on the panels, linked.
pub async fn typed(deps: &Deps, ctx: &Ctx, text: &str) -> Handled {
    let Some(claim) = parse_claim(text) else {
        return Ok(vec![ctx.say_with(
            deps.t(ctx.lang, "link-bad-format", &[]),
            cancel_keyboard(deps, ctx),
        )]);
    };
    let at = now();
    if !deps.store.take_link_attempt(ctx.user, at).await? {
        dialog::close(deps, ctx.user).await;
        log::info!("user {} tried to link accounts too often", ctx.user);
        let text = deps.t(
            ctx.lang,
            "link-too-many",
            &[("n", Arg::from(LINK_ATTEMPTS_PER_WINDOW))],
        );
        return Ok(vec![ctx.say_with(text, back_keyboard(deps, ctx))]);
    }
    let found = match lookup(deps, &claim).await? {
        Lookup::Found(found) => found,
        Lookup::Missing => return Ok(retry(deps, ctx, "link-not-found")),
        Lookup::Unreachable => return Ok(retry(deps, ctx, "link-unavailable")),
    };
    dialog::close(deps, ctx.user).await;
    let Found { panel, user } = *found;
    let terms = PanelTerms::from_panel(
        user.account_creation_date.as_deref(),
        user.expiration_days,
        user.max_download_bytes,
    )
    .map_err(|err| anyhow::anyhow!("panel {panel}: account {}: {err}", user.username))?;
    let account = ImportedAccount {
        owner: ctx.user,
        username: user.username.to_ascii_lowercase(),
        terms,
    };
    let outcome = deps.store.link_account(panel, &account, at).await?;
    let (id, service) = match outcome {
        LinkOutcome::Linked(service) => {
            log::info!(
                "user {} linked account {} of panel {panel} as service {}",
                ctx.user,
                account.username,
                service.id
            );
            ("link-done", service)
        }
        LinkOutcome::AlreadyYours(service) => ("link-already-yours", service),
        LinkOutcome::OtherOwner => {
            log::warn!(
                "user {} claimed account {} of panel {panel}, which is another customer's",
                ctx.user,
                account.username
            );
            return Ok(vec![ctx.say_with(
                deps.t(ctx.lang, "link-other-owner", &[]),
                back_keyboard(deps, ctx),
            )]);
        }
    };
    let keyboard = inline(vec![
        vec![button(
            deps.t(ctx.lang, "link-open-service", &[]),
            Callback::Service(service.id),
        )],
        vec![button(deps.t(ctx.lang, "btn-menu", &[]), Callback::Menu)],
    ]);
    Ok(vec![ctx.say_with(deps.t(ctx.lang, id, &[]), keyboard)])
}

/// A refusal that leaves the dialogue open for another try.
fn retry(deps: &Deps, ctx: &Ctx, id: &str) -> crate::ui::Reply {
    vec![ctx.say_with(deps.t(ctx.lang, id, &[]), cancel_keyboard(deps, ctx))]
}

fn back_keyboard(deps: &Deps, ctx: &Ctx) -> ajib_transport::Keyboard {
    inline(vec![vec![button(
        deps.t(ctx.lang, "btn-back", &[]),
        Callback::Services,
    )]])
}

/// Looks the claim up on every enabled panel, in order; the first whose
/// account has the claimed secret wins.
async fn lookup(deps: &Deps, claim: &Claim) -> Result<Lookup, crate::ui::HandlerError> {
    let mut unreachable = false;
    for panel in deps.store.list_panels().await? {
        if !panel.enabled {
            continue;
        }
        let found = match &claim.username {
            Some(username) => {
                let username = username.clone();
                deps.blitz(panel.id, "get_user", move |client| {
                    match client.get_user(&username) {
                        Ok(user) => Ok(Some(user)),
                        Err(blitz::Error::NotFound { .. }) => Ok(None),
                        Err(err) => Err(err),
                    }
                })
                .await
            }
            None => {
                let secret = claim.secret.clone();
                deps.blitz(panel.id, "list_users", move |client| {
                    let users = client.list_users()?;
                    Ok(users
                        .into_iter()
                        .find(|it| same_secret(&it.password, &secret)))
                })
                .await
            }
        };
        match found {
            Ok(Some(user)) if same_secret(&user.password, &claim.secret) => {
                return Ok(Lookup::Found(Box::new(Found {
                    panel: panel.id,
                    user,
                })));
            }
            Ok(_) => (),
            Err(err) => {
                log::warn!(
                    "cannot look a linked account up on panel {}: {err:#}",
                    panel.name
                );
                unreachable = true;
            }
        }
    }
    Ok(match unreachable {
        true => Lookup::Unreachable,
        false => Lookup::Missing,
    })
}

/// Compares two secrets in time that depends on their lengths only.
fn same_secret(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    a.len() == b.len() && a.iter().zip(b).fold(0, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Reads a `hy2://` (or `hysteria2://`) URI or a subscription link; `None`
/// if the text is neither.
#[must_use]
pub fn parse_claim(text: &str) -> Option<Claim> {
    let text = text.trim();
    if text.chars().any(char::is_whitespace) {
        return None;
    }
    let (scheme, rest) = text.split_once("://")?;
    match scheme.to_ascii_lowercase().as_str() {
        "hy2" | "hysteria2" => parse_uri(rest),
        "https" | "http" => parse_subscription(rest),
        _ => None,
    }
}

/// `username:password@host...`.
fn parse_uri(rest: &str) -> Option<Claim> {
    let (userinfo, _host) = rest.split_once('@')?;
    let (username, password) = userinfo.split_once(':')?;
    let username = blitz::validate_username(&percent_decode(username)?).ok()?;
    let secret = checked_secret(percent_decode(password)?, 1)?;
    Some(Claim {
        username: Some(username),
        secret,
    })
}

/// `host:port/subpath/.../<token>[#label]`.
fn parse_subscription(rest: &str) -> Option<Claim> {
    let rest = rest.split('#').next()?;
    let rest = rest.split('?').next()?;
    let (_host, path) = rest.split_once('/')?;
    let token = path.trim_end_matches('/').rsplit('/').next()?;
    let secret = checked_secret(percent_decode(token)?, MIN_TOKEN_LEN)?;
    Some(Claim {
        username: None,
        secret,
    })
}

fn checked_secret(secret: String, min_len: usize) -> Option<String> {
    let ok = (min_len..=MAX_SECRET_LEN).contains(&secret.len())
        && secret.chars().all(|it| !it.is_control() && it != '/');
    ok.then_some(secret)
}

/// Decodes `%XX` escapes; `None` on a broken escape or bytes that are not UTF-8.
fn percent_decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut res = Vec::with_capacity(bytes.len());
    let mut idx = 0;
    while idx < bytes.len() {
        match bytes[idx] {
            b'%' => {
                let hex = std::str::from_utf8(bytes.get(idx + 1..idx + 3)?).ok()?;
                res.push(u8::from_str_radix(hex, 16).ok()?);
                idx += 3;
            }
            byte => {
                res.push(byte);
                idx += 1;
            }
        }
    }
    String::from_utf8(res).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(text: &str, expected: Option<(Option<&str>, &str)>) {
        let claim = parse_claim(text);
        let got = claim
            .as_ref()
            .map(|it| (it.username.as_deref(), it.secret.as_str()));
        assert_eq!(got, expected, "{text}");
    }

    #[test]
    fn uris_give_the_name_and_password() {
        check(
            "hy2://TG_1:s3cretPassw0rd@203.0.113.7:8443?mport=1000-2000&sni=example.com#IPv4",
            Some((Some("tg_1"), "s3cretPassw0rd")),
        );
        check(
            "  hysteria2://ali:p%40ss@[2001:db8::1]:443/?insecure=0#de-1 ",
            Some((Some("ali"), "p@ss")),
        );
        check("hy2://ali@host:443", None);
        check("hy2://bad-name:pw@host:443", None);
        check("hy2://ali:@host:443", None);
        check("hy2://ali:pw%4@host:443", None);
    }

    #[test]
    fn subscription_links_give_the_token() {
        check(
            "https://example.com:8443/fakesub/AbCdEf0123456789AbCdEf0123456789#Hysteria2",
            Some((None, "AbCdEf0123456789AbCdEf0123456789")),
        );
        check(
            "https://sub.example.com:2096/s3cr3tpath/sub/normal/AbCdEf0123456789?x=1#ali",
            Some((None, "AbCdEf0123456789")),
        );
        check("https://example.com/short", None);
        check("https://example.com", None);
    }

    #[test]
    fn other_text_is_not_a_claim() {
        for text in [
            "hello",
            "vless://ali:pw@host",
            "hy2://ali:pass word@host",
            "",
        ] {
            check(text, None);
        }
    }

    #[test]
    fn debug_hides_the_secret() {
        let claim = parse_claim("hy2://ali:topsecret1@host:1").unwrap();
        let shown = format!("{claim:?}");
        assert!(!shown.contains("topsecret1"), "{shown}");
    }

    #[test]
    fn secrets_compare_exactly() {
        assert!(same_secret("abc", "abc"));
        assert!(!same_secret("abc", "abd"));
        assert!(!same_secret("abc", "abcd"));
    }
}
