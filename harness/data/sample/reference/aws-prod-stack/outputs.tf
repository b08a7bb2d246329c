# Outputs are the contract with other teams (load balancer, data and on-call). Read them with
# `terraform output -json` or a `terraform_remote_state` data source; none of them is secret.

output "name_suffix" {
  description = "Random suffix of this deployment, appended to names that must be unique."
  value       = random_id.suffix.hex
}

output "vpc_id" {
  description = "ID of the production VPC."
  value       = module.networking.vpc_id
}

output "vpc_cidr_block" {
  description = "CIDR block of the production VPC."
  value       = module.networking.vpc_cidr_block
}

output "public_subnet_ids" {
  description = "Public subnets (one per zone), for internet-facing load balancers."
  value       = module.networking.public_subnet_ids
}

output "private_app_subnet_ids" {
  description = "Private subnets of the application tier (egress through NAT)."
  value       = module.networking.private_app_subnet_ids
}

output "private_db_subnet_ids" {
  description = "Isolated database subnets (no route to the internet)."
  value       = module.networking.private_db_subnet_ids
}

output "app_security_group_id" {
  description = "Security group of the application servers; allow it as a target source."
  value       = module.compute.security_group_id
}

output "app_instance_ids" {
  description = "IDs of the application servers (reach them with SSM Session Manager)."
  value       = module.compute.instance_ids
}

output "app_private_ips" {
  description = "Private IP addresses of the application servers."
  value       = module.compute.private_ips
}

output "app_iam_role_arn" {
  description = "ARN of the application instance role."
  value       = module.compute.iam_role_arn
}

output "app_bucket_name" {
  description = "Name of the encrypted application data bucket."
  value       = module.storage.bucket_name
}

output "app_bucket_arn" {
  description = "ARN of the application data bucket."
  value       = module.storage.bucket_arn
}

output "db_endpoint" {
  description = "Host name of the PostgreSQL primary."
  value       = module.database.endpoint
}

output "db_port" {
  description = "PostgreSQL port."
  value       = module.database.port
}

output "db_instance_identifier" {
  description = "RDS instance identifier (for dashboards and runbooks)."
  value       = module.database.db_instance_identifier
}

output "db_security_group_id" {
  description = "Security group of the database."
  value       = module.database.security_group_id
}

output "db_parameter_path" {
  description = "SSM Parameter Store path holding the connection settings."
  value       = module.database.parameter_path
}

output "db_password_parameter_name" {
  description = "Name of the SecureString parameter holding the master password (not the password)."
  value       = module.database.password_parameter_name
}

output "alerts_topic_arn" {
  description = "SNS topic that receives every alarm; other teams may subscribe to it."
  value       = module.monitoring.sns_topic_arn
}

output "alarm_names" {
  description = "Names of the CloudWatch alarms of this stack."
  value       = module.monitoring.alarm_names
}
