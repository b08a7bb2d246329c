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

variable "noncurrent_version_retention_days" {
  description = "Days a replaced or deleted object version is kept before it expires."
  type        = number
  default     = 90

  validation {
    condition     = var.noncurrent_version_retention_days > 30
    error_message = "The noncurrent_version_retention_days must exceed the 30-day transition to STANDARD_IA."
  }
}
