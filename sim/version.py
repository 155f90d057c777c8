"""The package's version: its installed metadata, or 0.0.0 in a source tree that is not installed.

A module of its own that imports nothing of sim, so any layer (reports, run manifests, the
result cache's key) reads it without importing the public API, which sits above them all.
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("sim")
except PackageNotFoundError:
    __version__ = "0.0.0"
