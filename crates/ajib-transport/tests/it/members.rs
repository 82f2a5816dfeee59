//! `getChatMember` against the fake Bot API: every status, and the errors a required channel meets.

use ajib_testkit::telegram::{ChannelStatus, FakeTelegram};
use ajib_transport::{ChatMemberStatus, Error};

use crate::{api, user};

const CHANNEL: &str = "@ajib_news";

/// The fake with users 1 and 2 and the channel; returns the channel's id too.
fn fake_with_channel() -> (FakeTelegram, i64) {
    let fake = FakeTelegram::start();
    fake.add_user(&user(1));
    fake.add_user(&user(2));
    let channel = fake.create_channel(CHANNEL);
    (fake, channel)
}

/// What `getChatMember` answers for user 1, asked by `@username` and by id alike.
fn check_status(status: ChannelStatus, expected: ChatMemberStatus) {
    let (fake, channel) = fake_with_channel();
    fake.set_channel_status(channel, 1, status);
    let api = api(&fake);
    assert_eq!(api.get_chat_member(CHANNEL, 1).unwrap(), expected);
    assert_eq!(
        api.get_chat_member(&channel.to_string(), 1).unwrap(),
        expected
    );
}

/// The Bad Request `api` gets for `chat` and `user_id`.
fn check_refused(fake: &FakeTelegram, chat: &str, user_id: i64, expected: &str) {
    match api(fake).get_chat_member(chat, user_id) {
        Err(Error::Api {
            code: 400,
            description,
            ..
        }) => assert_eq!(description, expected),
        other => panic!("{chat} {user_id}: expected 400 {expected:?}, got {other:?}"),
    }
}

#[test]
fn every_status_reads_back() {
    check_status(ChannelStatus::Creator, ChatMemberStatus::Creator);
    check_status(
        ChannelStatus::Administrator,
        ChatMemberStatus::Administrator,
    );
    check_status(ChannelStatus::Member, ChatMemberStatus::Member);
    check_status(
        ChannelStatus::Restricted { is_member: true },
        ChatMemberStatus::Restricted { is_member: true },
    );
    check_status(
        ChannelStatus::Restricted { is_member: false },
        ChatMemberStatus::Restricted { is_member: false },
    );
    check_status(ChannelStatus::Left, ChatMemberStatus::Left);
    check_status(ChannelStatus::Kicked, ChatMemberStatus::Kicked);
}

#[test]
fn joining_and_leaving_show_at_once_and_usernames_ignore_case() {
    let (fake, channel) = fake_with_channel();
    let api = api(&fake);
    assert_eq!(
        api.get_chat_member(CHANNEL, 2).unwrap(),
        ChatMemberStatus::Left
    );
    fake.join_channel(channel, 2);
    assert!(api.get_chat_member("@AJIB_News", 2).unwrap().is_member());
    fake.leave_channel(channel, 2);
    assert!(!api.get_chat_member(CHANNEL, 2).unwrap().is_member());
    assert_eq!(fake.request_count("getchatmember"), 3);
}

#[test]
fn errors_are_telegrams() {
    let (fake, channel) = fake_with_channel();
    check_refused(&fake, "@no_such_channel", 1, "Bad Request: chat not found");
    check_refused(&fake, "-1001", 1, "Bad Request: chat not found");
    check_refused(&fake, CHANNEL, 999, "Bad Request: user not found");
    fake.set_bot_channel_admin(channel, false);
    check_refused(
        &fake,
        CHANNEL,
        1,
        "Bad Request: member list is inaccessible",
    );
    fake.set_bot_channel_admin(channel, true);
    fake.join_channel(channel, 1);
    assert!(api(&fake).get_chat_member(CHANNEL, 1).unwrap().is_member());
    fake.delete_channel(channel);
    check_refused(&fake, CHANNEL, 1, "Bad Request: chat not found");
}
