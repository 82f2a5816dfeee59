//! Integration tests: the client and webhook verification against the fake Heleket over real HTTP.

mod api;
mod hostile;
mod support;
mod webhooks;

use ajib_testkit::hostile::check as check_hostile;
