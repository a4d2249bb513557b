//! IAM policy documents, parsed the way IAM writes them.
//!
//! IAM returns documents URL-encoded (`%7B%22Version%22…`); `Statement` may be one object or
//! an array; `Action`, `NotAction`, `Resource` and `NotResource` may be a string or an array.
//! [`PolicyDocument`] accepts all of these (from a JSON object, a JSON string, or a
//! URL-encoded JSON string) and always serialises in one normal form: an object whose
//! `Statement` is an array.

use serde::de::{self, Deserializer};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A parsed IAM policy document.
#[derive(Debug, Clone, PartialEq, Serialize, Default)]
pub struct PolicyDocument {
    /// `Version`, normally `2012-10-17`.
    #[serde(rename = "Version", default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// Statements, in document order.
    #[serde(rename = "Statement")]
    pub statements: Vec<PolicyStatement>,
}

/// Effect of a statement.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Effect {
    /// Grants.
    Allow,
    /// Denies (wins over any allow).
    Deny,
}

/// One statement of a policy document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PolicyStatement {
    /// Statement id.
    #[serde(rename = "Sid", default, skip_serializing_if = "Option::is_none")]
    pub sid: Option<String>,
    /// Allow or Deny.
    #[serde(rename = "Effect")]
    pub effect: Effect,
    /// `Action` patterns (`s3:GetObject`, `ec2:*`, `*`).
    #[serde(
        rename = "Action",
        default,
        deserialize_with = "one_or_many",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub action: Vec<String>,
    /// `NotAction` patterns.
    #[serde(
        rename = "NotAction",
        default,
        deserialize_with = "one_or_many",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub not_action: Vec<String>,
    /// `Resource` patterns.
    #[serde(
        rename = "Resource",
        default,
        deserialize_with = "one_or_many",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub resource: Vec<String>,
    /// `NotResource` patterns.
    #[serde(
        rename = "NotResource",
        default,
        deserialize_with = "one_or_many",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub not_resource: Vec<String>,
    /// `Principal` (trust and resource policies), kept as written.
    #[serde(rename = "Principal", default, skip_serializing_if = "Option::is_none")]
    pub principal: Option<serde_json::Value>,
    /// `NotPrincipal`, kept as written.
    #[serde(
        rename = "NotPrincipal",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub not_principal: Option<serde_json::Value>,
    /// `Condition` block: operator → key → values.
    #[serde(rename = "Condition", default, skip_serializing_if = "Option::is_none")]
    pub condition: Option<BTreeMap<String, serde_json::Value>>,
}

impl PolicyStatement {
    /// Whether the statement is an unconditioned `Allow` of every action (`*` or `*:*`) on
    /// every resource (`*`): full administrator access.
    pub fn grants_full_admin(&self) -> bool {
        self.effect == Effect::Allow
            && self.condition.as_ref().is_none_or(|c| c.is_empty())
            && self.action.iter().any(|a| a == "*" || a == "*:*")
            && self.resource.iter().any(|r| r == "*")
    }
}

/// Why a policy document could not be parsed.
#[derive(Debug, thiserror::Error)]
pub enum PolicyParseError {
    /// The URL-encoding was not valid UTF-8 once decoded.
    #[error("policy document is not valid UTF-8 after URL-decoding")]
    Encoding,
    /// The JSON was malformed or not a policy.
    #[error("policy document is not a valid IAM policy: {0}")]
    Json(#[from] serde_json::Error),
}

impl PolicyDocument {
    /// Parses a document as IAM returns it: URL-encoded JSON, or plain JSON.
    pub fn parse(text: &str) -> Result<Self, PolicyParseError> {
        let trimmed = text.trim_start();
        if trimmed.starts_with('{') {
            return Ok(serde_json::from_str(trimmed)?);
        }
        let decoded = percent_encoding::percent_decode_str(trimmed)
            .decode_utf8()
            .map_err(|_| PolicyParseError::Encoding)?;
        Ok(serde_json::from_str(&decoded)?)
    }

    /// Statements that grant full administrator access.
    pub fn full_admin_statements(&self) -> impl Iterator<Item = &PolicyStatement> {
        self.statements.iter().filter(|s| s.grants_full_admin())
    }
}

#[derive(Deserialize)]
struct RawDocument {
    #[serde(rename = "Version", default)]
    version: Option<String>,
    #[serde(rename = "Id", default)]
    _id: Option<String>,
    #[serde(rename = "Statement")]
    statement: OneOrMany<PolicyStatement>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum OneOrMany<T> {
    One(T),
    Many(Vec<T>),
}

impl<T> From<OneOrMany<T>> for Vec<T> {
    fn from(value: OneOrMany<T>) -> Self {
        match value {
            OneOrMany::One(one) => vec![one],
            OneOrMany::Many(many) => many,
        }
    }
}

fn one_or_many<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<String>, D::Error> {
    Ok(OneOrMany::<String>::deserialize(deserializer)?.into())
}

impl<'de> Deserialize<'de> for PolicyDocument {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Form {
            // Boxed: a raw document is far larger than the string form.
            Object(Box<RawDocument>),
            Text(String),
        }
        match Form::deserialize(deserializer).map_err(|_| {
            de::Error::custom(
                "expected an IAM policy document: an object with a Statement, or that JSON as a (URL-encoded) string",
            )
        })? {
            Form::Object(raw) => {
                let RawDocument {
                    version, statement, ..
                } = *raw;
                Ok(PolicyDocument {
                    version,
                    statements: statement.into(),
                })
            }
            Form::Text(text) => PolicyDocument::parse(&text).map_err(de::Error::custom),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_url_encoded_single_statement_with_string_fields() {
        let encoded = "%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%7B%22Effect%22%3A%22Allow%22%2C%22Action%22%3A%22%2A%22%2C%22Resource%22%3A%22%2A%22%7D%7D";
        let doc = PolicyDocument::parse(encoded).expect("parses");
        assert_eq!(doc.statements.len(), 1);
        assert_eq!(doc.statements[0].action, vec!["*"]);
        assert!(doc.statements[0].grants_full_admin());
    }

    #[test]
    fn parses_arrays_and_not_action() {
        let doc: PolicyDocument = serde_json::from_str(
            r#"{"Version":"2012-10-17","Statement":[
                {"Effect":"Allow","NotAction":["iam:*"],"Resource":"*"},
                {"Effect":"Allow","Action":["*"],"Resource":["*"],"Condition":{"Bool":{"aws:MultiFactorAuthPresent":"true"}}}
            ]}"#,
        )
        .expect("parses");
        assert_eq!(doc.statements[0].not_action, vec!["iam:*"]);
        assert!(
            !doc.statements[0].grants_full_admin(),
            "NotAction is not a full grant"
        );
        assert!(!doc.statements[1].grants_full_admin(), "conditioned");
    }

    #[test]
    fn accepts_document_as_json_string_and_rejects_garbage() {
        let doc: PolicyDocument = serde_json::from_str(
            r#""{\"Statement\":{\"Effect\":\"Deny\",\"Action\":\"*\",\"Resource\":\"*\"}}""#,
        )
        .expect("parses");
        assert_eq!(doc.statements[0].effect, Effect::Deny);
        assert!(serde_json::from_str::<PolicyDocument>(r#"{"Statement":5}"#).is_err());
        assert!(PolicyDocument::parse("%7Bnot json").is_err());
    }

    #[test]
    fn serialises_in_normal_form() {
        let doc = PolicyDocument::parse(
            r#"{"Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}}"#,
        )
        .expect("parses");
        let json = serde_json::to_value(&doc).expect("serialises");
        assert!(json["Statement"].is_array());
        let again: PolicyDocument = serde_json::from_value(json).expect("round trip");
        assert_eq!(again, doc);
    }
}
