//! Fake blitz server.
