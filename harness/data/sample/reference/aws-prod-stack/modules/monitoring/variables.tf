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

variable "alarm_email" {
  description = "Address subscribed to the alerts topic."
  type        = string
}

variable "instance_ids" {
  description = "Application servers to watch (CPU and status checks)."
  type        = list(string)
}

variable "db_instance_identifier" {
  description = "RDS instance to watch (CPU and free storage)."
  type        = string
}

variable "ec2_cpu_threshold_percent" {
  description = "EC2 CPU alarm threshold."
  type        = number
  default     = 80
}

variable "rds_cpu_threshold_percent" {
  description = "RDS CPU alarm threshold."
  type        = number
  default     = 80
}

variable "rds_free_storage_threshold_gb" {
  description = "RDS free storage alarm threshold in GiB."
  type        = number
  default     = 10
}
