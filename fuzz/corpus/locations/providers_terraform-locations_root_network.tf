resource "aws_vpc" "main" {
  cidr_block = "10.1.0.0/16"
}

# CRLF line endings on purpose.
resource "aws_security_group" "web" {
  vpc_id = aws_vpc.main.id

  ingress {
    from_port   = 22
    to_port     = 22
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
}
