output "vpc_id" {
  description = "ID of the VPC."
  value       = aws_vpc.this.id
}

output "vpc_cidr_block" {
  description = "CIDR block of the VPC."
  value       = aws_vpc.this.cidr_block
}

output "public_subnet_ids" {
  description = "Public subnet IDs, one per zone."
  value       = aws_subnet.public[*].id
}

output "private_app_subnet_ids" {
  description = "Application subnet IDs, one per zone."
  value       = aws_subnet.private_app[*].id
}

output "private_db_subnet_ids" {
  description = "Database subnet IDs, one per zone."
  value       = aws_subnet.private_db[*].id
}

output "nat_gateway_public_ips" {
  description = "Public IPs of the NAT gateways (for partner allow-lists)."
  value       = aws_eip.nat[*].public_ip
}

output "flow_log_group_name" {
  description = "CloudWatch log group receiving the VPC flow logs."
  value       = aws_cloudwatch_log_group.flow_logs.name
}
