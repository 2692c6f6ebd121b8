# Athena over every daily file without crawlers or MSCK REPAIR: partition projection derives the
# business_date partitions from the key layout policies/business_date=YYYY-MM-DD/policies.csv.
locals {
  # CONTRACT §5 column order. The CSV's own business_date column is renamed because Athena
  # forbids a column and a partition key with the same name; both always hold the same date.
  daily_file_columns = [
    { name = "policy_id", type = "string" },
    { name = "policy_number", type = "string" },
    { name = "insurance_type", type = "string" },
    { name = "customer_id", type = "string" },
    { name = "insured_member", type = "string" },
    { name = "start_date", type = "string" },
    { name = "end_date", type = "string" },
    { name = "premium", type = "string" },
    { name = "currency", type = "string" },
    { name = "status", type = "string" },
    { name = "renewal_status", type = "string" },
    { name = "renewed_by", type = "string" },
    { name = "details", type = "string" },
    { name = "version", type = "int" },
    { name = "file_business_date", type = "string" },
    { name = "created_at", type = "string" },
    { name = "created_by", type = "string" },
    { name = "updated_at", type = "string" },
    { name = "updated_by", type = "string" },
  ]
}

resource "aws_glue_catalog_database" "analytics" {
  name        = replace("${local.name}_analytics", "-", "_")
  description = "Daily policy files of ${local.name}, for Athena"
}

resource "aws_glue_catalog_table" "daily_policies" {
  name          = "daily_policies"
  database_name = aws_glue_catalog_database.analytics.name
  description   = "One row per policy initiated on business_date, as of that day's last close"
  table_type    = "EXTERNAL_TABLE"

  parameters = {
    "classification"                         = "csv"
    "skip.header.line.count"                 = "1"
    "projection.enabled"                     = "true"
    "projection.business_date.type"          = "date"
    "projection.business_date.format"        = "yyyy-MM-dd"
    "projection.business_date.range"         = "${var.analytics_first_business_date},NOW"
    "projection.business_date.interval"      = "1"
    "projection.business_date.interval.unit" = "DAYS"
    "storage.location.template"              = "s3://${aws_s3_bucket.files.id}/policies/business_date=$${business_date}/"
  }

  partition_keys {
    name = "business_date"
    type = "date"
  }

  storage_descriptor {
    location      = "s3://${aws_s3_bucket.files.id}/policies/"
    input_format  = "org.apache.hadoop.mapred.TextInputFormat"
    output_format = "org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat"

    # OpenCSVSerde understands RFC 4180 quoting (details is JSON with commas and quotes). It reads
    # ISO dates and decimal strings only as strings, so those columns stay strings: cast in SQL.
    ser_de_info {
      name                  = "rfc4180-csv"
      serialization_library = "org.apache.hadoop.hive.serde2.OpenCSVSerde"
      parameters = {
        separatorChar = ","
        quoteChar     = "\""
        # RFC 4180 escapes a quote by doubling it; a backslash escape would corrupt JSON in details.
        escapeChar = "\""
      }
    }

    dynamic "columns" {
      for_each = local.daily_file_columns
      content {
        name = columns.value.name
        type = columns.value.type
      }
    }
  }
}
