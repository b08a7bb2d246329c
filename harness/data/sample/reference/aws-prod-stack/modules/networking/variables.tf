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

variable "vpc_cidr" {
  description = "IPv4 CIDR of the VPC."
  type        = string

  validation {
    condition     = can(cidrnetmask(var.vpc_cidr))
    error_message = "The vpc_cidr must be an IPv4 CIDR block."
  }
}

variable "availability_zones" {
  description = "Zones to place one subnet of each tier in."
  type        = list(string)

  validation {
    condition     = length(var.availability_zones) >= 2 && length(var.availability_zones) <= 3
    error_message = "Two or three availability zones are required."
  }
}

variable "single_nat_gateway" {
  description = "Share one NAT gateway between all zones instead of one per zone."
  type        = bool
  default     = false
}

variable "flow_log_retention_days" {
  description = "Retention of the flow log group in days."
  type        = number
  default     = 90
}
