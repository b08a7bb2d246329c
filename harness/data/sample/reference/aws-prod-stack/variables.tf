# ---------------------------------------------------------------------------------------------
# Identity and tagging
# ---------------------------------------------------------------------------------------------

variable "aws_region" {
  description = "AWS region for every resource in this stack."
  type        = string
  default     = "eu-west-1"

  validation {
    condition     = can(regex("^[a-z]{2}(-gov)?-[a-z]+-[0-9]$", var.aws_region))
    error_message = "The aws_region must be a region code such as eu-west-1."
  }
}

variable "environment" {
  description = "Deployment environment. It is the first part of every resource name (prod-...)."
  type        = string
  default     = "prod"

  validation {
    condition     = contains(["prod", "staging", "dev"], var.environment)
    error_message = "The environment must be one of prod, staging or dev."
  }
}

variable "project" {
  description = "Short project name used in resource names and the Project tag."
  type        = string
  default     = "orders"

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,19}$", var.project))
    error_message = "The project must be 2-20 characters of lower-case letters, digits and hyphens."
  }
}

variable "owner" {
  description = "Team accountable for the stack (Owner tag)."
  type        = string
  default     = "platform-team"

  validation {
    condition     = length(trimspace(var.owner)) > 0
    error_message = "The owner must not be empty."
  }
}

variable "cost_center" {
  description = "Finance cost center charged for the stack (CostCenter tag)."
  type        = string
  default     = "CC-4410"

  validation {
    condition     = can(regex("^CC-[0-9]{4}$", var.cost_center))
    error_message = "The cost_center must look like CC-1234."
  }
}

# ---------------------------------------------------------------------------------------------
# Network
# ---------------------------------------------------------------------------------------------

variable "vpc_cidr" {
  description = "IPv4 CIDR of the VPC; /16 to /20 so that nine /20-or-smaller subnets fit."
  type        = string
  default     = "10.40.0.0/16"

  validation {
    condition = (
      can(cidrnetmask(var.vpc_cidr)) &&
      tonumber(split("/", var.vpc_cidr)[1]) >= 16 &&
      tonumber(split("/", var.vpc_cidr)[1]) <= 20
    )
    error_message = "The vpc_cidr must be an IPv4 CIDR between /16 and /20."
  }
}

variable "az_count" {
  description = "Number of availability zones to spread subnets, NAT gateways and instances over."
  type        = number
  default     = 2

  validation {
    condition     = var.az_count >= 2 && var.az_count <= 3
    error_message = "The az_count must be 2 or 3: production needs at least two zones."
  }
}

variable "single_nat_gateway" {
  description = "Use one NAT gateway for all zones (cheaper, but a zone outage cuts egress)."
  type        = bool
  default     = false
}

variable "log_retention_days" {
  description = "Retention of the VPC flow log group."
  type        = number
  default     = 90

  validation {
    condition     = contains([30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 3653], var.log_retention_days)
    error_message = "The log_retention_days must be a retention period CloudWatch Logs accepts (30-3653)."
  }
}

# ---------------------------------------------------------------------------------------------
# Compute
# ---------------------------------------------------------------------------------------------

variable "instance_type" {
  description = "EC2 instance type of the application servers."
  type        = string
  default     = "t3.medium"

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]*\\.[a-z0-9]+$", var.instance_type))
    error_message = "The instance_type must be an EC2 instance type such as t3.medium."
  }
}

variable "instance_count" {
  description = "Number of application servers, spread round-robin over the private subnets."
  type        = number
  default     = 2

  validation {
    condition     = var.instance_count >= 2 && var.instance_count <= 6
    error_message = "The instance_count must be between 2 and 6."
  }
}

variable "root_volume_size_gb" {
  description = "Size of each instance's encrypted root volume."
  type        = number
  default     = 30

  validation {
    condition     = var.root_volume_size_gb >= 30 && var.root_volume_size_gb <= 200
    error_message = "The root_volume_size_gb must be between 30 and 200 (AL2023 needs 30)."
  }
}

variable "app_port" {
  description = "TCP port the application listens on (reached from inside the VPC only)."
  type        = number
  default     = 8080

  validation {
    condition     = var.app_port >= 1024 && var.app_port <= 65535
    error_message = "The app_port must be an unprivileged port (1024-65535)."
  }
}

# ---------------------------------------------------------------------------------------------
# Database
# ---------------------------------------------------------------------------------------------

variable "db_engine_version" {
  description = "PostgreSQL engine version (major.minor)."
  type        = string
  default     = "16.4"

  validation {
    condition     = can(regex("^1[4-7]\\.[0-9]+$", var.db_engine_version))
    error_message = "The db_engine_version must be a PostgreSQL 14-17 version such as 16.4."
  }
}

variable "db_instance_class" {
  description = "RDS instance class."
  type        = string
  default     = "db.t4g.medium"

  validation {
    condition     = startswith(var.db_instance_class, "db.")
    error_message = "The db_instance_class must start with db."
  }
}

variable "db_allocated_storage_gb" {
  description = "Initial storage of the database."
  type        = number
  default     = 50

  validation {
    condition     = var.db_allocated_storage_gb >= 20 && var.db_allocated_storage_gb <= 1000
    error_message = "The db_allocated_storage_gb must be between 20 and 1000."
  }
}

variable "db_max_allocated_storage_gb" {
  description = "Ceiling for storage autoscaling; must be above the initial allocation."
  type        = number
  default     = 200

  validation {
    # Cross-variable validation needs Terraform >= 1.9 (versions.tf requires 1.10).
    condition     = var.db_max_allocated_storage_gb > var.db_allocated_storage_gb && var.db_max_allocated_storage_gb <= 2000
    error_message = "The db_max_allocated_storage_gb must exceed db_allocated_storage_gb and be at most 2000."
  }
}

variable "db_name" {
  description = "Name of the application database."
  type        = string
  default     = "orders"

  validation {
    condition     = can(regex("^[a-z][a-z0-9_]{0,62}$", var.db_name))
    error_message = "The db_name must start with a letter and hold only a-z, 0-9 and _."
  }
}

variable "db_master_username" {
  description = "Master user of the database (the password is generated, never supplied)."
  type        = string
  default     = "orders_admin"

  validation {
    condition = (
      can(regex("^[a-z][a-z0-9_]{2,15}$", var.db_master_username)) &&
      !contains(["admin", "postgres", "rdsadmin", "root"], var.db_master_username)
    )
    error_message = "The db_master_username must be 3-16 characters and not a reserved name."
  }
}

variable "db_backup_retention_days" {
  description = "Days of automated backups kept for point-in-time recovery."
  type        = number
  default     = 14

  validation {
    condition     = var.db_backup_retention_days >= 7 && var.db_backup_retention_days <= 35
    error_message = "The db_backup_retention_days must be between 7 and 35."
  }
}

variable "db_multi_az" {
  description = "Run a synchronous standby in a second zone."
  type        = bool
  default     = true
}

variable "db_deletion_protection" {
  description = "Refuse to delete the database (turn off deliberately before a teardown)."
  type        = bool
  default     = true
}

# ---------------------------------------------------------------------------------------------
# Monitoring
# ---------------------------------------------------------------------------------------------

variable "alarm_email" {
  description = "Address subscribed to the alerts topic (the owner must confirm the subscription)."
  type        = string

  validation {
    condition     = can(regex("^[^@\\s]+@[^@\\s]+\\.[a-z]{2,}$", var.alarm_email))
    error_message = "The alarm_email must be an e-mail address."
  }
}

variable "ec2_cpu_threshold_percent" {
  description = "Average CPU above which an application server alarms."
  type        = number
  default     = 80

  validation {
    condition     = var.ec2_cpu_threshold_percent > 0 && var.ec2_cpu_threshold_percent <= 100
    error_message = "The ec2_cpu_threshold_percent must be in (0, 100]."
  }
}

variable "rds_cpu_threshold_percent" {
  description = "Average CPU above which the database alarms."
  type        = number
  default     = 80

  validation {
    condition     = var.rds_cpu_threshold_percent > 0 && var.rds_cpu_threshold_percent <= 100
    error_message = "The rds_cpu_threshold_percent must be in (0, 100]."
  }
}

variable "rds_free_storage_threshold_gb" {
  description = "Free database storage below which the database alarms."
  type        = number
  default     = 10

  validation {
    condition     = var.rds_free_storage_threshold_gb >= 1
    error_message = "The rds_free_storage_threshold_gb must be at least 1."
  }
}
