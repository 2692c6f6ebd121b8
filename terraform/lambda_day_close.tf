# End-of-day close: writes the daily files. Triggered by schedule.tf; replayable by hand with
# {"business_date": "YYYY-MM-DD"}.
resource "aws_cloudwatch_log_group" "day_close" {
  name              = "/aws/lambda/${local.function_names.day_close}"
  retention_in_days = var.log_retention_days
  kms_key_id        = aws_kms_key.operations.arn
}

resource "aws_lambda_function" "day_close" {
  #checkov:skip=CKV_AWS_116:Asynchronous failures go to the on-failure destination in schedule.tf (the same queue), which also records the error; a second DLQ would duplicate every failure.
  #checkov:skip=CKV_AWS_117:Uses only DynamoDB and S3 over their public AWS endpoints; a VPC would add NAT or endpoints without reducing exposure.
  #checkov:skip=CKV_AWS_173:The environment holds only resource names and settings, no secrets; Lambda encrypts it at rest with its service key.
  #checkov:skip=CKV_AWS_272:The artifact is pinned by source_code_hash of a reproducible build; no signing profile exists for it.
  function_name    = local.function_names.day_close
  description      = "End-of-day close: applies the day's changes to the daily CSV files"
  role             = aws_iam_role.day_close.arn
  handler          = "handlers.day_close.handler"
  runtime          = "python3.12"
  architectures    = ["arm64"]
  filename         = var.lambda_zip_path
  source_code_hash = local.lambda_zip_hash
  memory_size      = var.close_memory_mb
  timeout          = var.close_timeout_seconds
  # One close at a time: a second run would only wait for the close lease and burn a retry.
  reserved_concurrent_executions = 1

  environment {
    variables = {
      POLICY_BUCKET           = aws_s3_bucket.files.id
      POLICY_TABLE            = aws_dynamodb_table.policies.name
      BUSINESS_TIMEZONE       = var.business_timezone
      LOG_LEVEL               = var.log_level
      POWERTOOLS_SERVICE_NAME = "day-close"
    }
  }

  tracing_config {
    mode = "Active"
  }

  depends_on = [aws_cloudwatch_log_group.day_close, aws_iam_role_policy.day_close]
}
