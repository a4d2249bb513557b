"""Times `soc2scan scan aws` with every service, and Prowler for the same services, on one
moto account seeded with issue #9's EC2 and IAM, issue #10's data stores and issue #11's
logging, monitoring, load balancers, functions and secrets; every API call of both counted
the same way by a proxy between them and moto.

    python3 benches/aws_account_scan.py [--soc2scan PATH] [--runs 5] [--prowler-runs 1]
        [--no-prowler] [--prowler-defaults-only] [--install-prowler]
        [--keep-prowler-output DIR] [--json FILE]

(BENCHMARKS.md's figures: --runs 5; about 20 minutes, most of it Prowler.)

The machinery is aws_data_stores_scan.py's (moto and benches/counting_proxy.py on loopback,
/usr/bin/time -v, medians, calls by service and operation; see its docstring); this adds the
seed of benches/seed_monitoring.py (3 regions x 3 trails, 60 log groups, 40 alarms, 12 load
balancers with 2 listeners, 15 certificates, 40 functions, 30 secrets; a Config recorder,
GuardDuty detectors and Security Hub in some regions) and runs:

1. soc2scan with every service it has, through the proxy and straight to moto;
2. soc2scan with only issue #11's services;
3. Prowler for the same services as 1 (Prowler's names: `logs` and `cloudwatch` are both its
   `cloudwatch`, `lambda` its `awslambda`), with its defaults and with
   --aws-retries-max-attempts 0 (moto answers 500 to calls it does not implement, and
   Prowler's backoff on them is an emulator artefact);
4. Prowler for issue #11's services only, without retries.
"""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from aws_data_stores_scan import (  # noqa: E402
    BENCHES, DATA_SERVICES, REGIONS, check_tools, common_arguments, moto_and_proxy, report,
    run_prowler, run_soc2scan, seed_all, seed_moto_command, soc2scan_services,
)

EC2_IAM = ["ec2", "iam"]
# soc2scan's service names → Prowler's.
PROWLER_NAMES = {"logs": "cloudwatch", "lambda": "awslambda", "elasticloadbalancing": "elbv2"}


def prowler_services(services):
    names = []
    for service in services:
        name = PROWLER_NAMES.get(service, service)
        if name not in names:
            names.append(name)
    return names


def main():
    args = common_arguments(__doc__.splitlines()[0]).parse_args()
    check_tools(args)
    have = soc2scan_services(args.soc2scan)
    monitoring = [s for s in have if s not in EC2_IAM + DATA_SERVICES]
    if not monitoring:
        sys.exit("this soc2scan (%s) has none of issue #11's services: `scan aws --help` lists %s"
                 % (args.soc2scan, ", ".join(have)))
    regions = ",".join(REGIONS)
    seeds = [
        seed_moto_command(args.python),
        [args.python, os.path.join(BENCHES, "seed_data_stores.py"), "--regions", regions, "--scale", str(args.scale)],
        [args.python, os.path.join(BENCHES, "seed_monitoring.py"), "--regions", regions, "--scale", str(args.scale)],
    ]
    print("soc2scan services: %s (issue #11: %s)" % (", ".join(have), ", ".join(monitoring)), flush=True)
    with moto_and_proxy(args.python) as (moto_url, proxy):
        seed_all(moto_url, seeds)
        results = [
            run_soc2scan(args, proxy, None, "all services"),
            run_soc2scan(args, proxy, None, "straight to moto, no proxy", endpoint=moto_url),
            run_soc2scan(args, proxy, monitoring, "issue #11 services"),
        ]
        if not args.no_prowler:
            every = prowler_services(have)
            results.append(run_prowler(args, proxy, "all services, defaults", [], every))
            if not args.prowler_defaults_only:
                no_retries = ["--aws-retries-max-attempts", "0"]
                results.append(run_prowler(args, proxy, "all services, no retries", no_retries, every))
                results.append(run_prowler(args, proxy, "issue #11 services, no retries", no_retries,
                                           prowler_services(monitoring)))
    report(results, [], args.json)


if __name__ == "__main__":
    main()
