# ---- Naming and placement -------------------------------------------------------------------

variable "aws_region" {
  description = "AWS region to deploy into, e.g. eu-central-1. EventBridge cron schedules run in UTC wherever this is."
  type        = string

  validation {
    condition     = can(regex("^[a-z]{2}(-gov)?-[a-z]+-[0-9]$", var.aws_region))
    error_message = "aws_region must look like eu-central-1."
  }
}

variable "project" {
  description = "Short project name; the prefix of every resource name."
  type        = string
  default     = "policy-files"

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,19}$", var.project))
    error_message = "project must be 2-20 lowercase letters, digits or hyphens, starting with a letter."
  }
}

variable "environment" {
  description = "Deployment stage (dev, staging, prod, ...); part of every resource name."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9]{1,9}$", var.environment))
    error_message = "environment must be 2-10 lowercase letters or digits, starting with a letter."
  }
}

variable "tags" {
  description = "Extra tags for every resource (Project, Environment and ManagedBy are always set)."
  type        = map(string)
  default     = {}
}

# ---- Artifact ---------------------------------------------------------------------------------

variable "lambda_zip_path" {
  description = "Path of the Lambda artifact built by `make package`, relative to the Terraform working directory."
  type        = string
  default     = "../dist/lambda.zip"

  validation {
    condition     = endswith(var.lambda_zip_path, ".zip")
    error_message = "lambda_zip_path must point at a .zip file."
  }
}

# ---- Data stores ------------------------------------------------------------------------------

variable "bucket_name" {
  description = "Name of the daily-file bucket; null derives <project>-<environment>-files-<account>-<region>."
  type        = string
  default     = null

  validation {
    condition     = var.bucket_name == null || can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.bucket_name))
    error_message = "bucket_name must be a valid S3 bucket name (3-63 lowercase letters, digits, dots, hyphens)."
  }
}

variable "data_kms_key_arn" {
  description = "Customer-managed KMS key for the bucket (SSE-KMS) and the table; null keeps SSE-S3 and the AWS-managed DynamoDB key."
  type        = string
  default     = null

  validation {
    condition     = var.data_kms_key_arn == null || can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/", var.data_kms_key_arn))
    error_message = "data_kms_key_arn must be a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>)."
  }
}

variable "record_retention_days" {
  description = "Days a daily file or change export is kept after it was last written. Insurance records are kept for years: ten by default."
  type        = number
  default     = 3650

  validation {
    condition     = var.record_retention_days >= 365
    error_message = "record_retention_days must be at least 365."
  }
}

variable "noncurrent_version_retention_days" {
  description = "Days a superseded version of a daily file (an earlier close of the same day) is kept for audit."
  type        = number
  default     = 365

  validation {
    condition     = var.noncurrent_version_retention_days >= 1
    error_message = "noncurrent_version_retention_days must be at least 1."
  }
}

variable "deletion_protection" {
  description = "Protect the DynamoDB table and the Cognito user pool from deletion (turn off only to tear down an environment)."
  type        = bool
  default     = true
}

# ---- Functions --------------------------------------------------------------------------------

variable "business_timezone" {
  description = "IANA time zone that defines the business day (BUSINESS_TIMEZONE); keep close_schedule_expression after its midnight."
  type        = string
  default     = "UTC"

  validation {
    condition     = can(regex("^(UTC|[A-Z][A-Za-z_]+(/[A-Za-z0-9_+-]+){1,2})$", var.business_timezone))
    error_message = "business_timezone must be an IANA zone name such as UTC or Europe/Berlin."
  }
}

variable "log_level" {
  description = "LOG_LEVEL for every function."
  type        = string
  default     = "INFO"

  validation {
    condition     = contains(["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"], var.log_level)
    error_message = "log_level must be one of DEBUG, INFO, WARNING, ERROR, CRITICAL."
  }
}

variable "log_retention_days" {
  description = "Retention of the function and API access log groups, in days."
  type        = number
  default     = 365

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be a retention CloudWatch Logs accepts (1, 3, 5, 7, 14, 30, ... 3653)."
  }
}

variable "api_memory_mb" {
  description = "Memory of the API function in MB (CPU scales with it, and so does cold-start time)."
  type        = number
  default     = 512

  validation {
    condition     = var.api_memory_mb >= 128 && var.api_memory_mb <= 10240
    error_message = "api_memory_mb must be between 128 and 10240."
  }
}

variable "close_memory_mb" {
  description = "Memory of the day-close and operations functions in MB."
  type        = number
  default     = 1024

  validation {
    condition     = var.close_memory_mb >= 128 && var.close_memory_mb <= 10240
    error_message = "close_memory_mb must be between 128 and 10240."
  }
}

variable "close_timeout_seconds" {
  description = "Timeout of the day-close and operations functions; a close that runs out resumes on the next run."
  type        = number
  default     = 600

  validation {
    condition     = var.close_timeout_seconds >= 30 && var.close_timeout_seconds <= 900
    error_message = "close_timeout_seconds must be between 30 and 900."
  }
}

# ---- Schedule ---------------------------------------------------------------------------------

variable "close_schedule_expression" {
  description = "EventBridge schedule (UTC) of the day close; the default runs at 00:15 UTC, after midnight in UTC."
  type        = string
  default     = "cron(15 0 * * ? *)"

  validation {
    condition     = can(regex("^(cron|rate)\\(.+\\)$", var.close_schedule_expression))
    error_message = "close_schedule_expression must be an EventBridge cron(...) or rate(...) expression."
  }
}

# ---- HTTP API and identity --------------------------------------------------------------------

variable "api_throttle_rate_limit" {
  description = "Steady-state requests per second the HTTP API accepts across all routes."
  type        = number
  default     = 50

  validation {
    condition     = var.api_throttle_rate_limit > 0
    error_message = "api_throttle_rate_limit must be positive."
  }
}

variable "api_throttle_burst_limit" {
  description = "Burst of requests the HTTP API accepts above the steady rate."
  type        = number
  default     = 100

  validation {
    condition     = var.api_throttle_burst_limit > 0
    error_message = "api_throttle_burst_limit must be positive."
  }
}

variable "jwt_issuer" {
  description = "Issuer URL of an external OIDC provider for the JWT authorizer; null creates a Cognito user pool and client instead."
  type        = string
  default     = null

  validation {
    condition     = var.jwt_issuer == null || can(regex("^https://", var.jwt_issuer))
    error_message = "jwt_issuer must be an https:// URL."
  }
}

variable "jwt_audience" {
  description = "Accepted token audiences (aud or client_id claim) when jwt_issuer is set; must be empty otherwise."
  type        = list(string)
  default     = []

  validation {
    condition     = var.jwt_issuer == null ? length(var.jwt_audience) == 0 : length(var.jwt_audience) > 0
    error_message = "Give jwt_audience exactly when jwt_issuer is set."
  }
}

variable "cognito_mfa" {
  description = "MFA setting of the created Cognito user pool (OFF, OPTIONAL or ON; TOTP apps)."
  type        = string
  default     = "OPTIONAL"

  validation {
    condition     = contains(["OFF", "OPTIONAL", "ON"], var.cognito_mfa)
    error_message = "cognito_mfa must be OFF, OPTIONAL or ON."
  }
}

# ---- Monitoring and analytics -----------------------------------------------------------------

variable "alarm_email" {
  description = "E-mail address subscribed to the alarm topic (confirm the subscription mail); null subscribes nobody."
  type        = string
  default     = null

  validation {
    condition     = var.alarm_email == null || can(regex("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$", var.alarm_email))
    error_message = "alarm_email must be an e-mail address."
  }
}

variable "api_5xx_alarm_threshold" {
  description = "5xx responses within five minutes that raise the API alarm (the contract allows none)."
  type        = number
  default     = 1

  validation {
    condition     = var.api_5xx_alarm_threshold >= 1
    error_message = "api_5xx_alarm_threshold must be at least 1."
  }
}

variable "analytics_first_business_date" {
  description = "Earliest business date (YYYY-MM-DD) Athena's partition projection enumerates."
  type        = string
  default     = "2024-01-01"

  validation {
    condition     = can(regex("^[0-9]{4}-[0-9]{2}-[0-9]{2}$", var.analytics_first_business_date))
    error_message = "analytics_first_business_date must be a date in YYYY-MM-DD form."
  }
}
