//! The AJIB bot service.

fn main() {}
