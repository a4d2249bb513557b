"""Seeds a moto server with an AWS estate for soc2scan's CLI tests and AWS benchmark.

Usage:
    python seed_moto.py --endpoint http://127.0.0.1:PORT --regions eu-west-1,us-east-1 \
        [--volumes N] [--security-groups N] [--instances N] [--snapshots N] [--users N] \
        [--buckets N] [--db-instances N] [--db-clusters N] [--db-snapshots N] \
        [--keys N] [--tables N] [--file-systems N] [--vaults N] [--backup-plans N] \
        [--canary] [--restricted-user]

Per region: one VPC (with a flow log in the first region only), N volumes (half encrypted,
some attached), N security groups (every third open to the internet on 22, every fifth on
5432), N instances (IMDSv2 required on even ones, detailed monitoring on every third), N
snapshots of the volumes, N S3 buckets (in turn: a public-read policy with SSE-S3 and
versioning never set; SSE-KMS, versioning, TLS-only policy, Block Public Access, access
logging and ACLs disabled; a public ACL grant with versioning suspended); N RDS DB instances
(even ones private, encrypted, Multi-AZ, protected, with 7 days of backups and their logs
exported; odd ones the opposite), N Aurora clusters (even ones encrypted) with one instance
each (public in odd clusters), and N manual DB snapshots of the instances (those of
unencrypted instances public on every other one); N customer-managed KMS keys (rotation on
even ones, a key policy open to everyone on every fourth), N DynamoDB tables (point-in-time
recovery and deletion protection on even ones), N EFS file systems (encrypted and backed up on
even ones), N backup vaults (Vault Lock on even ones) and N backup plans (the first keeps 35
days, the others 7). In IAM: N users with console passwords and
access keys, some with AdministratorAccess attached or an inline `*`/`*` policy, a group and
a role.

--canary puts a marker in one instance's user data and in one S3 object, gives a user an
access key and uses a marker as the databases' master password; the values are printed so
the caller can assert they never reach any output.
--restricted-user creates a user allowed everything except ec2:DescribeVolumes,
ec2:DescribeSnapshotAttribute, rds:DescribeDBInstances and kms:ListKeys (and each --restricted-deny-action,
and sts:AssumeRole on each --restricted-deny-role) and prints its keys (for coverage-gap
tests with IAM enforcement on).

Prints one JSON object on stdout: {"canary_user_data", "canary_object_body",
"canary_secret_access_key", "canary_db_password",
"restricted": {"access_key_id", "secret_access_key"}} (keys present when asked for).
Uses dummy credentials; talks only to --endpoint.
"""

import argparse
import base64
import json
import sys

import boto3

CANARY_USER_DATA = "#!/bin/sh\nexport DB_PASSWORD=soc2scan-canary-user-data-3f9a1c\n"
CANARY_OBJECT_BODY = "customer-record soc2scan-canary-object-body-8e2d41"
ALL_USERS = "http://acs.amazonaws.com/groups/global/AllUsers"
CANARY_DB_PASSWORD = "soc2scan-canary-db-password-7d1e"
ADMIN_POLICY = json.dumps(
    {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}
)
PUBLIC_KEY_POLICY = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "kms:Decrypt", "Resource": "*"}
        ],
    }
)


def client(service, endpoint, region, key="testing", secret="testing"):
    return boto3.client(
        service,
        endpoint_url=endpoint,
        region_name=region,
        aws_access_key_id=key,
        aws_secret_access_key=secret,
    )


def seed_region(args, region, index, out):
    ec2 = client("ec2", args.endpoint, region)
    vpc = ec2.create_vpc(CidrBlock="10.%d.0.0/16" % index)["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.%d.1.0/24" % index)["Subnet"]["SubnetId"]
    if index == 0:
        logs = client("logs", args.endpoint, region)
        logs.create_log_group(logGroupName="vpc-flow-logs")
        ec2.create_flow_logs(
            ResourceIds=[vpc],
            ResourceType="VPC",
            TrafficType="ALL",
            LogGroupName="vpc-flow-logs",
            DeliverLogsPermissionArn="arn:aws:iam::123456789012:role/flow-logs",
        )
    if index == 0:
        ec2.enable_ebs_encryption_by_default()
    zone = region + "a"
    instances = []
    for n in range(args.instances):
        options = {"HttpTokens": "required" if n % 2 == 0 else "optional", "HttpEndpoint": "enabled"}
        extra = {}
        if args.canary and index == 0 and n == 0:
            extra["UserData"] = base64.b64encode(CANARY_USER_DATA.encode()).decode()
            out["canary_user_data"] = CANARY_USER_DATA.strip()
        reservation = ec2.run_instances(
            ImageId="ami-0123456789abcdef0",
            MinCount=1,
            MaxCount=1,
            InstanceType="t3.micro",
            SubnetId=subnet,
            MetadataOptions=options,
            Monitoring={"Enabled": n % 3 == 0},
            **extra,
        )
        instances.append(reservation["Instances"][0]["InstanceId"])
    volumes = []
    for n in range(args.volumes):
        volume = ec2.create_volume(
            AvailabilityZone=zone,
            Size=8 + n % 5,
            Encrypted=n % 2 == 0,
            TagSpecifications=[
                {"ResourceType": "volume", "Tags": [{"Key": "Name", "Value": "data-%d" % n}]}
            ],
        )["VolumeId"]
        volumes.append(volume)
        if n < len(instances) and n % 4 == 0:
            ec2.attach_volume(VolumeId=volume, InstanceId=instances[n], Device="/dev/sdf")
    for n in range(args.snapshots):
        if not volumes:
            break
        ec2.create_snapshot(VolumeId=volumes[n % len(volumes)], Description="backup %d" % n)
    for n in range(args.security_groups):
        group = ec2.create_security_group(
            GroupName="app-%d" % n, Description="app tier %d" % n, VpcId=vpc
        )["GroupId"]
        if n % 3 == 0:
            port, cidr = 22, "0.0.0.0/0"
        elif n % 5 == 0:
            port, cidr = 5432, "0.0.0.0/0"
        else:
            port, cidr = 443, "10.0.0.0/8"
        ec2.authorize_security_group_ingress(
            GroupId=group,
            IpPermissions=[
                {"IpProtocol": "tcp", "FromPort": port, "ToPort": port, "IpRanges": [{"CidrIp": cidr}]}
            ],
        )
    seed_rds(args, region, out)


def seed_rds(args, region, out):
    rds = client("rds", args.endpoint, region)
    password = CANARY_DB_PASSWORD if args.canary else "Correct-Horse-Db-1"
    if args.canary:
        out["canary_db_password"] = CANARY_DB_PASSWORD
    instances = []
    for n in range(args.db_instances):
        good = n % 2 == 0
        engine = "postgres" if good else "mysql"
        name = "db-%d" % n
        rds.create_db_instance(
            DBInstanceIdentifier=name,
            DBInstanceClass="db.t3.micro",
            Engine=engine,
            MasterUsername="admin%d" % n,
            MasterUserPassword=password,
            AllocatedStorage=20,
            PubliclyAccessible=not good,
            StorageEncrypted=good,
            BackupRetentionPeriod=7 if good else 1,
            DeletionProtection=good,
            MultiAZ=good,
            EnableCloudwatchLogsExports=["postgresql"] if good else [],
        )
        instances.append((name, good))
    for n in range(args.db_clusters):
        good = n % 2 == 0
        cluster = "aurora-%d" % n
        rds.create_db_cluster(
            DBClusterIdentifier=cluster,
            Engine="aurora-postgresql" if good else "aurora-mysql",
            MasterUsername="admin%d" % n,
            MasterUserPassword=password,
            StorageEncrypted=good,
        )
        rds.create_db_instance(
            DBInstanceIdentifier="%s-1" % cluster,
            DBInstanceClass="db.r6g.large",
            Engine="aurora-postgresql" if good else "aurora-mysql",
            DBClusterIdentifier=cluster,
            PubliclyAccessible=not good,
        )
    for n in range(args.db_snapshots):
        if not instances:
            break
        name, encrypted = instances[n % len(instances)]
        snapshot = "%s-manual-%d" % (name, n)
        rds.create_db_snapshot(DBInstanceIdentifier=name, DBSnapshotIdentifier=snapshot)
        if not encrypted and n % 2 == 1:
            rds.modify_db_snapshot_attribute(
                DBSnapshotIdentifier=snapshot, AttributeName="restore", ValuesToAdd=["all"]
            )


def seed_buckets(args, region, out):
    s3 = client("s3", args.endpoint, region)
    for n in range(args.buckets):
        name = "soc2scan-seed-%s-%d" % (region, n)
        create = {"Bucket": name}
        if region != "us-east-1":
            create["CreateBucketConfiguration"] = {"LocationConstraint": region}
        if n % 3 == 1:
            create["ObjectOwnership"] = "BucketOwnerEnforced"
        elif n % 3 == 2:
            create["ObjectOwnership"] = "ObjectWriter"
        s3.create_bucket(**create)
        arn = "arn:aws:s3:::" + name
        if n % 3 == 0:
            s3.put_bucket_policy(
                Bucket=name,
                Policy=json.dumps(
                    {
                        "Version": "2012-10-17",
                        "Statement": [
                            {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": arn + "/*"}
                        ],
                    }
                ),
            )
            s3.put_bucket_encryption(
                Bucket=name,
                ServerSideEncryptionConfiguration={
                    "Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]
                },
            )
        elif n % 3 == 1:
            # The log delivery statement first: moto's logging check stops at a statement
            # whose principal is the string "*".
            s3.put_bucket_policy(
                Bucket=name,
                Policy=json.dumps(
                    {
                        "Version": "2012-10-17",
                        "Statement": [
                            {
                                "Effect": "Allow",
                                "Principal": {"Service": "logging.s3.amazonaws.com"},
                                "Action": "s3:PutObject",
                                "Resource": arn + "/*",
                            },
                            {
                                "Effect": "Deny",
                                "Principal": "*",
                                "Action": "s3:*",
                                "Resource": [arn, arn + "/*"],
                                "Condition": {"Bool": {"aws:SecureTransport": "false"}},
                            },
                        ],
                    }
                ),
            )
            s3.put_public_access_block(
                Bucket=name,
                PublicAccessBlockConfiguration={
                    "BlockPublicAcls": True,
                    "IgnorePublicAcls": True,
                    "BlockPublicPolicy": True,
                    "RestrictPublicBuckets": True,
                },
            )
            s3.put_bucket_encryption(
                Bucket=name,
                ServerSideEncryptionConfiguration={
                    "Rules": [
                        {
                            "ApplyServerSideEncryptionByDefault": {
                                "SSEAlgorithm": "aws:kms",
                                "KMSMasterKeyID": "arn:aws:kms:%s:123456789012:key/seed-%d" % (region, n),
                            },
                            "BucketKeyEnabled": True,
                        }
                    ]
                },
            )
            s3.put_bucket_versioning(Bucket=name, VersioningConfiguration={"Status": "Enabled"})
            s3.put_bucket_logging(
                Bucket=name,
                BucketLoggingStatus={"LoggingEnabled": {"TargetBucket": name, "TargetPrefix": "logs/"}},
            )
        else:
            owner = s3.get_bucket_acl(Bucket=name)["Owner"]["ID"]
            s3.put_bucket_acl(
                Bucket=name,
                GrantFullControl="id=" + owner,
                GrantRead="uri=" + ALL_USERS,
            )
            s3.put_bucket_versioning(Bucket=name, VersioningConfiguration={"Status": "Suspended"})
        if args.canary and "canary_object_body" not in out:
            s3.put_object(Bucket=name, Key="customers.csv", Body=CANARY_OBJECT_BODY.encode())
            out["canary_object_body"] = CANARY_OBJECT_BODY


def seed_data_stores(args, region):
    kms = client("kms", args.endpoint, region)
    for n in range(args.keys):
        extra = {"Policy": PUBLIC_KEY_POLICY} if n % 4 == 3 else {}
        key = kms.create_key(Description="data key %d" % n, **extra)["KeyMetadata"]["KeyId"]
        if n % 2 == 0:
            kms.enable_key_rotation(KeyId=key)
    dynamodb = client("dynamodb", args.endpoint, region)
    for n in range(args.tables):
        name = "table-%d" % n
        dynamodb.create_table(
            TableName=name,
            AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
            KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
            BillingMode="PAY_PER_REQUEST",
            DeletionProtectionEnabled=n % 2 == 0,
        )
        if n % 2 == 0:
            dynamodb.update_continuous_backups(
                TableName=name,
                PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": True},
            )
    efs = client("efs", args.endpoint, region)
    for n in range(args.file_systems):
        # moto has no PutBackupPolicy: automatic backups are chosen at creation.
        efs.create_file_system(
            CreationToken="fs-%d" % n,
            Encrypted=n % 2 == 0,
            Backup=n % 2 == 0,
            Tags=[{"Key": "Name", "Value": "share-%d" % n}],
        )
    backup = client("backup", args.endpoint, region)
    for n in range(args.vaults):
        name = "vault-%d" % n
        backup.create_backup_vault(BackupVaultName=name)
        if n % 2 == 0:
            backup.put_backup_vault_lock_configuration(BackupVaultName=name, MinRetentionDays=35)
    for n in range(args.backup_plans):
        backup.create_backup_plan(
            BackupPlan={
                "BackupPlanName": "plan-%d" % n,
                "Rules": [
                    {
                        "RuleName": "daily",
                        "TargetBackupVaultName": "vault-0",
                        "ScheduleExpression": "cron(0 3 * * ? *)",
                        "Lifecycle": {"DeleteAfterDays": 35 if n == 0 else 7},
                    }
                ],
            }
        )


def seed_iam(args, out):
    iam = client("iam", args.endpoint, "us-east-1")
    iam.create_group(GroupName="engineers")
    iam.attach_group_policy(
        GroupName="engineers", PolicyArn="arn:aws:iam::aws:policy/ReadOnlyAccess"
    )
    iam.create_role(
        RoleName="deployer",
        AssumeRolePolicyDocument=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}
                ],
            }
        ),
    )
    iam.put_role_policy(RoleName="deployer", PolicyName="admin", PolicyDocument=ADMIN_POLICY)
    for n in range(args.users):
        name = "user-%d" % n
        iam.create_user(UserName=name)
        iam.add_user_to_group(GroupName="engineers", UserName=name)
        iam.create_login_profile(UserName=name, Password="Correct-Horse-%d!" % n)
        key = iam.create_access_key(UserName=name)["AccessKey"]
        if args.canary and n == 0:
            out["canary_secret_access_key"] = key["SecretAccessKey"]
        if n % 10 == 0:
            iam.attach_user_policy(
                UserName=name, PolicyArn="arn:aws:iam::aws:policy/AdministratorAccess"
            )
        if n % 10 == 5:
            iam.put_user_policy(UserName=name, PolicyName="everything", PolicyDocument=ADMIN_POLICY)
    iam.update_account_password_policy(MinimumPasswordLength=8, RequireNumbers=True)
    if args.restricted_user:
        iam.create_user(UserName="soc2scan-restricted")
        iam.put_user_policy(
            UserName="soc2scan-restricted",
            PolicyName="read-all-but-volumes",
            PolicyDocument=json.dumps(
                {
                    "Version": "2012-10-17",
                    "Statement": [
                        {"Effect": "Allow", "Action": "*", "Resource": "*"},
                        {
                            "Effect": "Deny",
                            "Action": [
                                "ec2:DescribeVolumes",
                                "ec2:DescribeSnapshotAttribute",
                                "rds:DescribeDBInstances",
                                "kms:ListKeys",
                            ]
                            + args.restricted_deny_action,
                            "Resource": "*",
                        },
                    ]
                    + [
                        {"Effect": "Deny", "Action": "sts:AssumeRole", "Resource": role}
                        for role in args.restricted_deny_role
                    ],
                }
            ),
        )
        key = iam.create_access_key(UserName="soc2scan-restricted")["AccessKey"]
        out["restricted"] = {
            "access_key_id": key["AccessKeyId"],
            "secret_access_key": key["SecretAccessKey"],
        }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--endpoint", required=True)
    parser.add_argument("--regions", default="eu-west-1,us-east-1")
    parser.add_argument("--volumes", type=int, default=4)
    parser.add_argument("--security-groups", type=int, default=4)
    parser.add_argument("--instances", type=int, default=2)
    parser.add_argument("--snapshots", type=int, default=2)
    parser.add_argument("--users", type=int, default=3)
    parser.add_argument("--buckets", type=int, default=3, help="S3 buckets per region")
    parser.add_argument("--db-instances", type=int, default=2)
    parser.add_argument("--db-clusters", type=int, default=2)
    parser.add_argument("--db-snapshots", type=int, default=2)
    parser.add_argument("--keys", type=int, default=4, help="customer-managed KMS keys per region")
    parser.add_argument("--tables", type=int, default=2, help="DynamoDB tables per region")
    parser.add_argument("--file-systems", type=int, default=2, help="EFS file systems per region")
    parser.add_argument("--vaults", type=int, default=2, help="backup vaults per region")
    parser.add_argument("--backup-plans", type=int, default=2, help="backup plans per region")
    parser.add_argument("--canary", action="store_true")
    parser.add_argument("--restricted-user", action="store_true")
    parser.add_argument(
        "--restricted-deny-role",
        action="append",
        default=[],
        help="also deny the restricted user sts:AssumeRole on this role ARN (repeatable)",
    )
    parser.add_argument(
        "--restricted-deny-action",
        action="append",
        default=[],
        help="also deny the restricted user this action (repeatable)",
    )
    args = parser.parse_args()
    out = {}
    for index, region in enumerate(r for r in args.regions.split(",") if r):
        seed_region(args, region, index, out)
        seed_data_stores(args, region)
        seed_buckets(args, region, out)
    seed_iam(args, out)
    json.dump(out, sys.stdout)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
