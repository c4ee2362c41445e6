"""Gijiroku: meeting recordings to reviewed minutes, self-hosted."""

__version__ = "0.1.0"
