terraform {
  required_providers {
    aws    = { source = "hashicorp/aws", version = "~> 5.80" }
    google = { source = "hashicorp/google", version = "~> 6.10" }
  }
}

provider "aws" {
  region = "eu-west-1"
}

provider "google" {
  project = "acme-prod"
}

module "network" {
  source   = "./modules/network"
  for_each = { prod = "10.0.0.0/16" }

  name       = each.key
  cidr_block = each.value
}

# --- EBS -----------------------------------------------------------------

resource "aws_ebs_encryption_by_default" "this" {
  enabled = true
}

resource "aws_ebs_volume" "data" {
  availability_zone = "eu-west-1a"
  size              = 100
  encrypted         = true
}

resource "aws_ebs_volume" "scratch" {
  count             = 2
  availability_zone = "eu-west-1b"
  size              = 50
  encrypted         = false
}

# Encryption left to the region default: known only after apply.
resource "aws_ebs_volume" "logs" {
  availability_zone = "eu-west-1a"
  size              = 20
}

resource "aws_ebs_snapshot" "data" {
  volume_id = aws_ebs_volume.data.id
}

resource "aws_ami" "golden" {
  name                = "golden-2026-11"
  root_device_name    = "/dev/xvda"
  virtualization_type = "hvm"

  ebs_block_device {
    device_name = "/dev/xvda"
    snapshot_id = aws_ebs_snapshot.data.id
  }
}

resource "aws_ami_launch_permission" "everyone" {
  image_id = aws_ami.golden.id
  group    = "all"
}

# --- EC2 instances -------------------------------------------------------

resource "aws_instance" "web" {
  for_each = { a = true, b = false }

  ami                         = "ami-0abcdef1234567890"
  instance_type               = "t3.micro"
  associate_public_ip_address = !each.value
  monitoring                  = each.value

  metadata_options {
    http_tokens   = each.value ? "required" : "optional"
    http_endpoint = "enabled"
  }

  root_block_device {
    encrypted = each.value
  }
}

resource "aws_instance" "worker" {
  ami           = "ami-0abcdef1234567890"
  instance_type = "m6i.large"
  monitoring    = true
}

# --- Security groups -----------------------------------------------------

resource "aws_security_group" "web" {
  name   = "web"
  vpc_id = module.network["prod"].vpc_id

  ingress {
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
}

resource "aws_security_group_rule" "ssh" {
  type              = "ingress"
  security_group_id = aws_security_group.web.id
  from_port         = 22
  to_port           = 22
  protocol          = "tcp"
  cidr_blocks       = ["0.0.0.0/0"]
}

resource "aws_security_group" "db" {
  name   = "db"
  vpc_id = module.network["prod"].vpc_id
}

resource "aws_vpc_security_group_ingress_rule" "postgres" {
  security_group_id = aws_security_group.db.id
  ip_protocol       = "tcp"
  from_port         = 5432
  to_port           = 5432
  cidr_ipv4         = "0.0.0.0/0"
}

resource "aws_security_group" "internal" {
  name   = "internal"
  vpc_id = module.network["prod"].vpc_id

  ingress {
    from_port   = 0
    to_port     = 0
    protocol    = "-1"
    cidr_blocks = ["10.0.0.0/8"]
  }
}

resource "aws_default_security_group" "default" {
  vpc_id = module.network["prod"].vpc_id

  ingress {
    from_port = 0
    to_port   = 0
    protocol  = "-1"
    self      = true
  }
}

# A group created outside this configuration.
resource "aws_security_group_rule" "legacy_open" {
  type              = "ingress"
  security_group_id = "sg-0legacy0000000001"
  from_port         = 0
  to_port           = 65535
  protocol          = "tcp"
  cidr_blocks       = ["0.0.0.0/0"]
}

# --- IAM -----------------------------------------------------------------

resource "aws_iam_account_password_policy" "strict" {
  minimum_password_length        = 14
  require_symbols                = true
  require_numbers                = true
  require_uppercase_characters   = true
  require_lowercase_characters   = true
  max_password_age               = 90
  password_reuse_prevention      = 24
  allow_users_to_change_password = true
}

resource "aws_iam_policy" "admin" {
  name = "break-glass-admin"
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "*", Resource = "*" }]
  })
}

resource "aws_iam_policy" "readonly" {
  name = "s3-readonly"
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = ["s3:Get*", "s3:List*"], Resource = "*" }]
  })
}

resource "aws_iam_policy" "app" {
  name = "app-data"
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "dynamodb:*", Resource = aws_ebs_volume.logs.arn }]
  })
}

resource "aws_iam_role" "ci" {
  name = "ci-deployer"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "codebuild.amazonaws.com" } }]
  })
}

resource "aws_iam_role_policy_attachment" "ci_admin" {
  role       = aws_iam_role.ci.name
  policy_arn = aws_iam_policy.admin.arn
}

resource "aws_iam_role" "app" {
  name = "app"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "ec2.amazonaws.com" } }]
  })
}

resource "aws_iam_role_policy_attachment" "app" {
  role       = aws_iam_role.app.name
  policy_arn = aws_iam_policy.app.arn
}

resource "aws_iam_group" "devs" {
  name = "developers"
}

resource "aws_iam_group_policy_attachment" "devs_readonly" {
  group      = aws_iam_group.devs.name
  policy_arn = aws_iam_policy.readonly.arn
}

resource "aws_iam_user" "alice" {
  name = "alice"
}

resource "aws_iam_user_policy_attachment" "alice_admin" {
  user       = aws_iam_user.alice.name
  policy_arn = "arn:aws:iam::aws:policy/AdministratorAccess"
}

resource "aws_iam_access_key" "alice" {
  user = aws_iam_user.alice.name
}

resource "aws_iam_user" "bob" {
  name = "bob"
}

resource "aws_iam_access_key" "bob" {
  count = 2
  user  = aws_iam_user.bob.name
}

resource "aws_iam_user_login_profile" "bob" {
  user = aws_iam_user.bob.name
}

# --- Cloud Storage -------------------------------------------------------

resource "google_storage_bucket" "public_assets" {
  name     = "acme-public-assets"
  location = "EU"
}

resource "google_storage_bucket_iam_member" "public_read" {
  bucket = google_storage_bucket.public_assets.name
  role   = "roles/storage.objectViewer"
  member = "allUsers"
}

resource "google_storage_bucket" "records" {
  name                        = "acme-customer-records"
  location                    = "europe-west1"
  uniform_bucket_level_access = true
  public_access_prevention    = "enforced"

  versioning {
    enabled = true
  }

  encryption {
    default_kms_key_name = "projects/acme-prod/locations/europe-west1/keyRings/storage/cryptoKeys/records"
  }

  logging {
    log_bucket = "acme-access-logs"
  }

  soft_delete_policy {
    retention_duration_seconds = 1209600
  }
}

resource "google_storage_bucket_iam_binding" "records_readers" {
  bucket  = google_storage_bucket.records.name
  role    = "roles/storage.objectViewer"
  members = ["group:records-readers@acme.example"]
}

resource "google_storage_bucket" "legacy_exports" {
  name                        = "acme-legacy-exports"
  location                    = "US"
  uniform_bucket_level_access = false
  public_access_prevention    = "inherited"

  versioning {
    enabled = false
  }

  soft_delete_policy {
    retention_duration_seconds = 0
  }
}

# --- Not modelled by soc2scan --------------------------------------------

resource "aws_s3_bucket" "artifacts" {
  bucket = "acme-build-artifacts"
}
