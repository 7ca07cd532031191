"""The version recorded in every record's provenance and in run manifests."""

__version__ = "0.1.0"
