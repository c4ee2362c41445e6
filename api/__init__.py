"""The HTTP API and the web view of `gijiroku serve`."""

from api.app import create_app

__all__ = ["create_app"]
