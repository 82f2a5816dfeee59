//! Integration tests of ajib-config: the documented variables, and hostile values.

mod env_example;
mod hostile;

use ajib_testkit::hostile::check as check_hostile;
