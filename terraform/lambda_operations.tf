# Back-office entry point, invoked directly (aws lambda invoke) with an "operation" field.
resource "aws_cloudwatch_log_group" "operations" {
  name              = "/aws/lambda/${local.function_names.operations}"
  retention_in_days = var.log_retention_days
  kms_key_id        = aws_kms_key.operations.arn
}

resource "aws_lambda_function" "operations" {
  #checkov:skip=CKV_AWS_116:Invoked synchronously by operators, who see the error in the response; there is no asynchronous trigger.
  #checkov:skip=CKV_AWS_115:Only operators invoke it, by hand; the close it can run is serialised by the close lease in DynamoDB.
  #checkov:skip=CKV_AWS_117:Uses only DynamoDB and S3 over their public AWS endpoints; a VPC would add NAT or endpoints without reducing exposure.
  #checkov:skip=CKV_AWS_173:The environment holds only resource names and settings, no secrets; Lambda encrypts it at rest with its service key.
  #checkov:skip=CKV_AWS_272:The artifact is pinned by source_code_hash of a reproducible build; no signing profile exists for it.
  function_name    = local.function_names.operations
  description      = "Back-office operations: create, read, update, delete, end_of_day_update"
  role             = aws_iam_role.operations.arn
  handler          = "handlers.operations.handler"
  runtime          = "python3.12"
  architectures    = ["arm64"]
  filename         = var.lambda_zip_path
  source_code_hash = local.lambda_zip_hash
  memory_size      = var.close_memory_mb
  # end_of_day_update runs a close, so it needs the close's time budget.
  timeout = var.close_timeout_seconds

  environment {
    variables = {
      POLICY_BUCKET           = aws_s3_bucket.files.id
      POLICY_TABLE            = aws_dynamodb_table.policies.name
      BUSINESS_TIMEZONE       = var.business_timezone
      LOG_LEVEL               = var.log_level
      POWERTOOLS_SERVICE_NAME = "policy-operations"
    }
  }

  tracing_config {
    mode = "Active"
  }

  depends_on = [aws_cloudwatch_log_group.operations, aws_iam_role_policy.operations]
}
