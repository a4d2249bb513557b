//! Mappings of the Google provider's types, one module per service.

pub(super) mod storage;
