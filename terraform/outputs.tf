output "api_url" {
  description = "Base URL of the HTTP API (append /policies, /files/{business_date})."
  value       = aws_apigatewayv2_stage.default.invoke_url
}

output "policy_bucket" {
  description = "S3 bucket holding the daily files (POLICY_BUCKET)."
  value       = aws_s3_bucket.files.id
}

output "policy_table" {
  description = "DynamoDB table of policies, journal and file metadata (POLICY_TABLE)."
  value       = aws_dynamodb_table.policies.name
}

output "api_function_name" {
  description = "Name of the HTTP API Lambda function."
  value       = aws_lambda_function.api.function_name
}

output "day_close_function_name" {
  description = "Name of the day-close Lambda function (invoke with {\"business_date\": \"YYYY-MM-DD\"} to replay a close)."
  value       = aws_lambda_function.day_close.function_name
}

output "operations_function_name" {
  description = "Name of the back-office operations Lambda function."
  value       = aws_lambda_function.operations.function_name
}

output "day_close_failures_queue_url" {
  description = "SQS queue receiving close events that could not be delivered or kept failing."
  value       = aws_sqs_queue.day_close_failures.id
}

output "alarm_topic_arn" {
  description = "SNS topic the alarms publish to; subscribe on-call tooling here."
  value       = aws_sns_topic.alarms.arn
}

output "user_pool_id" {
  description = "Cognito user pool id (null when an external jwt_issuer is used)."
  value       = local.create_cognito ? aws_cognito_user_pool.users[0].id : null
}

output "user_pool_client_id" {
  description = "Cognito app client id, the JWT audience (null when an external jwt_issuer is used)."
  value       = local.create_cognito ? aws_cognito_user_pool_client.api[0].id : null
}

output "jwt_issuer" {
  description = "Issuer URL the API's JWT authorizer trusts."
  value       = local.jwt_issuer
}

output "glue_database" {
  description = "Glue database to select in Athena; the daily files are its table daily_policies."
  value       = aws_glue_catalog_database.analytics.name
}
