locals {
  # "prod-orders": the readable part of every name. The random suffix is appended per resource
  # where AWS requires uniqueness (account- or region-wide names) or a replacement must not
  # collide with the object it replaces.
  name_prefix = "${var.environment}-${var.project}"

  availability_zones = slice(data.aws_availability_zones.available.names, 0, var.az_count)
}
