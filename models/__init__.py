"""Tortoise models: the database is the source of truth."""
