"""Visitor proof: every record of one visitor, download, and erasure."""
