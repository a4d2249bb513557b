"""Seeds a moto server with the logging, monitoring, load balancers, functions and secrets of
issue #11's benchmark.

    python benches/seed_monitoring.py --endpoint http://127.0.0.1:PORT \
        [--regions eu-west-1,us-east-1,ap-southeast-2] [--scale 1] [--workers 8]

Per region (counts at --scale 1): 3 CloudTrail trails, 60 CloudWatch Logs log groups, 40
metric alarms, 12 load balancers with 2 listeners each, 15 ACM certificates, 40 Lambda
functions and 30 Secrets Manager secrets; plus, in some regions, a Config recorder, a
GuardDuty detector and Security Hub. The settings are mixed so that every issue #11 rule has
resources that pass and resources that fail:

- CloudTrail (trail n of the region, each logging to the region's trail bucket): trail 0 of
  the first region is multi-region, with log file validation, a KMS key, delivery to the
  log group `cloudtrail/org` and S3 data events; the others are single-region, validation on
  odd n, a KMS key on n == 1, CloudWatch delivery on n == 2; trails are logging except the
  last of each region.
- Logs: log group n keeps events 365 days on n % 4 == 0, 30 on n % 4 == 1, 3,653 on
  n % 4 == 2 and forever otherwise; a KMS key on even n. In the first region the trail's
  log group has metric filters (CIS patterns) for five of the seven security event classes,
  each with an alarm.
- CloudWatch: alarm n on a metric of its own, an SNS topic action except n % 5 == 0 (none)
  and actions disabled on n % 7 == 3.
- ELBv2: application load balancers, internet-facing on even n; listener 1 HTTP (a redirect
  to HTTPS on n % 3 == 0, forwarding otherwise), listener 2 HTTPS with
  ELBSecurityPolicy-TLS13-1-2-2021-06 on even n and ELBSecurityPolicy-2016-08 (TLS 1.0)
  otherwise, on the region's certificate n % 15; access logs on n % 4 == 0.
- ACM: imported self-signed certificates, expiring in 10 days on n % 5 == 0 and in 400
  days otherwise (moto refuses expired ones); the ones listeners use are in use.
- Lambda: python3.12, python3.8 (deprecated), nodejs16.x (deprecated) and java21 in turn,
  each with an environment variable; a public invoke permission on n % 6 == 0 (with a
  SourceAccount condition on n % 12 == 6), a function URL with auth NONE on n % 5 == 1 and
  AWS_IAM on n % 5 == 2.
- Secrets Manager: rotation every 30 days (through function 0) on even n, none otherwise;
  no secret value is read back.
- Config recorder recording in the first region; GuardDuty detector in the first two;
  Security Hub in the first.

Uses dummy credentials, talks only to --endpoint; creates in parallel threads (seeding time
is not what the benchmark measures). Prints a JSON summary of what it created.
"""

import argparse
import concurrent.futures
import datetime
import io
import json
import sys
import threading
import zipfile

import boto3
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

ACCOUNT = "123456789012"
local = threading.local()

# The seven event classes of aws-cloudwatch-security-alarms-missing, as the CIS AWS
# Foundations Benchmark writes their filters; the first five are seeded.
SECURITY_FILTERS = [
    ("root-usage", '{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != "AwsServiceEvent" }'),
    ("unauthorized-api-calls", '{ ($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*") }'),
    ("console-no-mfa", '{ ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed != "Yes") }'),
    ("iam-policy-changes", "{($.eventName=DeleteGroupPolicy)||($.eventName=DeleteRolePolicy)||($.eventName=DeleteUserPolicy)||($.eventName=PutGroupPolicy)||($.eventName=PutRolePolicy)||($.eventName=PutUserPolicy)||($.eventName=CreatePolicy)||($.eventName=DeletePolicy)||($.eventName=CreatePolicyVersion)||($.eventName=DeletePolicyVersion)||($.eventName=AttachRolePolicy)||($.eventName=DetachRolePolicy)||($.eventName=AttachUserPolicy)||($.eventName=DetachUserPolicy)||($.eventName=AttachGroupPolicy)||($.eventName=DetachGroupPolicy)}"),
    ("cloudtrail-changes", "{ ($.eventName = CreateTrail) || ($.eventName = UpdateTrail) || ($.eventName = DeleteTrail) || ($.eventName = StartLogging) || ($.eventName = StopLogging) }"),
]
TRAIL_LOG_GROUP = "cloudtrail/org"
RUNTIMES = ["python3.12", "python3.8", "nodejs16.x", "java21"]
HANDLERS = {"python3.12": "app.handler", "python3.8": "app.handler", "nodejs16.x": "index.handler", "java21": "example.Handler::handleRequest"}


def client(endpoint, service, region):
    sessions = getattr(local, "clients", None)
    if sessions is None:
        sessions = local.clients = {}
    key = (service, region)
    if key not in sessions:
        sessions[key] = boto3.session.Session().client(
            service,
            endpoint_url=endpoint,
            region_name=region,
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
        )
    return sessions[key]


def trail_bucket(region):
    return "soc2scan-bench-trail-%s" % region


def kms_key(endpoint, region):
    return client(endpoint, "kms", region).create_key(Description="bench logs")["KeyMetadata"]["Arn"]


def seed_trails(endpoint, region, first, count, key):
    s3 = client(endpoint, "s3", region)
    bucket = trail_bucket(region)
    if region == "us-east-1":
        s3.create_bucket(Bucket=bucket)
    else:
        s3.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": region})
    cloudtrail = client(endpoint, "cloudtrail", region)
    logs_arn = "arn:aws:logs:%s:%s:log-group:%s:*" % (region, ACCOUNT, TRAIL_LOG_GROUP)
    role_arn = "arn:aws:iam::%s:role/soc2scan-bench-cloudtrail" % ACCOUNT
    for n in range(count):
        name = "bench-trail-%d" % n
        multi = first and n == 0
        params = {"Name": name, "S3BucketName": bucket, "IsMultiRegionTrail": multi,
                  "EnableLogFileValidation": multi or n % 2 == 1}
        if multi or n == 1:
            params["KmsKeyId"] = key
        if multi or n == 2:
            params.update(CloudWatchLogsLogGroupArn=logs_arn, CloudWatchLogsRoleArn=role_arn)
        cloudtrail.create_trail(**params)
        if n != count - 1:
            cloudtrail.start_logging(Name=name)
        if multi:
            cloudtrail.put_event_selectors(TrailName=name, EventSelectors=[{
                "ReadWriteType": "All", "IncludeManagementEvents": True,
                "DataResources": [{"Type": "AWS::S3::Object", "Values": ["arn:aws:s3"]}],
            }])


def seed_log_group(endpoint, region, n, key):
    logs = client(endpoint, "logs", region)
    name = "/bench/app-%02d" % n
    params = {"logGroupName": name}
    if n % 2 == 0:
        params["kmsKeyId"] = key
    logs.create_log_group(**params)
    days = {0: 365, 1: 30, 2: 3653}.get(n % 4)
    if days:
        logs.put_retention_policy(logGroupName=name, retentionInDays=days)


def seed_security_alarms(endpoint, region, topic):
    logs = client(endpoint, "logs", region)
    cloudwatch = client(endpoint, "cloudwatch", region)
    logs.create_log_group(logGroupName=TRAIL_LOG_GROUP)
    logs.put_retention_policy(logGroupName=TRAIL_LOG_GROUP, retentionInDays=365)
    for name, pattern in SECURITY_FILTERS:
        logs.put_metric_filter(
            logGroupName=TRAIL_LOG_GROUP, filterName=name, filterPattern=pattern,
            metricTransformations=[{"metricName": name, "metricNamespace": "CISBenchmark", "metricValue": "1"}],
        )
        cloudwatch.put_metric_alarm(
            AlarmName="security-" + name, MetricName=name, Namespace="CISBenchmark",
            Statistic="Sum", Period=300, EvaluationPeriods=1, Threshold=1.0,
            ComparisonOperator="GreaterThanOrEqualToThreshold", AlarmActions=[topic],
        )


def seed_alarm(endpoint, region, n, topic):
    params = {
        "AlarmName": "bench-alarm-%02d" % n, "MetricName": "Errors-%d" % n, "Namespace": "Bench",
        "Statistic": "Sum", "Period": 60, "EvaluationPeriods": 1, "Threshold": 1.0,
        "ComparisonOperator": "GreaterThanOrEqualToThreshold",
        "ActionsEnabled": n % 7 != 3,
    }
    if n % 5 != 0:
        params["AlarmActions"] = [topic]
    client(endpoint, "cloudwatch", region).put_metric_alarm(**params)


def certificate(days, name):
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject).issuer_name(subject).public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=days))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(name)]), critical=False)
        .sign(key, hashes.SHA256())
    )
    return (
        cert.public_bytes(serialization.Encoding.PEM),
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()),
    )


def seed_certificate(endpoint, region, n):
    body, key = certificate(10 if n % 5 == 0 else 400, "app%d.%s.bench.example" % (n, region))
    return client(endpoint, "acm", region).import_certificate(Certificate=body, PrivateKey=key)["CertificateArn"]


def seed_network(endpoint, region):
    ec2 = client(endpoint, "ec2", region)
    vpc = ec2.create_vpc(CidrBlock="10.50.0.0/16")["Vpc"]["VpcId"]
    zones = [z["ZoneName"] for z in ec2.describe_availability_zones()["AvailabilityZones"]][:2]
    subnets = [
        ec2.create_subnet(VpcId=vpc, CidrBlock="10.50.%d.0/24" % i, AvailabilityZone=zone)["Subnet"]["SubnetId"]
        for i, zone in enumerate(zones)
    ]
    return vpc, subnets


def seed_load_balancer(endpoint, region, n, vpc, subnets, certificates):
    elbv2 = client(endpoint, "elbv2", region)
    lb = elbv2.create_load_balancer(
        Name="bench-lb-%02d" % n, Subnets=subnets, Type="application",
        Scheme="internet-facing" if n % 2 == 0 else "internal",
    )["LoadBalancers"][0]["LoadBalancerArn"]
    group = elbv2.create_target_group(Name="bench-tg-%02d" % n, Protocol="HTTP", Port=80, VpcId=vpc)["TargetGroups"][0]["TargetGroupArn"]
    forward = [{"Type": "forward", "TargetGroupArn": group}]
    redirect = [{"Type": "redirect", "RedirectConfig": {"Protocol": "HTTPS", "Port": "443", "StatusCode": "HTTP_301"}}]
    elbv2.create_listener(LoadBalancerArn=lb, Protocol="HTTP", Port=80, DefaultActions=redirect if n % 3 == 0 else forward)
    elbv2.create_listener(
        LoadBalancerArn=lb, Protocol="HTTPS", Port=443, DefaultActions=forward,
        SslPolicy="ELBSecurityPolicy-TLS13-1-2-2021-06" if n % 2 == 0 else "ELBSecurityPolicy-2016-08",
        Certificates=[{"CertificateArn": certificates[n % len(certificates)]}],
    )
    if n % 4 == 0:
        elbv2.modify_load_balancer_attributes(LoadBalancerArn=lb, Attributes=[
            {"Key": "access_logs.s3.enabled", "Value": "true"},
            {"Key": "access_logs.s3.bucket", "Value": trail_bucket(region)},
        ])


def function_zip():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("app.py", "def handler(event, context):\n    return {}\n")
    return buffer.getvalue()


def seed_function(endpoint, region, n, role, code):
    awslambda = client(endpoint, "lambda", region)
    name = "bench-fn-%02d" % n
    runtime = RUNTIMES[n % len(RUNTIMES)]
    arn = awslambda.create_function(
        FunctionName=name, Runtime=runtime, Role=role, Handler=HANDLERS[runtime],
        Code={"ZipFile": code}, Environment={"Variables": {"STAGE": "bench", "DB_PASSWORD": "not-a-real-secret-%d" % n}},
    )["FunctionArn"]
    if n % 6 == 0:
        params = {"FunctionName": name, "StatementId": "public", "Action": "lambda:InvokeFunction", "Principal": "*"}
        if n % 12 == 6:
            params["SourceAccount"] = ACCOUNT
        awslambda.add_permission(**params)
    if n % 5 in (1, 2):
        awslambda.create_function_url_config(FunctionName=name, AuthType="NONE" if n % 5 == 1 else "AWS_IAM")
    return arn


def seed_secret(endpoint, region, n, rotator):
    secrets = client(endpoint, "secretsmanager", region)
    name = "bench/secret-%02d" % n
    secrets.create_secret(Name=name, SecretString="bench-secret-value-%d" % n)
    if n % 2 == 0:
        secrets.rotate_secret(SecretId=name, RotationLambdaARN=rotator, RotationRules={"AutomaticallyAfterDays": 30})


def seed_region_services(endpoint, region, index):
    if index == 0:
        config = client(endpoint, "config", region)
        config.put_configuration_recorder(ConfigurationRecorder={
            "name": "default", "roleARN": "arn:aws:iam::%s:role/soc2scan-bench-config" % ACCOUNT,
            "recordingGroup": {"allSupported": True, "includeGlobalResourceTypes": True},
        })
        config.put_delivery_channel(DeliveryChannel={"name": "default", "s3BucketName": trail_bucket(region)})
        config.start_configuration_recorder(ConfigurationRecorderName="default")
        client(endpoint, "securityhub", region).enable_security_hub()
    if index <= 1:
        client(endpoint, "guardduty", region).create_detector(Enable=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--endpoint", required=True)
    parser.add_argument("--regions", default="eu-west-1,us-east-1,ap-southeast-2")
    parser.add_argument("--scale", type=float, default=1.0, help="multiply every per-region count")
    parser.add_argument("--workers", type=int, default=8)
    args = parser.parse_args()
    regions = [r for r in args.regions.split(",") if r]

    def count(n):
        return max(1, int(round(n * args.scale)))

    counts = {
        "trails": 3, "log_groups": count(60), "alarms": count(40), "load_balancers": count(12),
        "certificates": count(15), "functions": count(40), "secrets": count(30),
    }
    endpoint = args.endpoint
    iam = client(endpoint, "iam", regions[0])
    assume = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]})
    role = iam.create_role(RoleName="soc2scan-bench-lambda", AssumeRolePolicyDocument=assume)["Role"]["Arn"]
    code = function_zip()
    with concurrent.futures.ThreadPoolExecutor(args.workers) as pool:

        def run_all(jobs):
            return [future.result() for future in [pool.submit(*job) for job in jobs]]

        keys = dict(zip(regions, run_all((kms_key, endpoint, r) for r in regions)))
        topics = {r: client(endpoint, "sns", r).create_topic(Name="bench-alarms")["TopicArn"] for r in regions}
        networks = dict(zip(regions, run_all((seed_network, endpoint, r) for r in regions)))
        certificates = {}
        for region in regions:
            certificates[region] = run_all((seed_certificate, endpoint, region, n) for n in range(counts["certificates"]))
        jobs = []
        for index, region in enumerate(regions):
            jobs.append((seed_trails, endpoint, region, index == 0, counts["trails"], keys[region]))
            jobs += [(seed_log_group, endpoint, region, n, keys[region]) for n in range(counts["log_groups"])]
            jobs += [(seed_alarm, endpoint, region, n, topics[region]) for n in range(counts["alarms"])]
            vpc, subnets = networks[region]
            jobs += [(seed_load_balancer, endpoint, region, n, vpc, subnets, certificates[region]) for n in range(counts["load_balancers"])]
            jobs.append((seed_region_services, endpoint, region, index))
        jobs.append((seed_security_alarms, endpoint, regions[0], topics[regions[0]]))
        run_all(jobs)
        functions = {}
        for region in regions:
            functions[region] = run_all((seed_function, endpoint, region, n, role, code) for n in range(counts["functions"]))
        run_all(
            (seed_secret, endpoint, r, n, functions[r][0]) for r in regions for n in range(counts["secrets"])
        )
    json.dump({"regions": regions, "per_region": counts}, sys.stdout)
    print()


if __name__ == "__main__":
    main()
