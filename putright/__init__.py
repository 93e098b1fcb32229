"""PutRight: complaint case management for social landlords in England."""
