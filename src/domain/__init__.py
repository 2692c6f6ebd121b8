"""Pure policy domain: models, lifecycle rules and services over ports. No I/O here."""
