//! Google Cloud resource kinds, one file per kind under the service's folder.

pub mod gcs;
