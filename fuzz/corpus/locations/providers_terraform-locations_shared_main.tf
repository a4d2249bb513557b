# A module outside the tf root, called as source = "../shared".
resource "aws_iam_account_password_policy" "strict" {
  minimum_password_length = 14
}
