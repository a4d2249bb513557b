//! S3 collection: the account's buckets (one listing for the account, then every bucket
//! read in its own region) and the account's Block Public Access setting (S3 Control).
//!
//! A bucket is read with seven calls, run concurrently — ACL, policy, Block Public Access,
//! default encryption, versioning, logging and Object Ownership — plus `GetBucketLocation`
//! where `ListBuckets` gives no region. Each part fills one field of [`S3Bucket`] that one
//! coverage-only kind stands for (`s3_bucket_policy`, …): a failed read of one part of one
//! bucket becomes a gap narrowed to that bucket and that part, so only the rules that read
//! it are not evaluated there. S3's "not configured" answers (`NoSuchBucketPolicy`,
//! `NoSuchPublicAccessBlockConfiguration`, `ServerSideEncryptionConfigurationNotFoundError`,
//! `OwnershipControlsNotFoundError`) are values, not failures; a bucket deleted between the
//! listing and its reads (`NoSuchBucket`) is left out, as it no longer exists.

use super::convert::time;
use super::errors::CallFailure;
use super::service::{AwsService, Collected, Job, PageEnd, ScopeContext, ServiceScope};
use crate::model::*;
use aws_config::Region;
use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;
use futures::future::join_all;
use std::collections::BTreeMap;
use std::future::Future;
use std::sync::atomic::{AtomicBool, Ordering};

/// The S3 service: listed once per account.
pub(crate) struct S3;

/// The per-bucket parts: the coverage-only kind each stands for.
const PARTS: [ResourceKind; 7] = [
    ResourceKind::S3BucketAcl,
    ResourceKind::S3BucketPolicy,
    ResourceKind::S3BucketPublicAccessBlock,
    ResourceKind::S3BucketEncryption,
    ResourceKind::S3BucketVersioning,
    ResourceKind::S3BucketLogging,
    ResourceKind::S3BucketOwnershipControls,
];

/// The S3 kinds, in coverage order.
const KINDS: &[ResourceKind] = &[
    ResourceKind::S3Bucket,
    ResourceKind::S3BucketAcl,
    ResourceKind::S3BucketPolicy,
    ResourceKind::S3BucketPublicAccessBlock,
    ResourceKind::S3BucketEncryption,
    ResourceKind::S3BucketVersioning,
    ResourceKind::S3BucketLogging,
    ResourceKind::S3BucketOwnershipControls,
    ResourceKind::S3AccountPublicAccessBlock,
];

impl AwsService for S3 {
    fn name(&self) -> &'static str {
        "s3"
    }

    fn scope(&self) -> ServiceScope {
        ServiceScope::Account
    }

    fn kinds(&self) -> &'static [ResourceKind] {
        KINDS
    }

    fn actions(&self) -> &'static [&'static str] {
        &[
            "s3:ListAllMyBuckets",
            "s3:GetBucketLocation",
            "s3:GetBucketAcl",
            "s3:GetBucketPolicy",
            "s3:GetBucketPublicAccessBlock",
            "s3:GetEncryptionConfiguration",
            "s3:GetBucketVersioning",
            "s3:GetBucketLogging",
            "s3:GetBucketOwnershipControls",
            "s3:GetAccountPublicAccessBlock",
        ]
    }

    fn jobs(&self, ctx: ScopeContext) -> Vec<Job> {
        let account_ctx = ctx.clone();
        let mut bucket_kinds = vec![ResourceKind::S3Bucket];
        bucket_kinds.extend(PARTS);
        vec![
            Job::several(&bucket_kinds, async move {
                bucket_kinds_of(buckets(&ctx).await)
            }),
            Job::one(ResourceKind::S3AccountPublicAccessBlock, async move {
                account_public_access_block(&account_ctx).await
            }),
        ]
    }
}

/// The bucket listing's result for the bucket kind and every part kind: the parts' units
/// are collected when the listing was (their failures are narrowed to buckets), and fail
/// with it.
fn bucket_kinds_of(listing: Collected) -> Vec<(ResourceKind, Collected)> {
    let mut out = Vec::with_capacity(1 + PARTS.len());
    match listing {
        Ok(buckets) => {
            out.push((ResourceKind::S3Bucket, Ok(buckets)));
            out.extend(PARTS.iter().map(|&part| (part, Ok(Vec::new()))));
        }
        Err(failure) => {
            out.push((ResourceKind::S3Bucket, Err(failure.clone())));
            out.extend(PARTS.iter().map(|&part| (part, Err(failure.clone()))));
        }
    }
    out
}

/// An S3 client for one region. Against a custom endpoint (an emulator, a VPC endpoint by
/// URL) buckets are addressed by path, since the endpoint's host has no bucket subdomains.
fn s3_client(ctx: &ScopeContext, region: &str) -> aws_sdk_s3::Client {
    let mut builder = aws_sdk_s3::config::Builder::from(&ctx.config)
        .region(Region::new(region.to_string()))
        .interceptor(ctx.counter.clone())
        .retry_partition(super::calls::retry_partition());
    if ctx.config.endpoint_url().is_some() {
        builder = builder.force_path_style(true);
    }
    aws_sdk_s3::Client::from_conf(builder.build())
}

/// The largest page `ListBuckets` returns.
const PAGE_SIZE: i32 = 10_000;

/// A bucket as listed: name, creation date and region when S3 gave it.
struct Listed {
    name: String,
    creation_date: Option<chrono::DateTime<chrono::Utc>>,
    region: Option<String>,
}

/// Lists the buckets, then reads every bucket's parts in its region.
async fn buckets(ctx: &ScopeContext) -> Collected {
    const OP: &str = "s3:ListAllMyBuckets";
    // ListBuckets is answered by any region; the configured one is as good as any.
    let home = ctx
        .config
        .region()
        .map(|r| r.to_string())
        .unwrap_or_else(|| "us-east-1".to_string());
    let lister = s3_client(ctx, &home);
    let listed: Vec<Listed> = super::service::paginate(
        ctx,
        OP,
        |token| {
            lister
                .list_buckets()
                .max_buckets(PAGE_SIZE)
                .set_continuation_token(token)
                .send()
        },
        |page, out| {
            for bucket in page.buckets() {
                out.push(Listed {
                    name: ctx.required(bucket.name(), OP, "Name")?.to_string(),
                    creation_date: bucket.creation_date().and_then(time),
                    region: bucket
                        .bucket_region()
                        .filter(|r| !r.is_empty())
                        .map(str::to_string),
                });
            }
            Ok(PageEnd::next_token(page.continuation_token()))
        },
    )
    .await?;

    // One client per region the buckets live in, made once.
    let mut clients: BTreeMap<String, aws_sdk_s3::Client> = BTreeMap::new();
    clients.insert(home.clone(), lister.clone());
    let located = join_all(listed.into_iter().map(|bucket| {
        let lister = lister.clone();
        async move {
            let region = match bucket.region.clone() {
                Some(region) => Ok(region),
                None => bucket_location(ctx, &lister, &bucket.name).await,
            };
            (bucket, region)
        }
    }))
    .await;
    let reads = located.into_iter().map(|(bucket, region)| {
        let region = region.map(|region| {
            let client = clients
                .entry(region.clone())
                .or_insert_with(|| s3_client(ctx, &region))
                .clone();
            (region, client)
        });
        async move { read_bucket(ctx, bucket, region).await }
    });
    // A bucket deleted between the listing and its reads no longer exists: not a gap.
    Ok(join_all(reads).await.into_iter().flatten().collect())
}

/// `GetBucketLocation`: an empty constraint is us-east-1, `EU` is eu-west-1.
async fn bucket_location(
    ctx: &ScopeContext,
    client: &aws_sdk_s3::Client,
    bucket: &str,
) -> Result<String, CallFailure> {
    const OP: &str = "s3:GetBucketLocation";
    let answer = ctx
        .call(client.get_bucket_location().bucket(bucket).send())
        .await
        .map_err(|e| ctx.fail(OP, &e))?;
    Ok(match answer.location_constraint().map(|c| c.as_str()) {
        None | Some("") => "us-east-1".to_string(),
        Some("EU") => "eu-west-1".to_string(),
        Some(region) => region.to_string(),
    })
}

/// The bucket's ARN.
fn bucket_arn(ctx: &ScopeContext, name: &str) -> String {
    format!("arn:{}:s3:::{name}", ctx.partition)
}

/// Reads one bucket's parts concurrently. A part that fails is `None` and a gap narrowed
/// to the bucket and the part's kind; a bucket whose region could not be learnt has every
/// part so.
async fn read_bucket(
    ctx: &ScopeContext,
    listed: Listed,
    located: Result<(String, aws_sdk_s3::Client), CallFailure>,
) -> Option<Resource> {
    let arn = bucket_arn(ctx, &listed.name);
    let mut config = S3Bucket {
        name: listed.name.clone(),
        creation_date: listed.creation_date,
        acl: None,
        policy: None,
        public_access_block: None,
        default_encryption: None,
        versioning: None,
        logging: None,
        object_ownership: None,
    };
    let (region, client) = match located {
        Ok(located) => located,
        Err(failure) => {
            for part in PARTS {
                ctx.record_narrowed_gap(&arn, part, &failure);
            }
            return Some(bucket_resource(ctx, arn, "unknown".to_string(), config));
        }
    };
    let name = listed.name.as_str();
    let c = &client;
    let gone = AtomicBool::new(false);
    let ctx = &PartContext {
        scope: ctx,
        gone: &gone,
    };
    let (acl, policy, block, encryption, versioning, logging, ownership) = futures::join!(
        part(
            ctx,
            "s3:GetBucketAcl",
            c.get_bucket_acl().bucket(name).send(),
            acl_of
        ),
        part_or_absent(
            ctx,
            "s3:GetBucketPolicy",
            c.get_bucket_policy().bucket(name).send(),
            "NoSuchBucketPolicy",
            policy_of,
            || Ok(S3PolicyState::None),
        ),
        part_or_absent(
            ctx,
            "s3:GetBucketPublicAccessBlock",
            c.get_public_access_block().bucket(name).send(),
            "NoSuchPublicAccessBlockConfiguration",
            |answer| {
                Ok(answer
                    .public_access_block_configuration()
                    .map(block_of)
                    .unwrap_or_default())
            },
            || Ok(S3PublicAccessBlock::default()),
        ),
        part_or_absent(
            ctx,
            "s3:GetEncryptionConfiguration",
            c.get_bucket_encryption().bucket(name).send(),
            "ServerSideEncryptionConfigurationNotFoundError",
            |answer| Ok(encryption_of(answer)),
            || {
                Ok(S3DefaultEncryption {
                    algorithm: None,
                    kms_key_id: None,
                    bucket_key_enabled: None,
                })
            },
        ),
        part(
            ctx,
            "s3:GetBucketVersioning",
            c.get_bucket_versioning().bucket(name).send(),
            |answer| {
                Ok(S3Versioning {
                    status: answer
                        .status()
                        .map(|s| s.as_str().to_string())
                        .unwrap_or_else(|| "Off".to_string()),
                    mfa_delete: answer.mfa_delete().map(|m| m.as_str() == "Enabled"),
                })
            }
        ),
        part(
            ctx,
            "s3:GetBucketLogging",
            c.get_bucket_logging().bucket(name).send(),
            |answer| {
                let enabled = answer.logging_enabled();
                Ok(S3Logging {
                    target_bucket: enabled
                        .map(|l| l.target_bucket().to_string())
                        .filter(|b| !b.is_empty()),
                    target_prefix: enabled
                        .map(|l| l.target_prefix().to_string())
                        .filter(|p| !p.is_empty()),
                })
            }
        ),
        part_or_absent(
            ctx,
            "s3:GetBucketOwnershipControls",
            c.get_bucket_ownership_controls().bucket(name).send(),
            "OwnershipControlsNotFoundError",
            |answer| {
                Ok(answer
                    .ownership_controls()
                    .and_then(|o| o.rules().first())
                    .map(|rule| rule.object_ownership().as_str().to_string())
                    .unwrap_or_else(|| "ObjectWriter".to_string()))
            },
            || Ok("ObjectWriter".to_string()),
        ),
    );
    if gone.load(Ordering::Relaxed) {
        return None;
    }
    let ctx = ctx.scope;
    config.acl = narrowed(ctx, &arn, ResourceKind::S3BucketAcl, acl);
    config.policy = narrowed(ctx, &arn, ResourceKind::S3BucketPolicy, policy);
    config.public_access_block =
        narrowed(ctx, &arn, ResourceKind::S3BucketPublicAccessBlock, block);
    config.default_encryption = narrowed(ctx, &arn, ResourceKind::S3BucketEncryption, encryption);
    config.versioning = narrowed(ctx, &arn, ResourceKind::S3BucketVersioning, versioning);
    config.logging = narrowed(ctx, &arn, ResourceKind::S3BucketLogging, logging);
    config.object_ownership = narrowed(
        ctx,
        &arn,
        ResourceKind::S3BucketOwnershipControls,
        ownership,
    );
    Some(bucket_resource(ctx, arn, region, config))
}

/// What a bucket's part calls share: the scope, and whether one of them found the bucket
/// gone (`NoSuchBucket`: deleted since the listing).
struct PartContext<'a> {
    scope: &'a ScopeContext,
    gone: &'a AtomicBool,
}

impl PartContext<'_> {
    /// The call's failure, noting a bucket that no longer exists.
    fn fail<E>(&self, operation: &str, error: &SdkError<E, HttpResponse>) -> CallFailure
    where
        E: ProvideErrorMetadata + std::error::Error + 'static,
    {
        if error.code() == Some("NoSuchBucket") {
            self.gone.store(true, Ordering::Relaxed);
        }
        self.scope.fail(operation, error)
    }
}

/// A part's value; a failed part is `None` and a gap narrowed to the bucket and the
/// part's kind.
fn narrowed<T>(
    ctx: &ScopeContext,
    arn: &str,
    kind: ResourceKind,
    result: Result<T, CallFailure>,
) -> Option<T> {
    result
        .map_err(|failure| ctx.record_narrowed_gap(arn, kind, &failure))
        .ok()
}

fn bucket_resource(ctx: &ScopeContext, arn: String, region: String, config: S3Bucket) -> Resource {
    Resource {
        id: arn,
        provider: Provider::Aws,
        account: ctx.account.clone(),
        region,
        name: Some(config.name.clone()),
        tags: BTreeMap::new(),
        config: ResourceConfig::S3Bucket(config),
    }
}

/// One part's call under the shared bound, converted.
async fn part<A, E, T>(
    ctx: &PartContext<'_>,
    operation: &'static str,
    call: impl Future<Output = Result<A, SdkError<E, HttpResponse>>>,
    convert: impl FnOnce(A) -> Result<T, CallFailure>,
) -> Result<T, CallFailure>
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
{
    let answer = ctx
        .scope
        .call(call)
        .await
        .map_err(|e| ctx.fail(operation, &e))?;
    convert(answer)
}

/// One part's call whose error `absent_code` means "not configured", a value.
async fn part_or_absent<A, E, T>(
    ctx: &PartContext<'_>,
    operation: &'static str,
    call: impl Future<Output = Result<A, SdkError<E, HttpResponse>>>,
    absent_code: &str,
    convert: impl FnOnce(A) -> Result<T, CallFailure>,
    absent: impl FnOnce() -> Result<T, CallFailure>,
) -> Result<T, CallFailure>
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
{
    match ctx.scope.call(call).await {
        Ok(answer) => convert(answer),
        Err(error) if error.code() == Some(absent_code) => absent(),
        Err(error) => Err(ctx.fail(operation, &error)),
    }
}

fn acl_of(
    answer: aws_sdk_s3::operation::get_bucket_acl::GetBucketAclOutput,
) -> Result<S3Acl, CallFailure> {
    Ok(S3Acl {
        grants: answer
            .grants()
            .iter()
            .filter_map(|grant| {
                let grantee = grant.grantee()?;
                let grantee_type = grantee.r#type().as_str().to_string();
                Some(S3AclGrant {
                    grantee: match grantee_type.as_str() {
                        "Group" => grantee.uri().map(str::to_string),
                        "CanonicalUser" => grantee.id().map(str::to_string),
                        // E-mail addresses are personal data: not recorded.
                        _ => None,
                    },
                    grantee_type,
                    permission: grant.permission()?.as_str().to_string(),
                })
            })
            .collect(),
    })
}

fn policy_of(
    answer: aws_sdk_s3::operation::get_bucket_policy::GetBucketPolicyOutput,
) -> Result<S3PolicyState, CallFailure> {
    let text = answer.policy().unwrap_or_default();
    PolicyDocument::parse(text)
        .map(|document| S3PolicyState::Set { document })
        .map_err(|error| {
            CallFailure::new(
                FailureKind::Error,
                format!("s3:GetBucketPolicy returned a policy soc2scan cannot read: {error}"),
            )
        })
}

fn block_of(c: &aws_sdk_s3::types::PublicAccessBlockConfiguration) -> S3PublicAccessBlock {
    S3PublicAccessBlock {
        block_public_acls: c.block_public_acls().unwrap_or(false),
        ignore_public_acls: c.ignore_public_acls().unwrap_or(false),
        block_public_policy: c.block_public_policy().unwrap_or(false),
        restrict_public_buckets: c.restrict_public_buckets().unwrap_or(false),
    }
}

fn encryption_of(
    answer: aws_sdk_s3::operation::get_bucket_encryption::GetBucketEncryptionOutput,
) -> S3DefaultEncryption {
    let rule = answer
        .server_side_encryption_configuration()
        .and_then(|c| c.rules().first());
    let default = rule.and_then(|r| r.apply_server_side_encryption_by_default());
    S3DefaultEncryption {
        algorithm: default.map(|d| d.sse_algorithm().as_str().to_string()),
        kms_key_id: default
            .and_then(|d| d.kms_master_key_id())
            .map(str::to_string),
        bucket_key_enabled: rule.and_then(|r| r.bucket_key_enabled()),
    }
}

/// S3 Control's endpoint for a custom endpoint URL: the URL as it is. S3 Control puts the
/// account id in front of the host (`ACCOUNT.s3-control.REGION.amazonaws.com`), which an
/// emulator or proxy on an address cannot serve; the account goes in the
/// `x-amz-account-id` header either way.
#[derive(Debug)]
struct FixedEndpoint(String);

impl aws_sdk_s3control::config::endpoint::ResolveEndpoint for FixedEndpoint {
    fn resolve_endpoint<'a>(
        &'a self,
        _params: &'a aws_sdk_s3control::config::endpoint::Params,
    ) -> aws_smithy_runtime_api::client::endpoint::EndpointFuture<'a> {
        aws_smithy_runtime_api::client::endpoint::EndpointFuture::ready(Ok(
            aws_smithy_types::endpoint::Endpoint::builder()
                .url(self.0.clone())
                .build(),
        ))
    }
}

/// The account's Block Public Access (`s3control:GetPublicAccessBlock`).
async fn account_public_access_block(ctx: &ScopeContext) -> Collected {
    const OP: &str = "s3:GetAccountPublicAccessBlock";
    let client = {
        let mut builder = aws_sdk_s3control::config::Builder::from(&ctx.config)
            .interceptor(ctx.counter.clone())
            .retry_partition(super::calls::retry_partition());
        if ctx.config.region().is_none() {
            builder = builder.region(Region::new("us-east-1"));
        }
        if let Some(url) = ctx.config.endpoint_url() {
            builder = builder.endpoint_resolver(FixedEndpoint(url.to_string()));
        }
        aws_sdk_s3control::Client::from_conf(builder.build())
    };
    let (configured, settings) = match ctx
        .call(
            client
                .get_public_access_block()
                .account_id(&ctx.account)
                .send(),
        )
        .await
    {
        Ok(answer) => {
            let c = answer.public_access_block_configuration();
            (
                true,
                S3PublicAccessBlock {
                    block_public_acls: c.and_then(|c| c.block_public_acls()).unwrap_or(false),
                    ignore_public_acls: c.and_then(|c| c.ignore_public_acls()).unwrap_or(false),
                    block_public_policy: c.and_then(|c| c.block_public_policy()).unwrap_or(false),
                    restrict_public_buckets: c
                        .and_then(|c| c.restrict_public_buckets())
                        .unwrap_or(false),
                },
            )
        }
        Err(error) if error.code() == Some("NoSuchPublicAccessBlockConfiguration") => {
            (false, S3PublicAccessBlock::default())
        }
        Err(error) => return Err(ctx.fail(OP, &error)),
    };
    Ok(vec![ctx.resource(
        format!(
            "arn:{}:s3::{}:account-public-access-block",
            ctx.partition, ctx.account
        ),
        None,
        BTreeMap::new(),
        ResourceConfig::S3AccountPublicAccessBlock(S3AccountPublicAccessBlock {
            configured,
            settings,
        }),
    )])
}
