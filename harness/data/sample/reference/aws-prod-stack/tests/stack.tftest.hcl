# Plan/apply tests of the whole stack against a mocked AWS provider: no account, no cost.
# The random provider is real, so the suffix and the password are generated as in production.
#   terraform init -backend=false && terraform test

mock_provider "aws" {
  mock_data "aws_availability_zones" {
    defaults = {
      names = ["eu-west-1a", "eu-west-1b", "eu-west-1c"]
    }
  }

  mock_data "aws_partition" {
    defaults = {
      partition = "aws"
    }
  }

  mock_data "aws_iam_policy_document" {
    defaults = {
      json = "{\"Version\":\"2012-10-17\",\"Statement\":[]}"
    }
  }

  # The compute module validates that it receives real ARNs.
  mock_resource "aws_s3_bucket" {
    defaults = {
      arn = "arn:aws:s3:::prod-orders-app-data-mock"
    }
  }

  mock_resource "aws_kms_key" {
    defaults = {
      arn = "arn:aws:kms:eu-west-1:111122223333:key/00000000-0000-0000-0000-000000000000"
    }
  }
}

variables {
  alarm_email = "oncall@example.com"
}

run "names_carry_the_random_suffix" {
  command = apply

  assert {
    condition     = can(regex("^[0-9a-f]{8}$", output.name_suffix))
    error_message = "The suffix must be 8 hex characters (random_id with byte_length = 4)."
  }

  assert {
    condition     = output.app_bucket_name == "prod-orders-app-data-${output.name_suffix}"
    error_message = "The bucket name must be prefixed with prod-orders and end with the suffix."
  }

  assert {
    condition     = output.db_parameter_path == "/prod-orders-${output.name_suffix}/database"
    error_message = "SSM parameters must live under a path that includes the suffix."
  }

  assert {
    condition     = length(output.alarm_names) == 6
    error_message = "Expected CPU and status-check alarms for 2 servers plus 2 database alarms."
  }

  assert {
    condition     = alltrue([for name in output.alarm_names : endswith(name, output.name_suffix)])
    error_message = "Every alarm name must end with the suffix."
  }

  assert {
    condition     = length(output.private_app_subnet_ids) == 2 && length(output.private_db_subnet_ids) == 2
    error_message = "The default deployment spans two availability zones."
  }
}

run "db_password_is_accepted_by_rds" {
  command = apply

  assert {
    condition     = length(regexall("[/@\" ]", nonsensitive(random_password.db_master.result))) == 0
    error_message = "RDS rejects '/', '@', '\"' and spaces in master passwords."
  }

  assert {
    condition     = length(nonsensitive(random_password.db_master.result)) == 32
    error_message = "The master password must be 32 characters long."
  }
}

run "one_nat_gateway_when_asked" {
  command = apply

  variables {
    single_nat_gateway = true
  }

  assert {
    condition     = length(module.networking.nat_gateway_public_ips) == 1
    error_message = "single_nat_gateway = true must create exactly one NAT gateway."
  }
}

run "rejects_unknown_environment" {
  command = plan

  variables {
    environment = "production"
  }

  expect_failures = [var.environment]
}

run "rejects_a_single_availability_zone" {
  command = plan

  variables {
    az_count = 1
  }

  expect_failures = [var.az_count]
}

run "rejects_storage_ceiling_below_allocation" {
  command = plan

  variables {
    db_allocated_storage_gb     = 100
    db_max_allocated_storage_gb = 50
  }

  expect_failures = [var.db_max_allocated_storage_gb]
}
