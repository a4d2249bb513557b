"""Seeds an AWS Organization into a moto server for benches/aws_org_scan.py: the
management account (moto's default, 123456789012) creates an organization, nested OUs and
N member accounts through Organizations, and each member gets a small EC2/IAM estate in
each region, written straight into that account with moto's `x-moto-account-id` header
(so seeding needs no role in the member).

    python benches/seed_org.py --endpoint URL [--accounts 200] [--regions eu-west-1,us-east-1]

Prints one JSON line: the organization id, the member account ids and how many resources
were written. Each member's estate, per region: a VPC with two subnets and the default
one, two security groups (one open to the world on SSH), two EBS volumes (one unencrypted)
and a snapshot; once: two users (one with a console password, one with an access key), a
group, a role with an inline policy and a customer managed policy attached, and a password
policy. Every tenth account gets an admin role, so verdicts differ between accounts.
"""

import argparse
import json
import sys
from concurrent.futures import ThreadPoolExecutor

import boto3
from botocore.config import Config

TRUST = json.dumps({"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]})
READ = json.dumps({"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Action": ["s3:GetObject"], "Resource": "*"}]})
ADMIN = json.dumps({"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Action": "*", "Resource": "*"}]})


def client(endpoint, service, region, account=None):
    c = boto3.client(
        service, endpoint_url=endpoint, region_name=region,
        aws_access_key_id="testing", aws_secret_access_key="testing",
        config=Config(retries={"max_attempts": 10, "mode": "standard"}, max_pool_connections=4),
    )
    if account:
        def add_header(request, **_):
            request.headers["x-moto-account-id"] = account
        c.meta.events.register("before-sign.*.*", add_header)
    return c


def seed_member(endpoint, account, regions, index):
    written = 0
    for region in regions:
        ec2 = client(endpoint, "ec2", region, account)
        vpc = ec2.create_vpc(CidrBlock="10.%d.0.0/16" % (index % 200))["Vpc"]["VpcId"]
        for n in range(2):
            ec2.create_subnet(VpcId=vpc, CidrBlock="10.%d.%d.0/24" % (index % 200, n))
        open_group = ec2.create_security_group(GroupName="ssh", Description="ssh", VpcId=vpc)["GroupId"]
        ec2.authorize_security_group_ingress(GroupId=open_group, IpPermissions=[{
            "IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])
        ec2.create_security_group(GroupName="app", Description="app", VpcId=vpc)
        zone = region + "a"
        encrypted = ec2.create_volume(AvailabilityZone=zone, Size=8, Encrypted=True)["VolumeId"]
        ec2.create_volume(AvailabilityZone=zone, Size=8, Encrypted=False)
        ec2.create_snapshot(VolumeId=encrypted)
        written += 8
    iam = client(endpoint, "iam", regions[0], account)
    iam.create_user(UserName="alice")
    iam.create_login_profile(UserName="alice", Password="Correct-Horse-9")
    iam.create_user(UserName="deploy")
    iam.create_access_key(UserName="deploy")
    iam.create_group(GroupName="developers")
    iam.add_user_to_group(GroupName="developers", UserName="alice")
    policy = iam.create_policy(PolicyName="read-objects", PolicyDocument=READ)["Policy"]["Arn"]
    iam.create_role(RoleName="app", AssumeRolePolicyDocument=TRUST)
    iam.attach_role_policy(RoleName="app", PolicyArn=policy)
    iam.put_role_policy(RoleName="app", PolicyName="inline", PolicyDocument=READ)
    if index % 10 == 0:
        iam.create_role(RoleName="break-glass", AssumeRolePolicyDocument=TRUST)
        iam.put_role_policy(RoleName="break-glass", PolicyName="admin", PolicyDocument=ADMIN)
        written += 1
    iam.update_account_password_policy(MinimumPasswordLength=14, RequireSymbols=True)
    return written + 6


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--endpoint", required=True)
    parser.add_argument("--accounts", type=int, default=200)
    parser.add_argument("--regions", default="eu-west-1,us-east-1")
    parser.add_argument("--threads", type=int, default=8)
    args = parser.parse_args()
    regions = args.regions.split(",")
    org = client(args.endpoint, "organizations", "us-east-1")
    organization = org.create_organization(FeatureSet="ALL")["Organization"]["Id"]
    root = org.list_roots()["Roots"][0]["Id"]
    workloads = org.create_organizational_unit(ParentId=root, Name="Workloads")["OrganizationalUnit"]["Id"]
    prod = org.create_organizational_unit(ParentId=workloads, Name="Prod")["OrganizationalUnit"]["Id"]
    dev = org.create_organizational_unit(ParentId=workloads, Name="Dev")["OrganizationalUnit"]["Id"]
    accounts = []
    for n in range(args.accounts):
        status = org.create_account(AccountName="member-%03d" % n, Email="member-%03d@example.com" % n)
        accounts.append(status["CreateAccountStatus"]["AccountId"])
    for n, account in enumerate(accounts):
        target = (prod, dev, root)[n % 3]
        if target != root:
            org.move_account(AccountId=account, SourceParentId=root, DestinationParentId=target)
    with ThreadPoolExecutor(args.threads) as pool:
        written = sum(pool.map(lambda pair: seed_member(args.endpoint, pair[1], regions, pair[0]),
                               enumerate(accounts)))
    print(json.dumps({"organization": organization, "accounts": accounts, "resources_written": written}))


if __name__ == "__main__":
    sys.exit(main())
