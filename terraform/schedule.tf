# Nightly close: EventBridge -> day-close function. Failures end up in one encrypted queue,
# whether EventBridge could not deliver (target dead-letter queue) or the function kept failing
# after its retries (on-failure destination). Closing is idempotent, so every retry is safe.
resource "aws_cloudwatch_event_rule" "day_close" {
  name                = "${local.name}-day-close"
  description         = "Close the business day that just ended (and any earlier day never closed)"
  schedule_expression = var.close_schedule_expression
}

resource "aws_cloudwatch_event_target" "day_close" {
  rule      = aws_cloudwatch_event_rule.day_close.name
  target_id = "day-close"
  arn       = aws_lambda_function.day_close.arn

  retry_policy {
    maximum_event_age_in_seconds = 6 * 3600
    maximum_retry_attempts       = 24
  }

  dead_letter_config {
    arn = aws_sqs_queue.day_close_failures.arn
  }
}

resource "aws_lambda_permission" "day_close_schedule" {
  statement_id  = "AllowScheduledClose"
  action        = "lambda:InvokeFunction"
  function_name = aws_lambda_function.day_close.function_name
  principal     = "events.amazonaws.com"
  source_arn    = aws_cloudwatch_event_rule.day_close.arn
}

resource "aws_lambda_function_event_invoke_config" "day_close" {
  function_name                = aws_lambda_function.day_close.function_name
  maximum_retry_attempts       = 2
  maximum_event_age_in_seconds = 6 * 3600

  destination_config {
    on_failure {
      destination = aws_sqs_queue.day_close_failures.arn
    }
  }
}

resource "aws_sqs_queue" "day_close_failures" {
  name = "${local.name}-day-close-failures"
  # The longest SQS allows: a failed close may wait over a long weekend for an operator.
  message_retention_seconds         = 14 * 24 * 3600
  kms_master_key_id                 = aws_kms_key.operations.arn
  kms_data_key_reuse_period_seconds = 300
}

resource "aws_sqs_queue_policy" "day_close_failures" {
  queue_url = aws_sqs_queue.day_close_failures.id
  policy    = data.aws_iam_policy_document.day_close_failures.json
}

# EventBridge delivers to a target dead-letter queue under the queue's policy, not a role.
data "aws_iam_policy_document" "day_close_failures" {
  statement {
    sid       = "ScheduleDeadLetters"
    actions   = ["sqs:SendMessage"]
    resources = [aws_sqs_queue.day_close_failures.arn]

    principals {
      type        = "Service"
      identifiers = ["events.amazonaws.com"]
    }

    condition {
      test     = "ArnEquals"
      variable = "aws:SourceArn"
      values   = [aws_cloudwatch_event_rule.day_close.arn]
    }
  }
}
