variable "vpc_id" {
  type = string
}

resource "aws_network_acl" "this" {
  vpc_id = var.vpc_id
}
