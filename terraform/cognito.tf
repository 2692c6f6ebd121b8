# Default identity provider for the JWT authorizer; skipped when jwt_issuer names an external one.
# Tokens carry `sub` and `cognito:groups`, the two claims handlers.api reads (CONTRACT §3).
resource "aws_cognito_user_pool" "users" {
  count = local.create_cognito ? 1 : 0

  name                     = "${local.name}-users"
  deletion_protection      = var.deletion_protection ? "ACTIVE" : "INACTIVE"
  username_attributes      = ["email"]
  auto_verified_attributes = ["email"]
  mfa_configuration        = var.cognito_mfa

  # Customers, agents and admins are enrolled by the insurer, never by self sign-up.
  admin_create_user_config {
    allow_admin_create_user_only = true
  }

  password_policy {
    minimum_length                   = 12
    require_lowercase                = true
    require_uppercase                = true
    require_numbers                  = true
    require_symbols                  = true
    temporary_password_validity_days = 3
  }

  dynamic "software_token_mfa_configuration" {
    for_each = var.cognito_mfa == "OFF" ? [] : [true]
    content {
      enabled = true
    }
  }

  account_recovery_setting {
    recovery_mechanism {
      name     = "verified_email"
      priority = 1
    }
  }
}

resource "aws_cognito_user_pool_client" "api" {
  count = local.create_cognito ? 1 : 0

  name         = "${local.name}-api"
  user_pool_id = aws_cognito_user_pool.users[0].id
  # Public client (browser or CLI): a secret could not be kept.
  generate_secret = false
  # SRP for applications; ADMIN_USER_PASSWORD for operators holding IAM credentials (README).
  explicit_auth_flows           = ["ALLOW_USER_SRP_AUTH", "ALLOW_ADMIN_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]
  prevent_user_existence_errors = "ENABLED"
  enable_token_revocation       = true
  access_token_validity         = 60
  id_token_validity             = 60
  refresh_token_validity        = 30

  token_validity_units {
    access_token  = "minutes"
    id_token      = "minutes"
    refresh_token = "days"
  }
}

# Group names are the roles handlers.api recognises in cognito:groups.
resource "aws_cognito_user_group" "roles" {
  for_each = local.create_cognito ? toset(["admin", "agent"]) : toset([])

  name         = each.key
  user_pool_id = aws_cognito_user_pool.users[0].id
  description  = "Members act as ${each.key} on every policy (CONTRACT §4)"
}
