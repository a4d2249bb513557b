variable "cidr" {
  type = string
}

resource "aws_vpc" "this" {
  cidr_block = var.cidr
}

resource "aws_flow_log" "this" {
  vpc_id       = aws_vpc.this.id
  traffic_type = "ALL"
}

module "subnets" {
  source = "./sub"
  count  = 1
  vpc_id = aws_vpc.this.id
}
