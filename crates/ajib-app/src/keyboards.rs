//! Building inline keyboards from typed callbacks.

use ajib_domain::Lang;
use ajib_transport::{CallbackData, InlineButton, Keyboard};

use crate::{
    callback::{Callback, MAX_PAGE, Page},
    deps::Deps,
    role::Role,
};

/// A callback button for `callback`.
#[must_use]
pub fn button(text: String, callback: Callback) -> InlineButton {
    data_button(text, callback.encode())
}

/// A button carrying the wire form `wire` (a [`Callback`]'s, or an agent bot's tap).
#[must_use]
pub fn data_button(text: String, wire: String) -> InlineButton {
    match CallbackData::new(&wire) {
        Ok(data) => InlineButton::Callback { text, data },
        Err(err) => {
            // Every callback and tap encodes within 64 bytes (their tests prove it), so this
            // only guards a future edit; a dead link beats a panic in front of a user.
            log::error!("callback {wire:?} is not valid callback data: {err}");
            InlineButton::Url {
                text,
                url: "https://telegram.org".to_owned(),
            }
        }
    }
}

/// A button that opens a link.
#[must_use]
pub fn link(text: String, url: String) -> InlineButton {
    InlineButton::Url { text, url }
}

/// An inline keyboard from rows of buttons.
#[must_use]
pub fn inline(rows: Vec<Vec<InlineButton>>) -> Keyboard {
    Keyboard::Inline(rows)
}

/// Drops the buttons a support admin may not press, so their screens show only what works.
#[must_use]
pub fn for_support(rows: Vec<Vec<InlineButton>>) -> Vec<Vec<InlineButton>> {
    let allowed = |button: &InlineButton| match button {
        InlineButton::Url { .. } => true,
        InlineButton::Callback { data, .. } => {
            Callback::decode(data.as_str()).is_some_and(|it| Role::Support.allows(it.access()))
        }
    };
    rows.into_iter()
        .map(|row| row.into_iter().filter(|it| allowed(it)).collect::<Vec<_>>())
        .filter(|row| !row.is_empty())
        .collect()
}

/// A "back to the menu" keyboard.
#[must_use]
pub fn menu_only(deps: &Deps, lang: Lang) -> Keyboard {
    inline(vec![vec![button(
        deps.t(lang, "btn-menu", &[]),
        Callback::Menu,
    )]])
}

/// ◀️ and ▶️ between the pages of a list: to `page - 1` unless on the first,
/// to `page + 1` when `more` follow; empty when there is nowhere to go.
#[must_use]
pub fn pager(page: Page, more: bool, to: impl Fn(Page) -> Callback) -> Vec<InlineButton> {
    let mut nav = Vec::new();
    if page.0 > 0 {
        nav.push(button("◀️".to_owned(), to(Page(page.0 - 1))));
    }
    if more && page.0 < MAX_PAGE {
        nav.push(button("▶️".to_owned(), to(Page(page.0 + 1))));
    }
    nav
}

#[cfg(test)]
mod tests {
    use ajib_domain::TelegramId;

    use super::*;

    #[test]
    fn support_keeps_only_what_it_may_press() {
        let rows = vec![
            vec![button("ban".to_owned(), Callback::AdminBan(TelegramId(1)))],
            vec![button(
                "message".to_owned(),
                Callback::AdminMessage(TelegramId(1)),
            )],
            vec![
                button("back".to_owned(), Callback::Admin),
                link("site".to_owned(), "https://x".to_owned()),
            ],
        ];
        let kept: Vec<Vec<String>> = for_support(rows)
            .iter()
            .map(|row| {
                row.iter()
                    .map(|it| match it {
                        InlineButton::Callback { text, .. } | InlineButton::Url { text, .. } => {
                            text.clone()
                        }
                    })
                    .collect()
            })
            .collect();
        assert_eq!(kept, [vec!["message"], vec!["back", "site"]]);
    }
}
