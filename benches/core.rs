//! Native core throughput (placeholder; filled in below).
fn main() {}
