//! Building inline keyboards from typed callbacks.

use ajib_transport::{CallbackData, InlineButton, Keyboard};

use crate::callback::Callback;

/// A callback button for `callback`.
#[must_use]
pub fn button(text: String, callback: Callback) -> InlineButton {
    let wire = callback.encode();
    match CallbackData::new(&wire) {
        Ok(data) => InlineButton::Callback { text, data },
        Err(err) => {
            // Every callback encodes within 64 bytes (`callback::tests` proves it), so this
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
