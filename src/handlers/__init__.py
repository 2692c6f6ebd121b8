"""Driving side: Lambda entry points, the CLI and the local stack. The composition root."""
