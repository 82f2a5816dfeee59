//! Typed client for the Blitz (Hysteria2) panel HTTP API.
//!
//! Not AJIB-specific: it has no idea what an order or a plan is, and it never
//! retries; the caller owns retries and backoff.
#![warn(missing_docs)]
