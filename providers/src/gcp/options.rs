//! What to scan and how: the options a caller (the CLI, a config file) fills in.

use std::time::Duration;

/// The default bound on API calls in flight at once, over all projects.
pub const DEFAULT_MAX_CONCURRENCY: usize = 32;
/// The default time one API call may take, retries included.
pub const DEFAULT_CALL_TIMEOUT: Duration = Duration::from_secs(60);
/// Buckets asked for per ListBuckets page (the service's maximum is 1,000).
pub const DEFAULT_PAGE_SIZE: i32 = 1000;
/// The most attempts of one call (the first one and its retries).
pub const DEFAULT_MAX_ATTEMPTS: u32 = 5;

/// Options of a live Cloud Storage collection.
#[derive(Debug, Clone)]
pub struct GcpScanOptions {
    /// Projects to scan (`--project`, `[gcp] projects`), by id (`acme-prod`) or number.
    pub projects: Vec<String>,
    /// Endpoint override (`--gcp-endpoint`) for emulators, stand-ins and private endpoints
    /// (`https://storage.googleapis.com` when `None`).
    pub endpoint: Option<String>,
    /// Send no credentials at all (`--gcp-anonymous`); only for emulators and stand-ins.
    pub anonymous: bool,
    /// The most API calls in flight at once, over all projects (`--max-concurrency`).
    pub max_concurrency: usize,
    /// The longest one API call may take, retries included.
    pub call_timeout: Duration,
    /// The most attempts of one call, retries included.
    pub max_attempts: u32,
    /// Buckets per ListBuckets page.
    pub page_size: i32,
    /// The longest the whole collection may take (`--timeout`); units still running then
    /// are recorded as `failed { kind: timeout }`.
    pub overall_timeout: Option<Duration>,
    /// Scan only this share of `projects` (`--shard I/N`). `None` scans them all.
    pub shard: Option<crate::model::shard::Shard>,
}

impl Default for GcpScanOptions {
    fn default() -> Self {
        GcpScanOptions {
            projects: Vec::new(),
            endpoint: None,
            anonymous: false,
            max_concurrency: DEFAULT_MAX_CONCURRENCY,
            call_timeout: DEFAULT_CALL_TIMEOUT,
            max_attempts: DEFAULT_MAX_ATTEMPTS,
            page_size: DEFAULT_PAGE_SIZE,
            overall_timeout: None,
            shard: None,
        }
    }
}

/// Checks what the types cannot; the message names the offending value.
pub(crate) fn validate(options: &GcpScanOptions) -> Result<(), String> {
    if options.projects.is_empty() {
        return Err("no project to scan".to_string());
    }
    for project in &options.projects {
        if !is_project_id(project) {
            return Err(format!(
                "{project:?} is not a Google Cloud project id or number (lowercase letters, \
                 digits and hyphens, e.g. acme-prod, optionally with a domain prefix \
                 example.com:acme-prod)"
            ));
        }
    }
    if options.max_concurrency == 0 {
        return Err("max concurrency must be at least 1".to_string());
    }
    if options.max_attempts == 0 {
        return Err("max attempts must be at least 1".to_string());
    }
    if !(1..=1000).contains(&options.page_size) {
        return Err(format!(
            "page size {} is outside 1..=1000",
            options.page_size
        ));
    }
    if let Some(endpoint) = &options.endpoint {
        if !(endpoint.starts_with("http://") || endpoint.starts_with("https://")) {
            return Err(format!(
                "endpoint {endpoint:?} must be an http:// or https:// URL"
            ));
        }
    }
    Ok(())
}

/// A project id (`acme-prod`, `example.com:acme-prod`) or number (`123456789012`).
pub(crate) fn is_project_id(value: &str) -> bool {
    let id = match value.rsplit_once(':') {
        Some((domain, id)) => {
            if domain.is_empty()
                || !domain
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '.' || c == '-')
            {
                return false;
            }
            id
        }
        None => value,
    };
    !id.is_empty()
        && id.len() <= 63
        && id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && !id.starts_with('-')
        && !id.ends_with('-')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn project_ids() {
        for good in ["acme-prod", "123456789012", "example.com:acme-prod", "a1"] {
            assert!(is_project_id(good), "{good}");
        }
        for bad in [
            "",
            "Acme",
            "projects/acme",
            "acme prod",
            "-acme",
            "acme-",
            ":acme",
            "a/b",
        ] {
            assert!(!is_project_id(bad), "{bad}");
        }
    }

    #[test]
    fn validation_names_the_problem() {
        let mut options = GcpScanOptions::default();
        assert_eq!(validate(&options).unwrap_err(), "no project to scan");
        options.projects = vec!["projects/acme".to_string()];
        assert!(validate(&options)
            .unwrap_err()
            .contains("\"projects/acme\""));
        options.projects = vec!["acme".to_string()];
        options.endpoint = Some("localhost:1234".to_string());
        assert!(validate(&options).unwrap_err().contains("http://"));
        options.endpoint = Some("http://127.0.0.1:1234".to_string());
        assert!(validate(&options).is_ok());
        options.page_size = 0;
        assert!(validate(&options).unwrap_err().contains("page size"));
    }
}
