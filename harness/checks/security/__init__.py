"""Security: S3, IAM, RDS, EBS, database ingress, passwords, secrets in code.

Checks ``security.*``; their category is stated once, here."""

CATEGORY = "security"
