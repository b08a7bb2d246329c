output "db_instance_identifier" {
  description = "RDS instance identifier."
  value       = aws_db_instance.this.identifier
}

output "db_instance_arn" {
  description = "ARN of the RDS instance."
  value       = aws_db_instance.this.arn
}

output "endpoint" {
  description = "Host name of the primary."
  value       = aws_db_instance.this.address
}

output "port" {
  description = "PostgreSQL port."
  value       = aws_db_instance.this.port
}

output "security_group_id" {
  description = "Security group of the database."
  value       = aws_security_group.db.id
}

output "subnet_group_name" {
  description = "Name of the DB subnet group."
  value       = aws_db_subnet_group.this.name
}

output "parameter_path" {
  description = "SSM path under which the connection settings are published."
  value       = local.parameter_path
}

output "password_parameter_name" {
  description = "Name of the SecureString parameter with the master password."
  value       = aws_ssm_parameter.master_password.name
}

output "ssm_parameter_arns" {
  description = "ARNs of every parameter the application needs to connect."
  value = concat(
    [for parameter in aws_ssm_parameter.connection : parameter.arn],
    [aws_ssm_parameter.master_password.arn],
  )
}
