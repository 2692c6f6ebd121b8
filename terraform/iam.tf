# One role per function, each allowed only the actions its code calls, on this table and its
# indexes, this bucket's two data prefixes (policies/, changes/) and its own log group.
# TransactWriteItems has no IAM action of its own: each Put/Update/Delete in a transaction is
# authorised as PutItem/UpdateItem/DeleteItem. tests/unit/test_terraform.py derives the DynamoDB
# and S3 actions from the calls in src/adapters and fails if a grant is missing or unused.

data "aws_iam_policy_document" "lambda_assume_role" {
  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["lambda.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "api" {
  name               = local.function_names.api
  assume_role_policy = data.aws_iam_policy_document.lambda_assume_role.json
}

resource "aws_iam_role" "day_close" {
  name               = local.function_names.day_close
  assume_role_policy = data.aws_iam_policy_document.lambda_assume_role.json
}

resource "aws_iam_role" "operations" {
  name               = local.function_names.operations
  assume_role_policy = data.aws_iam_policy_document.lambda_assume_role.json
}

# Tracing: X-Ray's write actions take no resource ARN, so the AWS-managed policy is as narrow as
# it gets.
resource "aws_iam_role_policy_attachment" "xray" {
  for_each = {
    api        = aws_iam_role.api.name
    day_close  = aws_iam_role.day_close.name
    operations = aws_iam_role.operations.name
  }
  role       = each.value
  policy_arn = "arn:${local.partition}:iam::aws:policy/AWSXRayDaemonWriteAccess"
}

resource "aws_iam_role_policy" "api" {
  name   = "least-privilege"
  role   = aws_iam_role.api.id
  policy = data.aws_iam_policy_document.api.json
}

resource "aws_iam_role_policy" "day_close" {
  name   = "least-privilege"
  role   = aws_iam_role.day_close.id
  policy = data.aws_iam_policy_document.day_close.json
}

resource "aws_iam_role_policy" "operations" {
  name   = "least-privilege"
  role   = aws_iam_role.operations.id
  policy = data.aws_iam_policy_document.operations.json
}

# ---- API: policies and file metadata in DynamoDB only (GET /files reads metadata, not S3) ----

data "aws_iam_policy_document" "api" {
  statement {
    sid       = "WriteOwnLogs"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["${aws_cloudwatch_log_group.api.arn}:*"]
  }

  statement {
    sid       = "PolicyItems"
    actions   = ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem"]
    resources = [aws_dynamodb_table.policies.arn]
  }

  statement {
    sid       = "PolicyQueries"
    actions   = ["dynamodb:Query", "dynamodb:Scan"]
    resources = [aws_dynamodb_table.policies.arn, "${aws_dynamodb_table.policies.arn}/index/*"]
  }

  dynamic "statement" {
    for_each = var.data_kms_key_arn == null ? [] : [var.data_kms_key_arn]
    content {
      sid       = "DataKeyThroughDynamoDB"
      actions   = ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey", "kms:DescribeKey"]
      resources = [statement.value]

      condition {
        test     = "StringEquals"
        variable = "kms:ViaService"
        values   = ["dynamodb.${var.aws_region}.amazonaws.com"]
      }
    }
  }
}

# ---- Day close: journal and metadata in DynamoDB, daily files in S3 ---------------------------

data "aws_iam_policy_document" "day_close" {
  statement {
    sid       = "WriteOwnLogs"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["${aws_cloudwatch_log_group.day_close.arn}:*"]
  }

  statement {
    sid       = "JournalAndMetadataItems"
    actions   = ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem"]
    resources = [aws_dynamodb_table.policies.arn]
  }

  statement {
    sid       = "JournalQueries"
    actions   = ["dynamodb:Query", "dynamodb:Scan"]
    resources = [aws_dynamodb_table.policies.arn, "${aws_dynamodb_table.policies.arn}/index/*"]
  }

  statement {
    sid       = "DailyFiles"
    actions   = ["s3:GetObject", "s3:PutObject"]
    resources = ["${aws_s3_bucket.files.arn}/policies/*", "${aws_s3_bucket.files.arn}/changes/*"]
  }

  # Without ListBucket a missing daily file reads as 403 instead of 404.
  statement {
    sid       = "MissingFileReadsAsNotFound"
    actions   = ["s3:ListBucket"]
    resources = [aws_s3_bucket.files.arn]
  }

  # The on-failure destination of asynchronous invocations is written with the function's role.
  statement {
    sid       = "ReportFailedInvocations"
    actions   = ["sqs:SendMessage"]
    resources = [aws_sqs_queue.day_close_failures.arn]
  }

  statement {
    sid       = "EncryptFailedInvocations"
    actions   = ["kms:GenerateDataKey", "kms:Decrypt"]
    resources = [aws_kms_key.operations.arn]
  }

  dynamic "statement" {
    for_each = var.data_kms_key_arn == null ? [] : [var.data_kms_key_arn]
    content {
      sid       = "DataKeyThroughS3AndDynamoDB"
      actions   = ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey", "kms:DescribeKey"]
      resources = [statement.value]

      condition {
        test     = "StringEquals"
        variable = "kms:ViaService"
        values   = ["s3.${var.aws_region}.amazonaws.com", "dynamodb.${var.aws_region}.amazonaws.com"]
      }
    }
  }
}

# ---- Operations: what the API does plus the close (end_of_day_update) -------------------------

data "aws_iam_policy_document" "operations" {
  statement {
    sid       = "WriteOwnLogs"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["${aws_cloudwatch_log_group.operations.arn}:*"]
  }

  statement {
    sid       = "PolicyJournalAndMetadataItems"
    actions   = ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem"]
    resources = [aws_dynamodb_table.policies.arn]
  }

  statement {
    sid       = "PolicyAndJournalQueries"
    actions   = ["dynamodb:Query", "dynamodb:Scan"]
    resources = [aws_dynamodb_table.policies.arn, "${aws_dynamodb_table.policies.arn}/index/*"]
  }

  statement {
    sid       = "DailyFiles"
    actions   = ["s3:GetObject", "s3:PutObject"]
    resources = ["${aws_s3_bucket.files.arn}/policies/*", "${aws_s3_bucket.files.arn}/changes/*"]
  }

  statement {
    sid       = "MissingFileReadsAsNotFound"
    actions   = ["s3:ListBucket"]
    resources = [aws_s3_bucket.files.arn]
  }

  dynamic "statement" {
    for_each = var.data_kms_key_arn == null ? [] : [var.data_kms_key_arn]
    content {
      sid       = "DataKeyThroughS3AndDynamoDB"
      actions   = ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey", "kms:DescribeKey"]
      resources = [statement.value]

      condition {
        test     = "StringEquals"
        variable = "kms:ViaService"
        values   = ["s3.${var.aws_region}.amazonaws.com", "dynamodb.${var.aws_region}.amazonaws.com"]
      }
    }
  }
}
