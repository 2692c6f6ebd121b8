terraform {
  # 1.9 is the first release whose variable validations may refer to other variables
  # (jwt_audience is checked against jwt_issuer).
  required_version = "~> 1.9"

  required_providers {
    aws = {
      source = "hashicorp/aws"
      # Validated against 5.100; v6 renames several arguments used here.
      version = "~> 5.100"
    }
  }
}
