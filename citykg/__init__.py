"""citykg: a knowledge graph of the EU Cities Mission ecosystem, seen from Romania."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("citykg")
except PackageNotFoundError:  # running from a checkout that was not installed
    __version__ = "0.0.0"
