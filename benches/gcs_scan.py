"""Times a full `soc2scan scan gcp` of one project of 2,000 buckets served by the gRPC
stand-in (the size issue #4 names): one ListBuckets page of 1,000 buckets twice, then
2,000 GetIamPolicy calls, at several --max-concurrency settings so the effect of
concurrency shows.

    cargo build --release --bin soc2scan --example gcs-standin
    python benches/gcs_scan.py [--buckets 2000] [--runs 5] [--concurrency 1,8,32]

Prints, per concurrency, the median wall time, CPU time and peak RSS of soc2scan (from
/usr/bin/time) and the API calls by operation (from --verbose). The stand-in runs on the
same two cores, as in CI. Everything stays on 127.0.0.1.
"""

import argparse
import os
import statistics
import subprocess
import sys

from timed_scan import timed_scan

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def main():
    target = os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target"))
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--soc2scan", default=os.path.join(target, "release", "soc2scan"))
    parser.add_argument("--standin", default=os.path.join(target, "release", "examples", "gcs-standin"))
    parser.add_argument("--buckets", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--concurrency", default="1,8,32")
    args = parser.parse_args()

    standin = subprocess.Popen(
        [args.standin, "--buckets", str(args.buckets), "--project", "bench"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        line = standin.stdout.readline().strip()
        if not line.startswith("endpoint "):
            sys.exit("the stand-in did not start: %r" % line)
        endpoint = line.split(" ", 1)[1]
        env = {k: v for k, v in os.environ.items() if not k.startswith(("GOOGLE_", "CLOUDSDK_"))}
        for concurrency in [int(c) for c in args.concurrency.split(",")]:
            walls, cpus, rss = [], [], []
            calls = {}
            for run in range(args.runs):
                measured = timed_scan(
                    [
                        args.soc2scan, "scan", "gcp", "--project", "bench",
                        "--gcp-endpoint", endpoint, "--gcp-anonymous",
                        "--max-concurrency", str(concurrency),
                        "--format", "json", "--fail-on", "none", "--verbose",
                    ],
                    env,
                )
                walls.append(measured["wall"])
                cpus.append(measured["cpu"])
                rss.append(measured["rss"])
                calls, collected = measured["calls"], measured["collected"]
                print("concurrency %d, run %d: wall %.2f s, cpu %.2f s, peak RSS %.0f MiB | %s" % (
                    concurrency, run + 1, walls[-1], cpus[-1], rss[-1] / 1024, collected))
            print("concurrency %d: median of %d runs: wall %.2f s, CPU %.2f s, peak RSS %.0f MiB; calls %s" % (
                concurrency, args.runs, statistics.median(walls), statistics.median(cpus),
                statistics.median(rss) / 1024, ", ".join("%s %d" % kv for kv in sorted(calls.items()))))
            print()
    finally:
        standin.stdin.close()
        standin.wait()


if __name__ == "__main__":
    main()
