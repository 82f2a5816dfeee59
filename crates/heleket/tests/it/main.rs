//! Integration tests: the client and webhook verification against the fake Heleket over real HTTP.

mod api;
mod support;
mod webhooks;
