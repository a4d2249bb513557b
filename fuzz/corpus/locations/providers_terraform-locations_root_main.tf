# Root module of the location fixture. Line numbers here are asserted by
# providers/tests/terraform_locations.rs: edit both together.
terraform {
  required_version = ">= 1.5"
}

# resource "aws_s3_bucket" "commented_out" {
// resource "aws_s3_bucket" "slashed_out" {
/*
resource "aws_s3_bucket" "block_commented" {
  bucket = "x"
}
*/

resource "aws_ebs_volume" "data" {
  availability_zone = "eu-west-1a"
  size              = 10
  encrypted         = false
}

resource "aws_iam_policy" "heredoc" {
  name   = "heredoc"
  policy = <<-EOT
    resource "aws_s3_bucket" "in_heredoc" {
    }
  EOT
  description = "resource \"aws_s3_bucket\" \"in_string\" {"
}

data "aws_iam_policy_document" "assume" {
  statement {
    actions = ["sts:AssumeRole"]
  }
}

module "net" {
  source = "./modules/net"
  cidr   = "10.0.0.0/16"
}

module "web_a" {
  source = "./modules/web"
  count  = 2
}

module "web_b" {
  source   = "./modules/web"
  for_each = toset(["blue", "green"])
}

module "vpc" {
  source  = "terraform-aws-modules/vpc/aws"
  version = "5.8.1"
}

module "shared" {
  source = "../shared"
}
