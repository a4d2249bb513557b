"""Seeds a moto server with the data stores and backups of issue #10's benchmark.

    python benches/seed_data_stores.py --endpoint http://127.0.0.1:PORT \
        [--regions eu-west-1,us-east-1,ap-southeast-2] [--scale 1] [--workers 8]

Per region (counts at --scale 1): 70 S3 buckets, 20 customer-managed KMS keys, 10 RDS DB
instances, 2 RDS clusters (with one manual cluster snapshot each), 15 manual DB snapshots,
20 DynamoDB tables, 8 EFS file systems, 2 backup vaults and 2 backup plans; plus the account's
S3 Block Public Access. The settings are mixed so that every issue #10 rule has resources
that pass and resources that fail:

- S3 (bucket n of the region): the first bucket is the region's log bucket
  (log-delivery-write ACL); versioning Enabled on even n, Suspended on n % 7 == 3; Block
  Public Access all four on n % 3 == 0, only BlockPublicAcls on n % 3 == 1, none otherwise;
  policy: deny aws:SecureTransport=false on n % 4 == 0 (Principal "*", or {"AWS": "*"} on
  n % 8 == 0), public s3:GetObject on n % 10 == 1,
  public s3:GetObject restricted by aws:SourceVpce on n % 10 == 7, public s3:PutObject on
  n % 15 == 2; public-read ACL on n % 12 == 5; access logging on n % 5 == 0; default
  encryption SSE-KMS on n % 3 == 0, SSE-S3 on n % 3 == 1, none set otherwise; Object
  Ownership BucketOwnerEnforced on even n, ObjectWriter on n % 6 == 1, none otherwise.
- KMS: rotation on even keys; the last key pending deletion (7 days), the one before
  disabled, the one before that with a policy that allows "*" to everyone without a
  condition, the one before that asymmetric (RSA_2048 signing, not rotatable); aliases on the
  first five.
- RDS instances: postgres and mysql in turn; public on n % 3 == 0; unencrypted on
  n % 4 == 1; backup retention 0 on n % 5 == 2, 3 days on n % 5 == 3, else 7 or 14; deletion
  protection on even n; Multi-AZ on n % 3 == 1; log exports on n % 4 in (0, 3). Clusters: one
  encrypted aurora-postgresql, one unencrypted aurora-mysql. Manual DB snapshots of the
  instances in turn (encryption follows the instance), the first two public
  (restore=all). moto adds automated snapshots of its own.
- DynamoDB: PITR on even tables, deletion protection on n % 3 == 0, SSE-KMS on n % 4 == 0.
- EFS: encrypted on even n; automatic backups (set at creation: moto does not implement
  PutBackupPolicy) on n % 3 == 0.
- Backup: vault 0 with Vault Lock, vault 1 without; plan "daily" with two rules (35 days,
  and 365 days with cold storage after 30), plan "short" with one rule kept 7 days.
- Account S3 Block Public Access: all four on except RestrictPublicBuckets.

Uses dummy credentials, talks only to --endpoint; creates in parallel threads (seeding time
is not what the benchmark measures). Prints a JSON summary of what it created.
"""

import argparse
import concurrent.futures
import json
import sys
import threading

import boto3
from botocore.config import Config

ACCOUNT = "123456789012"
local = threading.local()


def client(endpoint, service, region):
    sessions = getattr(local, "clients", None)
    if sessions is None:
        sessions = local.clients = {}
    key = (service, region)
    if key not in sessions:
        # S3 Control names the account in the host (123456789012.HOST:PORT), which loopback
        # cannot resolve: send it through the endpoint as an HTTP proxy (moto takes the
        # absolute-form request line) instead.
        config = Config(proxies={"http": endpoint}) if service == "s3control" else None
        sessions[key] = boto3.session.Session().client(
            service,
            endpoint_url=endpoint,
            region_name=region,
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
            config=config,
        )
    return sessions[key]


def policy(*statements):
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def bucket_name(region, n):
    return "bench-%s-%02d" % (region, n)


def seed_bucket(endpoint, region, n, kms_key):
    s3 = client(endpoint, "s3", region)
    name = bucket_name(region, n)
    arn = "arn:aws:s3:::" + name
    extra = {}
    if region != "us-east-1":
        extra["CreateBucketConfiguration"] = {"LocationConstraint": region}
    if n == 0:
        extra["ACL"] = "log-delivery-write"
    s3.create_bucket(Bucket=name, **extra)
    if n % 2 == 0:
        s3.put_bucket_versioning(Bucket=name, VersioningConfiguration={"Status": "Enabled"})
    elif n % 7 == 3:
        s3.put_bucket_versioning(Bucket=name, VersioningConfiguration={"Status": "Suspended"})
    if n % 3 == 0:
        s3.put_public_access_block(
            Bucket=name,
            PublicAccessBlockConfiguration={
                "BlockPublicAcls": True,
                "IgnorePublicAcls": True,
                "BlockPublicPolicy": True,
                "RestrictPublicBuckets": True,
            },
        )
    elif n % 3 == 1:
        s3.put_public_access_block(
            Bucket=name,
            PublicAccessBlockConfiguration={
                "BlockPublicAcls": True,
                "IgnorePublicAcls": False,
                "BlockPublicPolicy": False,
                "RestrictPublicBuckets": False,
            },
        )
    statements = []
    if n % 4 == 0:
        statements.append(
            {
                "Sid": "DenyInsecureTransport",
                "Effect": "Deny",
                # Both forms of "everyone"; the log bucket (n = 0) needs the map form, moto
                # 5.1.22's logging-permission check fails on a string Principal.
                "Principal": {"AWS": "*"} if n % 8 == 0 else "*",
                "Action": "s3:*",
                "Resource": [arn, arn + "/*"],
                "Condition": {"Bool": {"aws:SecureTransport": "false"}},
            }
        )
    if n % 10 == 1:
        statements.append(
            {"Sid": "PublicRead", "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": arn + "/*"}
        )
    if n % 10 == 7:
        statements.append(
            {
                "Sid": "ReadFromVpce",
                "Effect": "Allow",
                "Principal": {"AWS": "*"},
                "Action": ["s3:GetObject", "s3:ListBucket"],
                "Resource": [arn, arn + "/*"],
                "Condition": {"StringEquals": {"aws:SourceVpce": "vpce-0123456789abcdef0"}},
            }
        )
    if n % 15 == 2:
        statements.append(
            {"Sid": "PublicWrite", "Effect": "Allow", "Principal": "*", "Action": "s3:PutObject", "Resource": arn + "/*"}
        )
    if statements:
        s3.put_bucket_policy(Bucket=name, Policy=policy(*statements))
    if n % 12 == 5:
        s3.put_bucket_acl(Bucket=name, ACL="public-read")
    if n % 5 == 0 and n > 0:
        s3.put_bucket_logging(
            Bucket=name,
            BucketLoggingStatus={
                "LoggingEnabled": {"TargetBucket": bucket_name(region, 0), "TargetPrefix": name + "/"}
            },
        )
    if n % 3 == 0:
        rule = {"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": kms_key}}
        s3.put_bucket_encryption(Bucket=name, ServerSideEncryptionConfiguration={"Rules": [rule]})
    elif n % 3 == 1:
        rule = {"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}
        s3.put_bucket_encryption(Bucket=name, ServerSideEncryptionConfiguration={"Rules": [rule]})
    if n % 2 == 0:
        ownership = "BucketOwnerEnforced"
    elif n % 6 == 1:
        ownership = "ObjectWriter"
    else:
        ownership = None
    if ownership:
        s3.put_bucket_ownership_controls(
            Bucket=name, OwnershipControls={"Rules": [{"ObjectOwnership": ownership}]}
        )


def seed_key(endpoint, region, n, total):
    kms = client(endpoint, "kms", region)
    last = total - 1
    # Spec, usage and MultiRegion given explicitly: AWS always answers them in DescribeKey,
    # moto 5.1.22 leaves out the ones create_key was not given.
    extra = {"KeySpec": "SYMMETRIC_DEFAULT", "KeyUsage": "ENCRYPT_DECRYPT", "MultiRegion": False}
    if n == last - 3:
        extra.update(KeySpec="RSA_2048", KeyUsage="SIGN_VERIFY")
    if n == last - 2:
        extra["Policy"] = policy(
            {"Sid": "Everyone", "Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "kms:*", "Resource": "*"}
        )
    metadata = kms.create_key(Description="bench key %d" % n, **extra)["KeyMetadata"]
    key = metadata["KeyId"]
    if n < 5:
        kms.create_alias(AliasName="alias/bench-%d" % n, TargetKeyId=key)
    if n % 2 == 0 and n != last - 3:
        kms.enable_key_rotation(KeyId=key)
    if n == last - 1:
        kms.disable_key(KeyId=key)
    if n == last:
        kms.schedule_key_deletion(KeyId=key, PendingWindowInDays=7)
    return metadata["Arn"]


def seed_db_instance(endpoint, region, n, kms_key):
    rds = client(endpoint, "rds", region)
    engine = "postgres" if n % 2 == 0 else "mysql"
    encrypted = n % 4 != 1
    extra = {"KmsKeyId": kms_key} if encrypted else {}
    if n % 4 in (0, 3):
        extra["EnableCloudwatchLogsExports"] = ["postgresql"] if engine == "postgres" else ["error", "audit"]
    rds.create_db_instance(
        DBInstanceIdentifier="db-%02d" % n,
        DBInstanceClass="db.t3.micro",
        Engine=engine,
        AllocatedStorage=20,
        MasterUsername="bench",
        MasterUserPassword="bench-password-1",
        PubliclyAccessible=n % 3 == 0,
        StorageEncrypted=encrypted,
        BackupRetentionPeriod={2: 0, 3: 3}.get(n % 5, 7 if n % 2 else 14),
        DeletionProtection=n % 2 == 0,
        MultiAZ=n % 3 == 1,
        **extra,
    )


def seed_db_cluster(endpoint, region, n, kms_key):
    rds = client(endpoint, "rds", region)
    name = "cluster-%d" % n
    extra = {"StorageEncrypted": True, "KmsKeyId": kms_key} if n == 0 else {"StorageEncrypted": False}
    rds.create_db_cluster(
        DBClusterIdentifier=name,
        Engine="aurora-postgresql" if n == 0 else "aurora-mysql",
        MasterUsername="bench",
        MasterUserPassword="bench-password-1",
        BackupRetentionPeriod=7 if n == 0 else 1,
        **extra,
    )
    rds.create_db_cluster_snapshot(DBClusterIdentifier=name, DBClusterSnapshotIdentifier=name + "-manual")


def seed_db_snapshot(endpoint, region, n, instances):
    rds = client(endpoint, "rds", region)
    name = "snap-%02d" % n
    rds.create_db_snapshot(DBInstanceIdentifier="db-%02d" % (n % instances), DBSnapshotIdentifier=name)
    if n < 2:
        rds.modify_db_snapshot_attribute(DBSnapshotIdentifier=name, AttributeName="restore", ValuesToAdd=["all"])


def seed_table(endpoint, region, n, kms_key):
    dynamodb = client(endpoint, "dynamodb", region)
    name = "table-%02d" % n
    extra = {}
    if n % 4 == 0:
        extra["SSESpecification"] = {"Enabled": True, "SSEType": "KMS", "KMSMasterKeyId": kms_key}
    dynamodb.create_table(
        TableName=name,
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        BillingMode="PAY_PER_REQUEST",
        DeletionProtectionEnabled=n % 3 == 0,
        **extra,
    )
    if n % 2 == 0:
        dynamodb.update_continuous_backups(
            TableName=name, PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": True}
        )


def seed_file_system(endpoint, region, n, kms_key):
    efs = client(endpoint, "efs", region)
    extra = {"Encrypted": True, "KmsKeyId": kms_key} if n % 2 == 0 else {"Encrypted": False}
    efs.create_file_system(
        CreationToken="fs-%s-%d" % (region, n),
        Backup=n % 3 == 0,
        Tags=[{"Key": "Name", "Value": "share-%d" % n}],
        **extra,
    )


def seed_backup(endpoint, region, n, kms_key):
    backup = client(endpoint, "backup", region)
    vault = "vault-%d" % n
    # AWS always reports a vault's encryption key; moto only one given at creation.
    backup.create_backup_vault(BackupVaultName=vault, EncryptionKeyArn=kms_key)
    if n == 0:
        backup.put_backup_vault_lock_configuration(BackupVaultName=vault, MinRetentionDays=7, MaxRetentionDays=3650)
    if n == 0:
        rules = [
            {"RuleName": "daily", "TargetBackupVaultName": vault, "ScheduleExpression": "cron(0 5 * * ? *)",
             "Lifecycle": {"DeleteAfterDays": 35}},
            {"RuleName": "yearly", "TargetBackupVaultName": vault, "ScheduleExpression": "cron(0 5 1 1 ? *)",
             "Lifecycle": {"MoveToColdStorageAfterDays": 30, "DeleteAfterDays": 365}},
        ]
        plan = "daily"
    else:
        rules = [
            {"RuleName": "hourly", "TargetBackupVaultName": vault, "ScheduleExpression": "cron(0 * * * ? *)",
             "Lifecycle": {"DeleteAfterDays": 7}},
        ]
        plan = "short"
    backup.create_backup_plan(BackupPlan={"BackupPlanName": plan, "Rules": rules})


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
        "buckets": count(70), "keys": max(4, count(20)), "db_instances": count(10), "db_clusters": 2,
        "db_snapshots": count(15), "tables": count(20), "file_systems": count(8), "vaults": 2, "plans": 2,
    }
    endpoint = args.endpoint
    with concurrent.futures.ThreadPoolExecutor(args.workers) as pool:

        def run_all(jobs):
            for future in [pool.submit(*job) for job in jobs]:
                future.result()

        # Keys first: buckets, instances, tables, file systems and vaults refer to them (by
        # ARN, as AWS reports them).
        keys = {}
        futures = {r: [pool.submit(seed_key, endpoint, r, n, counts["keys"]) for n in range(counts["keys"])] for r in regions}
        for region, region_futures in futures.items():
            keys[region] = [f.result() for f in region_futures]
        client(endpoint, "s3control", regions[0]).put_public_access_block(
            AccountId=ACCOUNT,
            PublicAccessBlockConfiguration={
                "BlockPublicAcls": True,
                "IgnorePublicAcls": True,
                "BlockPublicPolicy": True,
                "RestrictPublicBuckets": False,
            },
        )
        # The log bucket (bucket 0) must exist before the buckets that log to it.
        run_all((seed_bucket, endpoint, r, 0, keys[r][0]) for r in regions)
        jobs = []
        for region in regions:
            key = keys[region][1]
            jobs += [(seed_bucket, endpoint, region, n, key) for n in range(1, counts["buckets"])]
            jobs += [(seed_db_instance, endpoint, region, n, key) for n in range(counts["db_instances"])]
            jobs += [(seed_db_cluster, endpoint, region, n, key) for n in range(counts["db_clusters"])]
            jobs += [(seed_table, endpoint, region, n, key) for n in range(counts["tables"])]
            jobs += [(seed_file_system, endpoint, region, n, key) for n in range(counts["file_systems"])]
            jobs += [(seed_backup, endpoint, region, n, key) for n in range(counts["vaults"])]
        run_all(jobs)
        run_all(
            (seed_db_snapshot, endpoint, r, n, counts["db_instances"])
            for r in regions
            for n in range(counts["db_snapshots"])
        )
    json.dump({"regions": regions, "per_region": counts}, sys.stdout)
    print()


if __name__ == "__main__":
    main()
