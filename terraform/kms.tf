# One customer-managed key for operational data: log groups, the alarm topic and the dead-letter
# queue. AWS-managed keys cannot be granted to CloudWatch alarms or EventBridge, so an SNS topic or
# SQS queue encrypted with one would silently drop alarms and undeliverable close events.
resource "aws_kms_key" "operations" {
  description             = "${local.name}: log groups, alarm topic, dead-letter queue"
  enable_key_rotation     = true
  deletion_window_in_days = 30
  policy                  = data.aws_iam_policy_document.operations_key.json
}

resource "aws_kms_alias" "operations" {
  name          = "alias/${local.name}-operations"
  target_key_id = aws_kms_key.operations.key_id
}

data "aws_iam_policy_document" "operations_key" {
  #checkov:skip=CKV_AWS_109:A key policy's Resource "*" means this key only; kms:* for the account root is what lets IAM policies grant use of the key at all.
  #checkov:skip=CKV_AWS_111:A key policy's Resource "*" means this key only; the service statements are limited to encrypt/decrypt actions.
  #checkov:skip=CKV_AWS_356:A key policy's Resource "*" means this key only; no other resource can be named there.
  statement {
    sid       = "AccountAdministersAndDelegatesToIam"
    actions   = ["kms:*"]
    resources = ["*"]

    principals {
      type        = "AWS"
      identifiers = ["arn:${local.partition}:iam::${local.account_id}:root"]
    }
  }

  statement {
    sid       = "CloudWatchLogsEncryptsThisAccountsLogGroups"
    actions   = ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"]
    resources = ["*"]

    principals {
      type        = "Service"
      identifiers = ["logs.${var.aws_region}.amazonaws.com"]
    }

    condition {
      test     = "ArnLike"
      variable = "kms:EncryptionContext:aws:logs:arn"
      values   = ["arn:${local.partition}:logs:${var.aws_region}:${local.account_id}:log-group:*"]
    }
  }

  statement {
    sid       = "AlarmsAndScheduleWriteToEncryptedTopicAndQueue"
    actions   = ["kms:Decrypt", "kms:GenerateDataKey"]
    resources = ["*"]

    principals {
      type        = "Service"
      identifiers = ["cloudwatch.amazonaws.com", "events.amazonaws.com"]
    }
  }
}
