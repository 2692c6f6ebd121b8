"""Implementations of the domain ports for AWS (DynamoDB, S3) and the system clock."""
