//! Rules for Google Cloud.

pub mod gcs;
