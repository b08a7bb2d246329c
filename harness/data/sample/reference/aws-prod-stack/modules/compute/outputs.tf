output "instance_ids" {
  description = "IDs of the application servers."
  value       = aws_instance.app[*].id
}

output "private_ips" {
  description = "Private IPs of the application servers."
  value       = aws_instance.app[*].private_ip
}

output "security_group_id" {
  description = "Security group of the application servers."
  value       = aws_security_group.app.id
}

output "iam_role_name" {
  description = "Name of the instance role."
  value       = aws_iam_role.app.name
}

output "iam_role_arn" {
  description = "ARN of the instance role."
  value       = aws_iam_role.app.arn
}

output "instance_profile_name" {
  description = "Name of the instance profile."
  value       = aws_iam_instance_profile.app.name
}
