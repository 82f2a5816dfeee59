//! Typed client for the Heleket crypto payment API, with webhook verification.
//!
//! Not AJIB-specific: it knows nothing of orders, plans or SQLite.
#![warn(missing_docs)]
