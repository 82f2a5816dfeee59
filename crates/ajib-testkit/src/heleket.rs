//! Fake heleket server.
