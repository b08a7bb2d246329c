provider "aws" {
  region = var.aws_region

  # Every taggable resource gets the finance and ownership tags without repeating them.
  # Resources add only their own Name (and Tier) tags.
  default_tags {
    tags = {
      Environment = var.environment
      Project     = var.project
      Owner       = var.owner
      CostCenter  = var.cost_center
      ManagedBy   = "terraform"
    }
  }
}
