"""The audit log: what was done, by whom, when."""
