//! Integration tests of ajib-app that need no running bot: hostile inputs to its parsers.

mod hostile;

use ajib_testkit::hostile::check as check_hostile;
