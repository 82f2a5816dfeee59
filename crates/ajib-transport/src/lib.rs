//! AJIB's Telegram side: update sources in, a rate-limited message queue out.
//!
//! It does not decide what to say; handlers in `ajib-bot` do.
