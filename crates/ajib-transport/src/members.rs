//! `getChatMember`: a user's standing in a chat, as the required channel check needs it.
//!
//! The statuses are the Bot API's `ChatMember` kinds (core.telegram.org/bots/api#chatmember):
//! `creator`, `administrator`, `member`, `restricted` (with `is_member`), `left` and `kicked`.

use serde_json::{Value, json};

use crate::{api::TelegramApi, error::Error};

/// A user's status in a chat, from `getChatMember`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChatMemberStatus {
    /// The chat's owner (`creator`).
    Creator,
    /// An administrator (`administrator`).
    Administrator,
    /// An ordinary member (`member`).
    Member,
    /// Restricted (`restricted`); `is_member` says whether they are in the chat now.
    Restricted {
        /// True if the user is a member of the chat at the moment of the request.
        is_member: bool,
    },
    /// Not in the chat (`left`).
    Left,
    /// Banned from the chat (`kicked`).
    Kicked,
}

impl ChatMemberStatus {
    /// Whether the user is in the chat now: owner, administrator, member, or restricted but still in it.
    #[must_use]
    pub fn is_member(self) -> bool {
        match self {
            Self::Creator | Self::Administrator | Self::Member => true,
            Self::Restricted { is_member } => is_member,
            Self::Left | Self::Kicked => false,
        }
    }

    /// Reads a `ChatMember` object; `None` if its `status` is not one the Bot API documents.
    #[must_use]
    pub fn from_json(member: &Value) -> Option<Self> {
        let res = match member["status"].as_str()? {
            "creator" => Self::Creator,
            "administrator" => Self::Administrator,
            "member" => Self::Member,
            "restricted" => Self::Restricted {
                is_member: member["is_member"].as_bool()?,
            },
            "left" => Self::Left,
            "kicked" => Self::Kicked,
            _ => return None,
        };
        Some(res)
    }
}

impl TelegramApi {
    /// The status of `user_id` in `chat`: a channel's `@username` or a numeric chat id such as
    /// `-1001234567890`. For a channel the bot must be one of its administrators, or Telegram
    /// answers "Bad Request: member list is inaccessible".
    pub fn get_chat_member(&self, chat: &str, user_id: i64) -> Result<ChatMemberStatus, Error> {
        let chat_id = match chat.parse::<i64>() {
            Ok(id) => json!(id),
            Err(_) => json!(chat),
        };
        let member = self.call(
            "getChatMember",
            json!({ "chat_id": chat_id, "user_id": user_id }),
        )?;
        ChatMemberStatus::from_json(&member).ok_or_else(|| Error::Decode {
            raw: member.to_string(),
        })
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::ChatMemberStatus;

    fn check(member: serde_json::Value, expected: Option<(ChatMemberStatus, bool)>) {
        let status = ChatMemberStatus::from_json(&member);
        assert_eq!(status.map(|it| (it, it.is_member())), expected, "{member}");
    }

    #[test]
    fn reads_every_documented_status() {
        check(
            json!({"status": "creator"}),
            Some((ChatMemberStatus::Creator, true)),
        );
        check(
            json!({"status": "administrator"}),
            Some((ChatMemberStatus::Administrator, true)),
        );
        check(
            json!({"status": "member"}),
            Some((ChatMemberStatus::Member, true)),
        );
        check(
            json!({"status": "restricted", "is_member": true}),
            Some((ChatMemberStatus::Restricted { is_member: true }, true)),
        );
        check(
            json!({"status": "restricted", "is_member": false}),
            Some((ChatMemberStatus::Restricted { is_member: false }, false)),
        );
        check(
            json!({"status": "left"}),
            Some((ChatMemberStatus::Left, false)),
        );
        check(
            json!({"status": "kicked"}),
            Some((ChatMemberStatus::Kicked, false)),
        );
    }

    #[test]
    fn refuses_what_is_not_documented() {
        check(json!({"status": "restricted"}), None);
        check(json!({"status": "owner"}), None);
        check(json!({"status": 1}), None);
        check(json!({}), None);
    }
}
