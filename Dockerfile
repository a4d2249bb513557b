# syntax=docker/dockerfile:1
#
# soc2scan's container image: the unit a Kubernetes Job or any other scheduler runs
# (docs/scale.md). Two stages: a Rust builder on the stable toolchain builds the release
# binary from the locked dependency versions; the runtime image is distroless — glibc, the
# CA certificates and the binary, no shell, no package manager — and runs as a numeric
# non-root user.
#
#   docker build -t soc2scan .
#   docker run --rm soc2scan scan --snapshot /data/snapshot.json   (with -v DIR:/data)
#
# tests/e2e/scale.rs checks this file's invariants (it is not built by the test suite).

# --- build ---------------------------------------------------------------------------
FROM rust:1-bookworm AS builder
# aws-lc-sys (TLS for the AWS SDK) builds its C sources with cc; cmake is its fallback.
RUN apt-get update \
 && apt-get install -y --no-install-recommends cmake ca-certificates \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
# --locked: exactly the versions of Cargo.lock, or the build fails. The registry and the
# target directory are BuildKit caches, so a rebuild after a source change is incremental;
# the binary is copied out of the cache within the same step.
RUN --mount=type=cache,target=/usr/local/cargo/registry \
    --mount=type=cache,target=/src/target \
    cargo build --release --locked --bin soc2scan \
 && install -D -m 0755 target/release/soc2scan /out/soc2scan

# --- runtime -------------------------------------------------------------------------
FROM gcr.io/distroless/cc-debian12:nonroot AS runtime
LABEL org.opencontainers.image.title="soc2scan" \
      org.opencontainers.image.description="SOC 2 evidence from cloud configuration (AWS, Google Cloud, Terraform plans)" \
      org.opencontainers.image.source="https://github.com/soc2scan/soc2scan" \
      org.opencontainers.image.licenses="Apache-2.0"
# The CA bundle the AWS and Google clients trust (rustls reads the system store): the
# builder's current Debian bundle, in the path the runtime's OpenSSL layout expects.
COPY --from=builder /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/ca-certificates.crt
COPY --from=builder /out/soc2scan /usr/local/bin/soc2scan
# distroless's "nonroot" user, by number, so Kubernetes' runAsNonRoot can verify it.
USER 65532:65532
WORKDIR /home/nonroot
ENTRYPOINT ["/usr/local/bin/soc2scan"]
CMD ["--help"]
