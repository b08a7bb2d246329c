locals {
  gib = 1024 * 1024 * 1024
}

# Not encrypted with the AWS-managed aws/sns key on purpose: CloudWatch alarms cannot publish
# to a topic encrypted with it. Alarm notifications carry no customer data.
resource "aws_sns_topic" "alerts" {
  name = "${var.name_prefix}-alerts-${var.name_suffix}"

  lifecycle {
    create_before_destroy = true
  }

  tags = {
    Name = "${var.name_prefix}-alerts-${var.name_suffix}"
  }
}

# E-mail subscriptions stay "pending confirmation" until the recipient clicks the link.
resource "aws_sns_topic_subscription" "email" {
  topic_arn = aws_sns_topic.alerts.arn
  protocol  = "email"
  endpoint  = var.alarm_email
}

# ---------------------------------------------------------------------------------------------
# Application servers
# ---------------------------------------------------------------------------------------------

resource "aws_cloudwatch_metric_alarm" "ec2_cpu_high" {
  count = length(var.instance_ids)

  alarm_name          = "${var.name_prefix}-app-${count.index + 1}-cpu-high-${var.name_suffix}"
  alarm_description   = "Average CPU of application server ${count.index + 1} above ${var.ec2_cpu_threshold_percent}% for 15 minutes."
  namespace           = "AWS/EC2"
  metric_name         = "CPUUtilization"
  statistic           = "Average"
  period              = 300
  evaluation_periods  = 3
  threshold           = var.ec2_cpu_threshold_percent
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "missing"

  dimensions = {
    InstanceId = var.instance_ids[count.index]
  }

  alarm_actions = [aws_sns_topic.alerts.arn]
  ok_actions    = [aws_sns_topic.alerts.arn]

  lifecycle {
    create_before_destroy = true
  }

  tags = {
    Name = "${var.name_prefix}-app-${count.index + 1}-cpu-high-${var.name_suffix}"
  }
}

resource "aws_cloudwatch_metric_alarm" "ec2_status_check" {
  count = length(var.instance_ids)

  alarm_name          = "${var.name_prefix}-app-${count.index + 1}-status-check-${var.name_suffix}"
  alarm_description   = "Instance or system status check of application server ${count.index + 1} failing."
  namespace           = "AWS/EC2"
  metric_name         = "StatusCheckFailed"
  statistic           = "Maximum"
  period              = 60
  evaluation_periods  = 2
  threshold           = 0
  comparison_operator = "GreaterThanThreshold"
  # No data from a running instance means something is badly wrong.
  treat_missing_data = "breaching"

  dimensions = {
    InstanceId = var.instance_ids[count.index]
  }

  alarm_actions = [aws_sns_topic.alerts.arn]
  ok_actions    = [aws_sns_topic.alerts.arn]

  lifecycle {
    create_before_destroy = true
  }

  tags = {
    Name = "${var.name_prefix}-app-${count.index + 1}-status-check-${var.name_suffix}"
  }
}

# ---------------------------------------------------------------------------------------------
# Database
# ---------------------------------------------------------------------------------------------

resource "aws_cloudwatch_metric_alarm" "rds_cpu_high" {
  alarm_name          = "${var.name_prefix}-db-cpu-high-${var.name_suffix}"
  alarm_description   = "Average database CPU above ${var.rds_cpu_threshold_percent}% for 15 minutes."
  namespace           = "AWS/RDS"
  metric_name         = "CPUUtilization"
  statistic           = "Average"
  period              = 300
  evaluation_periods  = 3
  threshold           = var.rds_cpu_threshold_percent
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "missing"

  dimensions = {
    DBInstanceIdentifier = var.db_instance_identifier
  }

  alarm_actions = [aws_sns_topic.alerts.arn]
  ok_actions    = [aws_sns_topic.alerts.arn]

  lifecycle {
    create_before_destroy = true
  }

  tags = {
    Name = "${var.name_prefix}-db-cpu-high-${var.name_suffix}"
  }
}

resource "aws_cloudwatch_metric_alarm" "rds_free_storage_low" {
  alarm_name          = "${var.name_prefix}-db-free-storage-low-${var.name_suffix}"
  alarm_description   = "Database free storage below ${var.rds_free_storage_threshold_gb} GiB."
  namespace           = "AWS/RDS"
  metric_name         = "FreeStorageSpace"
  statistic           = "Minimum"
  period              = 300
  evaluation_periods  = 1
  threshold           = var.rds_free_storage_threshold_gb * local.gib
  comparison_operator = "LessThanThreshold"
  treat_missing_data  = "missing"

  dimensions = {
    DBInstanceIdentifier = var.db_instance_identifier
  }

  alarm_actions = [aws_sns_topic.alerts.arn]
  ok_actions    = [aws_sns_topic.alerts.arn]

  lifecycle {
    create_before_destroy = true
  }

  tags = {
    Name = "${var.name_prefix}-db-free-storage-low-${var.name_suffix}"
  }
}
