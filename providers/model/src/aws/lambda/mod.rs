//! AWS Lambda resources (collected per region).

mod function;

pub use function::*;
