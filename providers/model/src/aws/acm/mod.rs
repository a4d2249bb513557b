//! AWS Certificate Manager resources (collected per region).

mod acm_certificate;

pub use acm_certificate::*;
