//! The AJIB operator command line.

fn main() {}
