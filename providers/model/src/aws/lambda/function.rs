use crate::PolicyDocument;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// A Lambda function (`ListFunctions`) with its resource-based policy (`GetPolicy`) and
/// its function URL (`GetFunctionUrlConfig`), both of the unqualified function.
///
/// The function's environment variables, which `ListFunctions` returns and which often
/// hold secrets, are never kept. The policy and the URL are read by calls of their own;
/// each has a coverage-only kind (`lambda_function_policy`, `lambda_function_url`), so a
/// failed read leaves that field `None` with a gap narrowed to the function. "No policy"
/// and "no URL" (`ResourceNotFoundException`) are values, not gaps.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LambdaFunction {
    /// The function's name.
    pub function_name: String,
    /// `Zip` or `Image` (`PackageType`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub package_type: Option<String>,
    /// The runtime identifier (`python3.12`, `nodejs22.x`, `provided.al2023`); `None` for
    /// container-image functions, which bring their own.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub runtime: Option<String>,
    /// The execution role's ARN.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
    /// When the function's code or configuration last changed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_modified: Option<DateTime<Utc>>,
    /// The resource-based policy (`GetPolicy`); `None` when that call failed (a narrowed
    /// `lambda_function_policy` gap says so).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub policy: Option<LambdaPolicyState>,
    /// The function URL (`GetFunctionUrlConfig`); `None` when that call failed (a narrowed
    /// `lambda_function_url` gap says so).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub function_url: Option<LambdaFunctionUrlState>,
}

impl LambdaFunction {
    /// The `package_type` of container-image functions.
    pub const IMAGE: &'static str = "Image";

    /// Whether the function is a container image (which has no managed runtime).
    pub fn is_image(&self) -> bool {
        self.package_type.as_deref() == Some(Self::IMAGE)
    }
}

/// A function's resource-based policy, or that it has none.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case", deny_unknown_fields)]
pub enum LambdaPolicyState {
    /// The function has no resource-based policy (`ResourceNotFoundException`).
    None,
    /// The function's policy document.
    Set {
        /// The document.
        document: PolicyDocument,
    },
}

impl LambdaPolicyState {
    /// The document, if the function has one.
    pub fn document(&self) -> Option<&PolicyDocument> {
        match self {
            LambdaPolicyState::None => None,
            LambdaPolicyState::Set { document } => Some(document),
        }
    }
}

/// A function's URL, or that it has none.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case", deny_unknown_fields)]
pub enum LambdaFunctionUrlState {
    /// The function has no URL (`ResourceNotFoundException`).
    None,
    /// The function's URL.
    Set {
        /// `NONE` (anyone can call it) or `AWS_IAM` (`AuthType`).
        auth_type: String,
        /// The URL (`None` on a Terraform plan before apply).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        url: Option<String>,
    },
}
