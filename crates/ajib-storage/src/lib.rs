//! AJIB's SQLite storage: migrations, repositories, durable jobs and backups.
//!
//! It knows nothing of Telegram, Blitz or Heleket; it stores domain values.
