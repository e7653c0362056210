"""The public read-only API, version 1 (docs/api.md)."""
