//! A Cloud Storage stand-in for tests and benchmarks: a tonic gRPC server on a loopback
//! port serving the two services google-cloud-storage's `StorageControl` client calls to
//! read bucket configuration — `google.storage.v2.Storage` (ListBuckets with paging,
//! GetBucket) and `google.storage.control.v2.StorageControl` (GetIamPolicy) — from fixture
//! data, with injected faults: PERMISSION_DENIED for chosen projects or buckets, and
//! UNAVAILABLE once before success.
//!
//! No public emulator implements these services over gRPC, so the tests carry this one.
//! It is `#[path]`-included by the end-to-end tests and by the stand-in example
//! (`cargo run --example gcs-standin`) that the benchmark starts.

#![allow(dead_code)]

use googleapis_tonic_google_storage_v2::google::iam::v1 as iam;
use googleapis_tonic_google_storage_v2::google::r#type::Expr;
use googleapis_tonic_google_storage_v2::google::storage::v2 as storage;
use serde::Deserialize;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::convert::Infallible;
use std::future::Future;
use std::marker::PhantomData;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use tonic::body::Body;
use tonic::{Request, Response, Status};

/// What the stand-in serves, as written in a fixture file (`tests/fixtures/gcs/*.json`).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Fixture {
    /// Buckets by project id, in the order ListBuckets returns them.
    pub projects: BTreeMap<String, Vec<FixtureBucket>>,
    /// Injected faults.
    #[serde(default)]
    pub faults: Faults,
}

/// One bucket and its IAM policy.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FixtureBucket {
    pub name: String,
    pub location: String,
    #[serde(default)]
    pub location_type: String,
    #[serde(default)]
    pub uniform_bucket_level_access: bool,
    #[serde(default)]
    pub public_access_prevention: String,
    #[serde(default)]
    pub versioning: bool,
    #[serde(default)]
    pub default_kms_key: String,
    #[serde(default)]
    pub log_bucket: String,
    #[serde(default)]
    pub log_object_prefix: String,
    pub soft_delete_seconds: Option<i64>,
    pub retention_seconds: Option<i64>,
    #[serde(default)]
    pub retention_locked: bool,
    #[serde(default)]
    pub labels: BTreeMap<String, String>,
    #[serde(default)]
    pub bindings: Vec<FixtureBinding>,
}

/// One role binding.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FixtureBinding {
    pub role: String,
    pub members: Vec<String>,
    pub condition_title: Option<String>,
    pub condition_expression: Option<String>,
}

/// Faults to inject.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Faults {
    /// Projects whose ListBuckets is PERMISSION_DENIED.
    #[serde(default)]
    pub deny_list_buckets: Vec<String>,
    /// Buckets whose GetIamPolicy is PERMISSION_DENIED.
    #[serde(default)]
    pub deny_iam_policy: Vec<String>,
    /// Projects whose first ListBuckets call is UNAVAILABLE (later ones succeed).
    #[serde(default)]
    pub unavailable_once_list_buckets: Vec<String>,
    /// Buckets whose first GetIamPolicy call is UNAVAILABLE (later ones succeed).
    #[serde(default)]
    pub unavailable_once_iam_policy: Vec<String>,
    /// Buckets whose GetIamPolicy is always UNAVAILABLE.
    #[serde(default)]
    pub unavailable_iam_policy: Vec<String>,
}

impl Fixture {
    /// Reads a fixture file.
    pub fn load(path: &std::path::Path) -> Fixture {
        let text = std::fs::read_to_string(path)
            .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
    }
}

/// The calls the stand-in received, in order: `ListBuckets projects/p page_token`,
/// `GetIamPolicy projects/_/buckets/b`, `GetBucket …`.
pub type CallLog = Arc<Mutex<Vec<String>>>;

struct State {
    fixture: Fixture,
    /// Bucket name → (project, position in the project's list): GetIamPolicy is called
    /// once per bucket, so a scan over the fixture per call would be quadratic.
    bucket_index: HashMap<String, (String, usize)>,
    calls: CallLog,
    /// Faults of the "once" kind already served.
    spent: Mutex<HashSet<String>>,
}

impl State {
    fn log(&self, call: String) {
        self.calls.lock().unwrap().push(call);
    }

    fn once(&self, key: String) -> bool {
        self.spent.lock().unwrap().insert(key)
    }

    fn find_bucket(&self, resource: &str) -> Option<(&str, &FixtureBucket)> {
        let name = resource
            .rsplit_once("/buckets/")
            .map_or(resource, |(_, n)| n);
        let (project, position) = self.bucket_index.get(name)?;
        let bucket = &self.fixture.projects.get(project)?[*position];
        Some((project.as_str(), bucket))
    }

    fn list_buckets(
        &self,
        request: storage::ListBucketsRequest,
    ) -> Result<storage::ListBucketsResponse, Status> {
        self.log(format!(
            "ListBuckets {} {}",
            request.parent, request.page_token
        ));
        let project = request
            .parent
            .strip_prefix("projects/")
            .ok_or_else(|| Status::invalid_argument(format!("bad parent {:?}", request.parent)))?;
        let faults = &self.fixture.faults;
        if faults.deny_list_buckets.iter().any(|p| p == project) {
            return Err(Status::permission_denied(format!(
                "stand-in@example.iam.gserviceaccount.com does not have storage.buckets.list access to the Google Cloud project {project}."
            )));
        }
        if faults
            .unavailable_once_list_buckets
            .iter()
            .any(|p| p == project)
            && self.once(format!("list:{project}"))
        {
            return Err(Status::unavailable("stand-in: try again"));
        }
        let Some(buckets) = self.fixture.projects.get(project) else {
            return Err(Status::not_found(format!("project {project} not found")));
        };
        let page_size = if request.page_size <= 0 {
            1000
        } else {
            request.page_size.min(1000) as usize
        };
        let start: usize = if request.page_token.is_empty() {
            0
        } else {
            request
                .page_token
                .strip_prefix("offset-")
                .and_then(|n| n.parse().ok())
                .ok_or_else(|| Status::invalid_argument("bad page token"))?
        };
        let end = (start + page_size).min(buckets.len());
        Ok(storage::ListBucketsResponse {
            buckets: buckets[start.min(end)..end]
                .iter()
                .map(|b| proto_bucket(project, b))
                .collect(),
            next_page_token: if end < buckets.len() {
                format!("offset-{end}")
            } else {
                String::new()
            },
            unreachable: Vec::new(),
        })
    }

    fn get_bucket(&self, request: storage::GetBucketRequest) -> Result<storage::Bucket, Status> {
        self.log(format!("GetBucket {}", request.name));
        let (project, bucket) = self
            .find_bucket(&request.name)
            .ok_or_else(|| Status::not_found(format!("bucket {} not found", request.name)))?;
        Ok(proto_bucket(project, bucket))
    }

    fn get_iam_policy(&self, request: iam::GetIamPolicyRequest) -> Result<iam::Policy, Status> {
        self.log(format!("GetIamPolicy {}", request.resource));
        let (_, bucket) = self
            .find_bucket(&request.resource)
            .ok_or_else(|| Status::not_found(format!("bucket {} not found", request.resource)))?;
        let faults = &self.fixture.faults;
        if faults.deny_iam_policy.contains(&bucket.name) {
            return Err(Status::permission_denied(format!(
                "stand-in@example.iam.gserviceaccount.com does not have storage.buckets.getIamPolicy access to the Google Cloud Storage bucket {}.",
                bucket.name
            )));
        }
        if faults.unavailable_iam_policy.contains(&bucket.name)
            || (faults.unavailable_once_iam_policy.contains(&bucket.name)
                && self.once(format!("iam:{}", bucket.name)))
        {
            return Err(Status::unavailable("stand-in: try again"));
        }
        // As the service does: a policy with conditions is returned only to callers that
        // ask for version 3 (older versions cannot express conditions).
        let requested = request.options.map_or(0, |o| o.requested_policy_version);
        let conditional = bucket
            .bindings
            .iter()
            .any(|b| b.condition_expression.is_some());
        if conditional && requested < 3 {
            return Err(Status::invalid_argument(format!(
                "the policy of {} has conditions; request policy version 3",
                bucket.name
            )));
        }
        Ok(iam::Policy {
            version: if conditional { 3 } else { 1 },
            etag: b"CAE=".to_vec(),
            bindings: bucket
                .bindings
                .iter()
                .map(|b| iam::Binding {
                    role: b.role.clone(),
                    members: b.members.clone(),
                    condition: b.condition_expression.as_ref().map(|expression| Expr {
                        expression: expression.clone(),
                        title: b.condition_title.clone().unwrap_or_default(),
                        description: String::new(),
                        location: String::new(),
                    }),
                })
                .collect(),
            ..Default::default()
        })
    }
}

/// A fixture bucket as the service returns it.
fn proto_bucket(project: &str, b: &FixtureBucket) -> storage::Bucket {
    use storage::bucket;
    storage::Bucket {
        name: format!("projects/_/buckets/{}", b.name),
        bucket_id: b.name.clone(),
        project: format!("projects/{project}"),
        location: b.location.clone(),
        location_type: b.location_type.clone(),
        storage_class: "STANDARD".to_string(),
        labels: b.labels.clone().into_iter().collect(),
        versioning: Some(bucket::Versioning {
            enabled: b.versioning,
        }),
        encryption: (!b.default_kms_key.is_empty()).then(|| bucket::Encryption {
            default_kms_key: b.default_kms_key.clone(),
            ..Default::default()
        }),
        logging: (!b.log_bucket.is_empty()).then(|| bucket::Logging {
            log_bucket: format!("projects/_/buckets/{}", b.log_bucket),
            log_object_prefix: b.log_object_prefix.clone(),
        }),
        soft_delete_policy: b
            .soft_delete_seconds
            .map(|seconds| bucket::SoftDeletePolicy {
                retention_duration: Some(prost_types::Duration { seconds, nanos: 0 }),
                effective_time: None,
            }),
        retention_policy: b.retention_seconds.map(|seconds| bucket::RetentionPolicy {
            effective_time: None,
            is_locked: b.retention_locked,
            retention_duration: Some(prost_types::Duration { seconds, nanos: 0 }),
        }),
        iam_config: Some(bucket::IamConfig {
            uniform_bucket_level_access: Some(bucket::iam_config::UniformBucketLevelAccess {
                enabled: b.uniform_bucket_level_access,
                lock_time: None,
            }),
            public_access_prevention: b.public_access_prevention.clone(),
        }),
        create_time: Some(prost_types::Timestamp {
            seconds: 1_700_000_000,
            nanos: 0,
        }),
        update_time: Some(prost_types::Timestamp {
            seconds: 1_760_000_000,
            nanos: 0,
        }),
        ..Default::default()
    }
}

type BoxFuture<T> = Pin<Box<dyn Future<Output = T> + Send + 'static>>;

/// A unary handler as tonic's `UnaryService`.
struct Unary<F, Req, Resp>(Option<F>, PhantomData<fn(Req) -> Resp>);

impl<F, Req, Resp> tonic::server::UnaryService<Req> for Unary<F, Req, Resp>
where
    F: FnOnce(Req) -> Result<Resp, Status> + Send + 'static,
    Req: Send + 'static,
    Resp: Send + 'static,
{
    type Response = Resp;
    type Future = std::future::Ready<Result<Response<Resp>, Status>>;

    fn call(&mut self, request: Request<Req>) -> Self::Future {
        let handler = self.0.take().expect("a unary service is called once");
        std::future::ready(handler(request.into_inner()).map(Response::new))
    }
}

/// Serves one unary gRPC call with `handler`.
fn unary<Req, Resp, F>(
    request: http::Request<Body>,
    handler: F,
) -> BoxFuture<Result<http::Response<Body>, Infallible>>
where
    Req: prost::Message + Default + Send + 'static,
    Resp: prost::Message + Send + 'static,
    F: FnOnce(Req) -> Result<Resp, Status> + Send + 'static,
{
    Box::pin(async move {
        let codec = tonic_prost::ProstCodec::<Resp, Req>::default();
        let mut grpc = tonic::server::Grpc::new(codec);
        Ok(grpc.unary(Unary(Some(handler), PhantomData), request).await)
    })
}

fn unimplemented(path: &str) -> BoxFuture<Result<http::Response<Body>, Infallible>> {
    let status = Status::unimplemented(format!("the stand-in does not serve {path}"));
    let response = status.into_http();
    Box::pin(async move { Ok(response) })
}

/// The methods of one gRPC service.
trait Routes: Send + Sync + 'static {
    /// The service's full name.
    const NAME: &'static str;
    /// Serves `request` (whose path names the method) from `state`.
    fn route(
        state: Arc<State>,
        request: http::Request<Body>,
    ) -> BoxFuture<Result<http::Response<Body>, Infallible>>;
}

/// `google.storage.v2.Storage`.
struct StorageRoutes;

impl Routes for StorageRoutes {
    const NAME: &'static str = "google.storage.v2.Storage";

    fn route(
        state: Arc<State>,
        request: http::Request<Body>,
    ) -> BoxFuture<Result<http::Response<Body>, Infallible>> {
        match request.uri().path() {
            "/google.storage.v2.Storage/ListBuckets" => {
                unary(request, move |r| state.list_buckets(r))
            }
            "/google.storage.v2.Storage/GetBucket" => unary(request, move |r| state.get_bucket(r)),
            path => unimplemented(path),
        }
    }
}

/// `google.storage.control.v2.StorageControl`.
struct ControlRoutes;

impl Routes for ControlRoutes {
    const NAME: &'static str = "google.storage.control.v2.StorageControl";

    fn route(
        state: Arc<State>,
        request: http::Request<Body>,
    ) -> BoxFuture<Result<http::Response<Body>, Infallible>> {
        match request.uri().path() {
            "/google.storage.control.v2.StorageControl/GetIamPolicy" => {
                unary(request, move |r| state.get_iam_policy(r))
            }
            path => unimplemented(path),
        }
    }
}

/// A gRPC service for tonic's router, serving the methods of `R`.
struct GrpcService<R>(Arc<State>, PhantomData<fn() -> R>);

impl<R> Clone for GrpcService<R> {
    fn clone(&self) -> Self {
        GrpcService(self.0.clone(), PhantomData)
    }
}

impl<R: Routes> tonic::server::NamedService for GrpcService<R> {
    const NAME: &'static str = R::NAME;
}

impl<R: Routes> tower_service::Service<http::Request<Body>> for GrpcService<R> {
    type Response = http::Response<Body>;
    type Error = Infallible;
    type Future = BoxFuture<Result<Self::Response, Self::Error>>;

    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: http::Request<Body>) -> Self::Future {
        R::route(self.0.clone(), request)
    }
}

/// A running stand-in. Dropping it stops the server.
pub struct StandIn {
    /// `http://127.0.0.1:PORT`.
    pub endpoint: String,
    /// Every call received.
    pub calls: CallLog,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
}

impl StandIn {
    /// The calls received so far.
    pub fn calls(&self) -> Vec<String> {
        self.calls.lock().unwrap().clone()
    }
}

impl Drop for StandIn {
    fn drop(&mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
    }
}

/// Starts the stand-in on `address` (`127.0.0.1:0` for a free port) in the current tokio
/// runtime.
pub async fn start(fixture: Fixture, address: &str) -> StandIn {
    let listener = tokio::net::TcpListener::bind(address)
        .await
        .unwrap_or_else(|e| panic!("cannot listen on {address}: {e}"));
    let port = listener.local_addr().expect("local address").port();
    let calls = CallLog::default();
    let mut bucket_index = HashMap::new();
    for (project, buckets) in &fixture.projects {
        for (position, bucket) in buckets.iter().enumerate() {
            // The first project listing a name wins, as a linear search would.
            bucket_index
                .entry(bucket.name.clone())
                .or_insert_with(|| (project.clone(), position));
        }
    }
    let state = Arc::new(State {
        fixture,
        bucket_index,
        calls: calls.clone(),
        spent: Mutex::new(HashSet::new()),
    });
    let (shutdown, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tonic::transport::Server::builder()
        .add_service(GrpcService::<StorageRoutes>(state.clone(), PhantomData))
        .add_service(GrpcService::<ControlRoutes>(state, PhantomData))
        .serve_with_incoming_shutdown(
            tokio_stream::wrappers::TcpListenerStream::new(listener),
            async {
                let _ = stopped.await;
            },
        );
    tokio::spawn(async move {
        if let Err(error) = server.await {
            eprintln!("gcs stand-in stopped: {error}");
        }
    });
    StandIn {
        endpoint: format!("http://127.0.0.1:{port}"),
        calls,
        shutdown: Some(shutdown),
    }
}

/// Starts the stand-in on a runtime thread of its own (for tests that are not async); it
/// serves until the returned [`StandIn`] is dropped.
pub fn start_in_background(fixture: Fixture) -> StandIn {
    let (sender, receiver) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("runtime");
        runtime.block_on(async move {
            let standin = start(fixture, "127.0.0.1:0").await;
            sender.send(standin).expect("the test is waiting");
            std::future::pending::<()>().await;
        });
    });
    receiver.recv().expect("stand-in started")
}
