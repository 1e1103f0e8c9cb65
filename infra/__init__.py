"""The AWS CDK app: every stage's resources, generated from shared/resources.py (see README.md)."""
