"""Open-source customer data warehouse for retail CRM: CLI, ingestion and generator."""

__version__ = "0.1.0"
