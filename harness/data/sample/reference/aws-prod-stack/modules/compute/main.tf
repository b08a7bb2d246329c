data "aws_partition" "current" {}

data "aws_ami" "al2023" {
  most_recent = true
  owners      = ["amazon"]

  filter {
    name   = "name"
    values = ["al2023-ami-2023.*-x86_64"]
  }

  filter {
    name   = "virtualization-type"
    values = ["hvm"]
  }
}

locals {
  # No SSH: operators use SSM Session Manager, so there is no key pair to lose or leak
  # and no port 22 to open.
  user_data = <<-EOT
    #!/bin/bash
    set -euo pipefail
    dnf install -y amazon-cloudwatch-agent
    systemctl enable --now amazon-ssm-agent
    /opt/aws/amazon-cloudwatch-agent/bin/amazon-cloudwatch-agent-ctl -a fetch-config -m ec2 -s -c default
  EOT
}

# ---------------------------------------------------------------------------------------------
# Network access
# ---------------------------------------------------------------------------------------------

resource "aws_security_group" "app" {
  name        = "${var.name_prefix}-app-${var.name_suffix}"
  description = "Application servers: app port from inside the VPC, HTTPS and PostgreSQL out"
  vpc_id      = var.vpc_id

  ingress {
    description = "Application traffic from the load balancer tier inside the VPC"
    from_port   = var.app_port
    to_port     = var.app_port
    protocol    = "tcp"
    cidr_blocks = [var.vpc_cidr_block]
  }

  egress {
    description = "HTTPS to AWS APIs (SSM, S3, CloudWatch) and package mirrors via NAT"
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }

  egress {
    description = "PostgreSQL to the database subnets"
    from_port   = 5432
    to_port     = 5432
    protocol    = "tcp"
    cidr_blocks = [var.vpc_cidr_block]
  }

  lifecycle {
    create_before_destroy = true
  }

  tags = {
    Name = "${var.name_prefix}-app-${var.name_suffix}"
  }
}

# ---------------------------------------------------------------------------------------------
# Instance identity: only what the application needs, on named resources
# ---------------------------------------------------------------------------------------------

data "aws_iam_policy_document" "assume_ec2" {
  statement {
    effect  = "Allow"
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["ec2.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "app" {
  name               = "${var.name_prefix}-app-${var.name_suffix}"
  description        = "Instance role of the ${var.name_prefix} application servers."
  assume_role_policy = data.aws_iam_policy_document.assume_ec2.json

  lifecycle {
    create_before_destroy = true
  }

  tags = {
    Name = "${var.name_prefix}-app-${var.name_suffix}"
  }
}

resource "aws_iam_role_policy_attachment" "ssm_core" {
  role       = aws_iam_role.app.name
  policy_arn = "arn:${data.aws_partition.current.partition}:iam::aws:policy/AmazonSSMManagedInstanceCore"
}

resource "aws_iam_role_policy_attachment" "cloudwatch_agent" {
  role       = aws_iam_role.app.name
  policy_arn = "arn:${data.aws_partition.current.partition}:iam::aws:policy/CloudWatchAgentServerPolicy"
}

data "aws_iam_policy_document" "app_access" {
  statement {
    sid       = "ListAppBucket"
    effect    = "Allow"
    actions   = ["s3:ListBucket"]
    resources = [var.app_bucket_arn]
  }

  statement {
    sid       = "ReadWriteAppObjects"
    effect    = "Allow"
    actions   = ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"]
    resources = ["${var.app_bucket_arn}/*"]
  }

  statement {
    sid       = "UseAppBucketKey"
    effect    = "Allow"
    actions   = ["kms:Decrypt", "kms:GenerateDataKey"]
    resources = [var.app_bucket_kms_key_arn]
  }

  statement {
    sid       = "ReadDatabaseSettings"
    effect    = "Allow"
    actions   = ["ssm:GetParameter", "ssm:GetParameters"]
    resources = var.ssm_parameter_arns
  }
}

resource "aws_iam_policy" "app_access" {
  name        = "${var.name_prefix}-app-access-${var.name_suffix}"
  description = "Application data bucket, its key, and the database settings in SSM."
  policy      = data.aws_iam_policy_document.app_access.json

  lifecycle {
    create_before_destroy = true
  }

  tags = {
    Name = "${var.name_prefix}-app-access-${var.name_suffix}"
  }
}

resource "aws_iam_role_policy_attachment" "app_access" {
  role       = aws_iam_role.app.name
  policy_arn = aws_iam_policy.app_access.arn
}

resource "aws_iam_instance_profile" "app" {
  name = "${var.name_prefix}-app-${var.name_suffix}"
  role = aws_iam_role.app.name

  lifecycle {
    create_before_destroy = true
  }

  tags = {
    Name = "${var.name_prefix}-app-${var.name_suffix}"
  }
}

# ---------------------------------------------------------------------------------------------
# Application servers
# ---------------------------------------------------------------------------------------------

resource "aws_instance" "app" {
  count = var.instance_count

  ami                    = data.aws_ami.al2023.id
  instance_type          = var.instance_type
  subnet_id              = var.subnet_ids[count.index % length(var.subnet_ids)]
  vpc_security_group_ids = [aws_security_group.app.id]
  iam_instance_profile   = aws_iam_instance_profile.app.name
  monitoring             = true
  user_data              = local.user_data

  metadata_options {
    http_endpoint               = "enabled"
    http_tokens                 = "required"
    http_put_response_hop_limit = 1
  }

  root_block_device {
    volume_type           = "gp3"
    volume_size           = var.root_volume_size_gb
    encrypted             = true
    delete_on_termination = true
  }

  lifecycle {
    # The AMI data source moves to every new AL2023 release. Instances are rolled on purpose
    # (taint or -replace), not whenever Amazon publishes an image.
    ignore_changes = [ami]
  }

  tags = {
    Name = "${var.name_prefix}-app-${count.index + 1}"
  }
}
