//! AJIB development tasks.

fn main() {}
