# Daily policy files (policies/business_date=YYYY-MM-DD/policies.csv) and change exports
# (changes/business_date=YYYY-MM-DD/changes.jsonl).
resource "aws_s3_bucket" "files" {
  #checkov:skip=CKV_AWS_18:Server access logs would need a second bucket per environment; object-level audit belongs in an account-wide CloudTrail data-event trail, outside this stack.
  #checkov:skip=CKV_AWS_144:Cross-region replication is a disaster-recovery decision (second region, second bucket) left to the operator; versioning covers overwrite and deletion.
  #checkov:skip=CKV2_AWS_62:No consumer listens for object events; the close records every write in DynamoDB file metadata.
  bucket = local.bucket_name
}

resource "aws_s3_bucket_public_access_block" "files" {
  bucket                  = aws_s3_bucket.files.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_ownership_controls" "files" {
  bucket = aws_s3_bucket.files.id

  rule {
    object_ownership = "BucketOwnerEnforced"
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "files" {
  bucket = aws_s3_bucket.files.id

  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm     = var.data_kms_key_arn == null ? "AES256" : "aws:kms"
      kms_master_key_id = var.data_kms_key_arn
    }
    # A bucket key cuts KMS requests (and cost) per object when SSE-KMS is on.
    bucket_key_enabled = var.data_kms_key_arn != null
  }
}

# Versioning keeps every earlier close of a day: a rewrite never loses the previous file.
resource "aws_s3_bucket_versioning" "files" {
  bucket = aws_s3_bucket.files.id

  versioning_configuration {
    status = "Enabled"
  }
}

# The bucket holds nothing but daily files and change exports, so one rule covers it all.
resource "aws_s3_bucket_lifecycle_configuration" "files" {
  bucket = aws_s3_bucket.files.id

  rule {
    id     = "retention"
    status = "Enabled"

    filter {}

    # In a versioned bucket this turns the current version into a superseded one, which the
    # noncurrent rule below removes later.
    expiration {
      days = var.record_retention_days
    }

    noncurrent_version_expiration {
      noncurrent_days = var.noncurrent_version_retention_days
    }

    abort_incomplete_multipart_upload {
      days_after_initiation = 7
    }
  }

  # Lifecycle rules act on versions, so they must wait until versioning is on.
  depends_on = [aws_s3_bucket_versioning.files]
}

resource "aws_s3_bucket_policy" "files" {
  bucket = aws_s3_bucket.files.id
  policy = data.aws_iam_policy_document.files_bucket.json

  # Applying a policy while Block Public Access is still being set up can race and fail.
  depends_on = [aws_s3_bucket_public_access_block.files]
}

data "aws_iam_policy_document" "files_bucket" {
  statement {
    sid       = "DenyInsecureTransport"
    effect    = "Deny"
    actions   = ["s3:*"]
    resources = [aws_s3_bucket.files.arn, "${aws_s3_bucket.files.arn}/*"]

    principals {
      type        = "*"
      identifiers = ["*"]
    }

    condition {
      test     = "Bool"
      variable = "aws:SecureTransport"
      values   = ["false"]
    }
  }

  statement {
    sid       = "DenyOutdatedTls"
    effect    = "Deny"
    actions   = ["s3:*"]
    resources = [aws_s3_bucket.files.arn, "${aws_s3_bucket.files.arn}/*"]

    principals {
      type        = "*"
      identifiers = ["*"]
    }

    condition {
      test     = "NumericLessThan"
      variable = "s3:TlsVersion"
      values   = ["1.2"]
    }
  }
}
