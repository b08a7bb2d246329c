terraform {
  # 1.10 is the first release with S3-native state locking (`use_lockfile`).
  required_version = ">= 1.10.0, < 2.0.0"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.70"
    }
    random = {
      source  = "hashicorp/random"
      version = "~> 3.6"
    }
  }

  # State lives in the platform team's versioned, encrypted state bucket. The lock is an
  # object next to the state file, so no DynamoDB table has to be created or paid for.
  backend "s3" {
    bucket       = "halyard-terraform-state"
    key          = "prod/orders/terraform.tfstate"
    region       = "eu-west-1"
    encrypt      = true
    use_lockfile = true
  }
}
