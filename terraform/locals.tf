locals {
  name       = "${var.project}-${var.environment}"
  account_id = data.aws_caller_identity.current.account_id
  partition  = data.aws_partition.current.partition

  # Bucket names are global: account and region make the default unique without a random suffix.
  bucket_name = coalesce(var.bucket_name, "${local.name}-files-${local.account_id}-${var.aws_region}")

  function_names = {
    api        = "${local.name}-api"
    day_close  = "${local.name}-day-close"
    operations = "${local.name}-operations"
  }

  # All three functions ship the same artifact (built by `make package`); the hash makes
  # Terraform redeploy exactly when the zip's bytes change.
  lambda_zip_hash = filebase64sha256(var.lambda_zip_path)

  create_cognito = var.jwt_issuer == null
  jwt_issuer     = local.create_cognito ? "https://${aws_cognito_user_pool.users[0].endpoint}" : var.jwt_issuer
  jwt_audience   = local.create_cognito ? [aws_cognito_user_pool_client.api[0].id] : var.jwt_audience
}
