output "sns_topic_arn" {
  description = "ARN of the alerts topic."
  value       = aws_sns_topic.alerts.arn
}

output "alarm_names" {
  description = "Names of every alarm in this module."
  value = concat(
    aws_cloudwatch_metric_alarm.ec2_cpu_high[*].alarm_name,
    aws_cloudwatch_metric_alarm.ec2_status_check[*].alarm_name,
    [
      aws_cloudwatch_metric_alarm.rds_cpu_high.alarm_name,
      aws_cloudwatch_metric_alarm.rds_free_storage_low.alarm_name,
    ],
  )
}
