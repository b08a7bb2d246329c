variable "name_prefix" {
  description = "Readable prefix of every name, e.g. prod-orders."
  type        = string
}

variable "name_suffix" {
  description = "Random per-deployment suffix (8 hex characters) for names that must be unique."
  type        = string

  validation {
    condition     = can(regex("^[0-9a-f]{8}$", var.name_suffix))
    error_message = "The name_suffix must be 8 lower-case hex characters (random_id with byte_length = 4)."
  }
}

variable "vpc_id" {
  description = "VPC of the application servers."
  type        = string
}

variable "vpc_cidr_block" {
  description = "CIDR of the VPC: the only source allowed to reach the application port."
  type        = string
}

variable "subnet_ids" {
  description = "Private subnets the instances are spread over."
  type        = list(string)

  validation {
    condition     = length(var.subnet_ids) > 0
    error_message = "At least one subnet is required."
  }
}

variable "instance_type" {
  description = "EC2 instance type."
  type        = string
}

variable "instance_count" {
  description = "Number of application servers."
  type        = number
}

variable "root_volume_size_gb" {
  description = "Size of each encrypted root volume."
  type        = number
}

variable "app_port" {
  description = "TCP port of the application."
  type        = number
}

variable "app_bucket_arn" {
  description = "ARN of the application data bucket the servers read and write."
  type        = string

  validation {
    condition     = startswith(var.app_bucket_arn, "arn:")
    error_message = "The app_bucket_arn must be an ARN."
  }
}

variable "app_bucket_kms_key_arn" {
  description = "ARN of the KMS key that encrypts the bucket."
  type        = string
}

variable "ssm_parameter_arns" {
  description = "ARNs of the SSM parameters the application reads at start-up."
  type        = list(string)
}
