# Customer-managed key so that access to the data can be audited and revoked independently
# of access to the bucket.
resource "aws_kms_key" "bucket" {
  description             = "Encrypts objects in the ${var.name_prefix} application data bucket"
  enable_key_rotation     = true
  deletion_window_in_days = 30

  tags = {
    Name = "${var.name_prefix}-app-data-${var.name_suffix}"
  }
}

resource "aws_kms_alias" "bucket" {
  name          = "alias/${var.name_prefix}-app-data-${var.name_suffix}"
  target_key_id = aws_kms_key.bucket.key_id
}

# Bucket names are global across all AWS accounts: the suffix keeps them unique.
resource "aws_s3_bucket" "app" {
  bucket        = "${var.name_prefix}-app-data-${var.name_suffix}"
  force_destroy = false

  tags = {
    Name = "${var.name_prefix}-app-data-${var.name_suffix}"
  }
}

resource "aws_s3_bucket_ownership_controls" "app" {
  bucket = aws_s3_bucket.app.id

  rule {
    object_ownership = "BucketOwnerEnforced"
  }
}

resource "aws_s3_bucket_public_access_block" "app" {
  bucket = aws_s3_bucket.app.id

  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_versioning" "app" {
  bucket = aws_s3_bucket.app.id

  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "app" {
  bucket = aws_s3_bucket.app.id

  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm     = "aws:kms"
      kms_master_key_id = aws_kms_key.bucket.arn
    }
    # S3 Bucket Keys cut KMS request costs by ~99% for busy buckets.
    bucket_key_enabled = true
  }
}

# Every rule carries a `filter`: without one the AWS provider warns today and will fail in a
# later major version. An empty filter applies the rule to the whole bucket.
resource "aws_s3_bucket_lifecycle_configuration" "app" {
  bucket = aws_s3_bucket.app.id

  rule {
    id     = "abort-incomplete-multipart-uploads"
    status = "Enabled"

    filter {}

    abort_incomplete_multipart_upload {
      days_after_initiation = 7
    }
  }

  rule {
    id     = "expire-noncurrent-versions"
    status = "Enabled"

    filter {}

    noncurrent_version_transition {
      noncurrent_days = 30
      storage_class   = "STANDARD_IA"
    }

    noncurrent_version_expiration {
      noncurrent_days = var.noncurrent_version_retention_days
    }
  }

  # Noncurrent-version rules only mean something once versioning is on.
  depends_on = [aws_s3_bucket_versioning.app]
}

# Refuse plain-HTTP requests. The wildcard action is in a Deny statement, which narrows access.
data "aws_iam_policy_document" "bucket" {
  statement {
    sid     = "DenyInsecureTransport"
    effect  = "Deny"
    actions = ["s3:*"]
    resources = [
      aws_s3_bucket.app.arn,
      "${aws_s3_bucket.app.arn}/*",
    ]

    principals {
      type        = "*"
      identifiers = ["*"]
    }

    condition {
      test     = "Bool"
      variable = "aws:SecureTransport"
      values   = ["false"]
    }
  }
}

resource "aws_s3_bucket_policy" "app" {
  bucket = aws_s3_bucket.app.id
  policy = data.aws_iam_policy_document.bucket.json

  # Applying a bucket policy before the public access block can briefly race with it.
  depends_on = [aws_s3_bucket_public_access_block.app]
}
