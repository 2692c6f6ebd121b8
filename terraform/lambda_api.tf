# HTTP API backend (API Gateway payload format 2.0).
resource "aws_cloudwatch_log_group" "api" {
  name              = "/aws/lambda/${local.function_names.api}"
  retention_in_days = var.log_retention_days
  kms_key_id        = aws_kms_key.operations.arn
}

resource "aws_lambda_function" "api" {
  #checkov:skip=CKV_AWS_116:Invoked synchronously by API Gateway; a dead-letter queue only applies to asynchronous invocations.
  #checkov:skip=CKV_AWS_115:Concurrency is bounded by the HTTP API stage throttling; reserving it here would also fail on accounts with the default low limits.
  #checkov:skip=CKV_AWS_117:Uses only DynamoDB and S3 over their public AWS endpoints; a VPC would add NAT or endpoints without reducing exposure.
  #checkov:skip=CKV_AWS_173:The environment holds only resource names and settings, no secrets; Lambda encrypts it at rest with its service key.
  #checkov:skip=CKV_AWS_272:The artifact is pinned by source_code_hash of a reproducible build; no signing profile exists for it.
  function_name    = local.function_names.api
  description      = "Policies HTTP API (API Gateway HTTP API, payload 2.0)"
  role             = aws_iam_role.api.arn
  handler          = "handlers.api.handler"
  runtime          = "python3.12"
  architectures    = ["arm64"]
  filename         = var.lambda_zip_path
  source_code_hash = local.lambda_zip_hash
  memory_size      = var.api_memory_mb
  # API Gateway gives up on an integration after 30 s; stop first so the caller gets our error.
  timeout = 29

  environment {
    variables = {
      POLICY_BUCKET           = aws_s3_bucket.files.id
      POLICY_TABLE            = aws_dynamodb_table.policies.name
      BUSINESS_TIMEZONE       = var.business_timezone
      LOG_LEVEL               = var.log_level
      POWERTOOLS_SERVICE_NAME = "policy-api"
    }
  }

  tracing_config {
    mode = "Active"
  }

  # The log group must exist (with retention and KMS) before Lambda would create a default one.
  depends_on = [aws_cloudwatch_log_group.api, aws_iam_role_policy.api]
}
