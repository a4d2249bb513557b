provider "aws" {
  region = "us-east-1"
}

resource "aws_ebs_encryption_by_default" "this" {
  enabled = false
}

resource "aws_iam_account_password_policy" "weak" {
  minimum_password_length = 8
  require_numbers         = true
}

resource "aws_vpc" "main" {
  cidr_block = "172.16.0.0/16"
}

resource "aws_flow_log" "main" {
  vpc_id          = aws_vpc.main.id
  traffic_type    = "REJECT"
  log_destination = "arn:aws:s3:::legacy-flow-logs"
}

resource "aws_instance" "bastion" {
  ami                         = "ami-0fedcba9876543210"
  instance_type               = "t3.nano"
  associate_public_ip_address = true

  root_block_device {
    encrypted = false
  }
}

resource "aws_ebs_snapshot" "bastion" {
  volume_id = aws_instance.bastion.root_block_device[0].volume_id
}

resource "aws_iam_user" "carol" {
  name = "carol"
}

resource "aws_iam_user_policy" "carol_inline" {
  name = "carol-ec2"
  user = aws_iam_user.carol.name
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "ec2:Describe*", Resource = "*" }]
  })
}

resource "aws_ebs_snapshot" "bastion_encrypted" {
  volume_id = "vol-0a1b2c3d4e5f60002"
}

resource "aws_ami" "base" {
  name                = "base-2025-06"
  root_device_name    = "/dev/xvda"
  virtualization_type = "hvm"

  ebs_block_device {
    device_name = "/dev/xvda"
    snapshot_id = aws_ebs_snapshot.bastion_encrypted.id
  }
}

resource "aws_default_security_group" "default" {
  vpc_id = aws_vpc.main.id
}
