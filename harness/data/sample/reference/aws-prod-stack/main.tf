data "aws_availability_zones" "available" {
  state = "available"

  # Local Zones and Wavelength Zones cannot host every service used below.
  filter {
    name   = "opt-in-status"
    values = ["opt-in-not-required"]
  }
}

# One suffix per deployment (8 hex characters). It goes into IAM, SSM, RDS, SNS and CloudWatch
# names so that two deployments in one account, or a replacement created before its
# predecessor is destroyed, never fight over a name.
resource "random_id" "suffix" {
  byte_length = 4
}

# RDS rejects '/', '@', '"' and spaces in master passwords, so the special characters are
# limited to a set RDS accepts. The value is stored only in state and in SSM (SecureString).
resource "random_password" "db_master" {
  length           = 32
  special          = true
  override_special = "!#*()-_=+[]{}<>:?"
  min_lower        = 4
  min_upper        = 4
  min_numeric      = 4
  min_special      = 2
}

module "networking" {
  source = "./modules/networking"

  name_prefix             = local.name_prefix
  name_suffix             = random_id.suffix.hex
  vpc_cidr                = var.vpc_cidr
  availability_zones      = local.availability_zones
  single_nat_gateway      = var.single_nat_gateway
  flow_log_retention_days = var.log_retention_days
}

module "storage" {
  source = "./modules/storage"

  name_prefix = local.name_prefix
  name_suffix = random_id.suffix.hex
}

module "compute" {
  source = "./modules/compute"

  name_prefix            = local.name_prefix
  name_suffix            = random_id.suffix.hex
  vpc_id                 = module.networking.vpc_id
  vpc_cidr_block         = module.networking.vpc_cidr_block
  subnet_ids             = module.networking.private_app_subnet_ids
  instance_type          = var.instance_type
  instance_count         = var.instance_count
  root_volume_size_gb    = var.root_volume_size_gb
  app_port               = var.app_port
  app_bucket_arn         = module.storage.bucket_arn
  app_bucket_kms_key_arn = module.storage.kms_key_arn
  ssm_parameter_arns     = module.database.ssm_parameter_arns
}

module "database" {
  source = "./modules/database"

  name_prefix              = local.name_prefix
  name_suffix              = random_id.suffix.hex
  vpc_id                   = module.networking.vpc_id
  subnet_ids               = module.networking.private_db_subnet_ids
  app_security_group_id    = module.compute.security_group_id
  engine_version           = var.db_engine_version
  instance_class           = var.db_instance_class
  allocated_storage_gb     = var.db_allocated_storage_gb
  max_allocated_storage_gb = var.db_max_allocated_storage_gb
  db_name                  = var.db_name
  master_username          = var.db_master_username
  master_password          = random_password.db_master.result
  backup_retention_days    = var.db_backup_retention_days
  multi_az                 = var.db_multi_az
  deletion_protection      = var.db_deletion_protection
}

module "monitoring" {
  source = "./modules/monitoring"

  name_prefix                   = local.name_prefix
  name_suffix                   = random_id.suffix.hex
  alarm_email                   = var.alarm_email
  instance_ids                  = module.compute.instance_ids
  db_instance_identifier        = module.database.db_instance_identifier
  ec2_cpu_threshold_percent     = var.ec2_cpu_threshold_percent
  rds_cpu_threshold_percent     = var.rds_cpu_threshold_percent
  rds_free_storage_threshold_gb = var.rds_free_storage_threshold_gb
}
