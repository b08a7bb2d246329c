locals {
  # "/prod-orders-1a2b3c4d/database": one path per deployment, read by the application role.
  parameter_path = "/${var.name_prefix}-${var.name_suffix}/database"

  parameter_group_family = "postgres${split(".", var.engine_version)[0]}"

  # Non-secret connection settings, published as plain String parameters.
  connection_settings = {
    endpoint = aws_db_instance.this.address
    port     = tostring(aws_db_instance.this.port)
    name     = aws_db_instance.this.db_name
    username = aws_db_instance.this.username
  }
}

resource "aws_db_subnet_group" "this" {
  name        = "${var.name_prefix}-db-${var.name_suffix}"
  description = "Isolated database subnets of ${var.name_prefix}"
  subnet_ids  = var.subnet_ids

  lifecycle {
    create_before_destroy = true
  }

  tags = {
    Name = "${var.name_prefix}-db-${var.name_suffix}"
  }
}

# The database accepts PostgreSQL connections from the application security group and from
# nothing else. It has no egress rules: it never opens connections itself.
resource "aws_security_group" "db" {
  name        = "${var.name_prefix}-db-${var.name_suffix}"
  description = "PostgreSQL, reachable only from the application servers"
  vpc_id      = var.vpc_id

  ingress {
    description     = "PostgreSQL from the application servers"
    from_port       = 5432
    to_port         = 5432
    protocol        = "tcp"
    security_groups = [var.app_security_group_id]
  }

  lifecycle {
    create_before_destroy = true
  }

  tags = {
    Name = "${var.name_prefix}-db-${var.name_suffix}"
  }
}

resource "aws_db_parameter_group" "this" {
  name        = "${var.name_prefix}-postgres-${var.name_suffix}"
  family      = local.parameter_group_family
  description = "TLS-only PostgreSQL settings for ${var.name_prefix}"

  parameter {
    name  = "rds.force_ssl"
    value = "1"
  }

  parameter {
    name  = "log_min_duration_statement"
    value = "1000"
  }

  lifecycle {
    create_before_destroy = true
  }

  tags = {
    Name = "${var.name_prefix}-postgres-${var.name_suffix}"
  }
}

resource "aws_db_instance" "this" {
  identifier     = "${var.name_prefix}-postgres-${var.name_suffix}"
  engine         = "postgres"
  engine_version = var.engine_version
  instance_class = var.instance_class

  allocated_storage     = var.allocated_storage_gb
  max_allocated_storage = var.max_allocated_storage_gb
  storage_type          = "gp3"
  storage_encrypted     = true

  db_name  = var.db_name
  username = var.master_username
  password = var.master_password
  port     = 5432

  db_subnet_group_name   = aws_db_subnet_group.this.name
  vpc_security_group_ids = [aws_security_group.db.id]
  parameter_group_name   = aws_db_parameter_group.this.name
  publicly_accessible    = false
  multi_az               = var.multi_az

  backup_retention_period    = var.backup_retention_days
  backup_window              = "02:00-03:00"
  maintenance_window         = "sun:03:30-sun:04:30"
  auto_minor_version_upgrade = true
  copy_tags_to_snapshot      = true
  deletion_protection        = var.deletion_protection
  skip_final_snapshot        = false
  final_snapshot_identifier  = "${var.name_prefix}-postgres-final-${var.name_suffix}"

  performance_insights_enabled        = true
  iam_database_authentication_enabled = true
  enabled_cloudwatch_logs_exports     = ["postgresql", "upgrade"]

  lifecycle {
    # The generated password is set once; after that it is rotated out of band and Terraform
    # must not roll it back on the next apply.
    ignore_changes = [password]
  }

  tags = {
    Name = "${var.name_prefix}-postgres-${var.name_suffix}"
  }
}

# ---------------------------------------------------------------------------------------------
# Connection settings in SSM Parameter Store. `overwrite` lets a re-created stack take over a
# parameter left behind by an interrupted run instead of failing with ParameterAlreadyExists.
# ---------------------------------------------------------------------------------------------

resource "aws_ssm_parameter" "connection" {
  for_each = local.connection_settings

  name        = "${local.parameter_path}/${each.key}"
  description = "PostgreSQL ${each.key} of ${var.name_prefix}"
  type        = "String"
  value       = each.value
  overwrite   = true

  lifecycle {
    create_before_destroy = true
  }

  tags = {
    Name = "${local.parameter_path}/${each.key}"
  }
}

resource "aws_ssm_parameter" "master_password" {
  name        = "${local.parameter_path}/master-password"
  description = "PostgreSQL master password of ${var.name_prefix}"
  type        = "SecureString"
  value       = var.master_password
  overwrite   = true

  lifecycle {
    create_before_destroy = true
    # Rotation writes a new value here; Terraform must not put the original back.
    ignore_changes = [value]
  }

  tags = {
    Name = "${local.parameter_path}/master-password"
  }
}
