"""The worker programs of :mod:`zarrjvm.compat.workers` (run in their own environments, never imported here)."""
