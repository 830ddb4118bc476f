"""Yishi engine: definitions, sandboxed expressions, runtime and persistence (no HTTP here)."""
