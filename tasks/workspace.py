"""Periodic jobs of the workspace (rotting clients)."""
