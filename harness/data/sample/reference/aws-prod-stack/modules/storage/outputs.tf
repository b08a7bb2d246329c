output "bucket_id" {
  description = "Name of the application data bucket."
  value       = aws_s3_bucket.app.id
}

output "bucket_name" {
  description = "Name of the application data bucket, as configured."
  value       = aws_s3_bucket.app.bucket
}

output "bucket_arn" {
  description = "ARN of the application data bucket."
  value       = aws_s3_bucket.app.arn
}

output "bucket_regional_domain_name" {
  description = "Regional domain name of the bucket."
  value       = aws_s3_bucket.app.bucket_regional_domain_name
}

output "kms_key_arn" {
  description = "ARN of the KMS key encrypting the bucket."
  value       = aws_kms_key.bucket.arn
}
