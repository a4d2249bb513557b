//! Small conversions from SDK values to model values.

use super::errors::CallFailure;
use crate::snapshot::FailureKind;
use chrono::{DateTime, Utc};
use std::collections::BTreeMap;

/// A smithy timestamp as a chrono time.
pub(crate) fn time(value: &aws_smithy_types::DateTime) -> Option<DateTime<Utc>> {
    DateTime::from_timestamp(value.secs(), value.subsec_nanos())
}

/// An ISO 8601 text timestamp (`2024-05-01T10:00:00.000Z`, as `DescribeImages` gives it).
pub(crate) fn parse_time(text: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(text)
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

/// Tags as a map, and the `Name` tag.
pub(crate) fn tags<'a>(
    pairs: impl IntoIterator<Item = (Option<&'a str>, Option<&'a str>)>,
) -> (Option<String>, BTreeMap<String, String>) {
    let map: BTreeMap<String, String> = pairs
        .into_iter()
        .filter_map(|(k, v)| Some((k?.to_string(), v.unwrap_or_default().to_string())))
        .collect();
    (map.get("Name").filter(|n| !n.is_empty()).cloned(), map)
}

/// A field AWS always returns, or a failure naming it.
pub(crate) fn required<T>(
    value: Option<T>,
    scope: &str,
    operation: &str,
    field: &str,
) -> Result<T, CallFailure> {
    value.ok_or_else(|| {
        CallFailure::new(
            FailureKind::Error,
            format!("{scope} {operation}: the response lacks {field}"),
        )
    })
}
