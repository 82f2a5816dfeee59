//! AJIB's domain: the pure types and rules of selling VPN plans.
//!
//! It does no I/O, reads no clock and derives no serde: callers pass `now`
//! in and convert to and from wire or row types by hand.
#![warn(missing_docs)]
