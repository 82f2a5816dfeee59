//! AJIB's user-facing texts: Fluent catalogues for English and Persian.
//!
//! It formats messages; it does not decide which message to send.
