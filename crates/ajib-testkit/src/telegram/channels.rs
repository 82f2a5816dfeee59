//! Channels in the fake and `getChatMember`, as the Bot API answers it for a channel.
//!
//! Sources: the Bot API reference (core.telegram.org/bots/api#getchatmember and #chatmember):
//! the method "is only guaranteed to work for other users if the bot is an administrator in the
//! chat", `chat_id` is an integer or `@channelusername`, and the answer is one of the six
//! `ChatMember` kinds (`creator`, `administrator`, `member`, `restricted` with `is_member`,
//! `left`, `kicked`). The error texts are the ones bots report from the real API (many public
//! bots match on them): "Bad Request: chat not found" for an unknown chat, "Bad Request: member
//! list is inaccessible" when the bot is not an administrator of the channel, and "Bad Request:
//! user not found" for a user id Telegram does not know.
//!
//! Not checked against the real API, so modelled as plainly as possible: a user Telegram knows who
//! never joined is `left` (as bots observe); a missing or non-numeric `user_id` answers "Bad
//! Request: invalid user_id specified"; the ChatMember objects carry only the fields this fake
//! needs plus the required ones of each kind that are booleans or dates (an administrator's
//! rights are all `false` but `can_manage_chat`); the occasional "PARTICIPANT_ID_INVALID" some
//! bots see is not modelled.

use std::collections::{BTreeMap, HashMap};

use serde_json::{Value, json};

use crate::telegram::{
    ChannelStatus, SimUser,
    state::{ApiError, Params},
};

/// The channels the fake knows, by id.
#[derive(Debug, Default)]
pub(super) struct Channels {
    by_id: BTreeMap<i64, Channel>,
}

#[derive(Debug)]
struct Channel {
    /// `@username` without the `@`.
    username: String,
    /// Whether the bot is one of its administrators.
    bot_is_admin: bool,
    /// Users who ever had a status here; anyone else is `left`.
    members: HashMap<i64, ChannelStatus>,
}

/// The first channel id the fake hands out; channel ids are `-100` followed by digits.
const FIRST_CHANNEL_ID: i64 = -1_001_000_000_001;

impl Channels {
    /// Makes a public channel `@username` with the bot as an administrator; returns its id.
    pub(super) fn create(&mut self, username: &str) -> i64 {
        let id = FIRST_CHANNEL_ID - i64::try_from(self.by_id.len()).unwrap_or(0);
        let channel = Channel {
            username: username.trim_start_matches('@').to_owned(),
            bot_is_admin: true,
            members: HashMap::new(),
        };
        self.by_id.insert(id, channel);
        id
    }

    /// The id of the channel `@username` (with or without the `@`), if the fake has it.
    pub(super) fn id_of(&self, username: &str) -> Option<i64> {
        let wanted = username.trim_start_matches('@');
        self.by_id
            .iter()
            .find(|(_, channel)| channel.username.eq_ignore_ascii_case(wanted))
            .map(|(id, _)| *id)
    }

    /// Makes the bot an administrator of the channel, or takes that away.
    pub(super) fn set_bot_admin(&mut self, channel_id: i64, admin: bool) {
        if let Some(channel) = self.by_id.get_mut(&channel_id) {
            channel.bot_is_admin = admin;
        }
    }

    /// Sets a user's status in the channel.
    pub(super) fn set_status(&mut self, channel_id: i64, user_id: i64, status: ChannelStatus) {
        if let Some(channel) = self.by_id.get_mut(&channel_id) {
            channel.members.insert(user_id, status);
        }
    }

    /// Deletes the channel: later calls about it answer "chat not found".
    pub(super) fn delete(&mut self, channel_id: i64) {
        self.by_id.remove(&channel_id);
    }

    /// `getChatMember` for a channel.
    pub(super) fn get_chat_member(
        &self,
        params: &Params,
        users: &HashMap<i64, SimUser>,
    ) -> Result<Value, ApiError> {
        let Some(channel) = self.find(params) else {
            return Err(ApiError::new(400, "Bad Request: chat not found"));
        };
        let user_id = params
            .str("user_id")
            .and_then(|it| it.trim().parse::<i64>().ok())
            .filter(|it| *it > 0)
            .ok_or_else(|| ApiError::new(400, "Bad Request: invalid user_id specified"))?;
        if !channel.bot_is_admin {
            return Err(ApiError::new(
                400,
                "Bad Request: member list is inaccessible",
            ));
        }
        let Some(user) = users.get(&user_id) else {
            return Err(ApiError::new(400, "Bad Request: user not found"));
        };
        let status = channel
            .members
            .get(&user_id)
            .copied()
            .unwrap_or(ChannelStatus::Left);
        Ok(chat_member(user, status))
    }

    /// The channel `chat_id` names: its numeric id, or `@username` (case-insensitive, as Telegram).
    fn find(&self, params: &Params) -> Option<&Channel> {
        let chat = params.str("chat_id")?;
        let chat = chat.trim();
        if let Ok(id) = chat.parse::<i64>() {
            return self.by_id.get(&id);
        }
        let username = chat.strip_prefix('@')?;
        self.by_id
            .values()
            .find(|it| it.username.eq_ignore_ascii_case(username))
    }
}

/// A `ChatMember` object of the kind `status` is.
fn chat_member(user: &SimUser, status: ChannelStatus) -> Value {
    let mut user_json = json!({ "id": user.id, "is_bot": false, "first_name": user.first_name });
    if let Some(username) = &user.username {
        user_json["username"] = json!(username);
    }
    match status {
        ChannelStatus::Creator => {
            json!({ "status": "creator", "user": user_json, "is_anonymous": false })
        }
        ChannelStatus::Administrator => json!({
            "status": "administrator", "user": user_json, "can_be_edited": false,
            "is_anonymous": false, "can_manage_chat": true, "can_delete_messages": false,
            "can_manage_video_chats": false, "can_restrict_members": false,
            "can_promote_members": false, "can_change_info": false, "can_invite_users": false,
            "can_post_stories": false, "can_edit_stories": false, "can_delete_stories": false,
        }),
        ChannelStatus::Member => json!({ "status": "member", "user": user_json }),
        ChannelStatus::Restricted { is_member } => json!({
            "status": "restricted", "user": user_json, "is_member": is_member, "until_date": 0,
            "can_send_messages": false, "can_send_audios": false, "can_send_documents": false,
            "can_send_photos": false, "can_send_videos": false, "can_send_video_notes": false,
            "can_send_voice_notes": false, "can_send_polls": false,
            "can_send_other_messages": false, "can_add_web_page_previews": false,
            "can_change_info": false, "can_invite_users": false, "can_pin_messages": false,
            "can_manage_topics": false,
        }),
        ChannelStatus::Left => json!({ "status": "left", "user": user_json }),
        ChannelStatus::Kicked => json!({ "status": "kicked", "user": user_json, "until_date": 0 }),
    }
}
