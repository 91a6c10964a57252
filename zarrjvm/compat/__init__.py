"""Cross-implementation compatibility: the declarative case list, declared capabilities, the writer × reader × case
matrix (``zarrjvm compat``) and its pytest plugin (opt in with ``-p zarrjvm.compat.pytest_plugin``).

It drives the Python peers (zarr-python, tensorstore, netCDF4, numcodecs), which zarrjvm itself does not need:
install them with ``pip install zarrjvm[compat]``. :func:`require_peers` says which are missing.
"""

from __future__ import annotations

import importlib.util

#: The Python packages the matrix cannot run without (the ``compat`` extra also installs tensorstore and netCDF4).
#: Any other implementation whose package does not import is *unavailable*: its cells are skipped and the report
#: says so (``Implementation.unavailable``).
PEERS = ("zarr", "numcodecs", "crc32c")


def missing_peers(peers: tuple[str, ...] = PEERS) -> list[str]:
    """The ``peers`` that are not installed."""
    return [p for p in peers if importlib.util.find_spec(p) is None]


def require_peers(what: str = "zarrjvm.compat", peers: tuple[str, ...] = PEERS) -> None:
    """Raises ``ImportError`` naming the missing ``peers`` and how to install them."""
    missing = missing_peers(peers)
    if missing:
        raise ImportError(f"{what} needs {', '.join(missing)}, which are not installed: pip install 'zarrjvm[compat]'")
