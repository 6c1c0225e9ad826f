"""A Language Server Protocol client for diagnostics (read_lints)."""
