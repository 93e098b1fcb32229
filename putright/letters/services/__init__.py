"""Letters services: producing letters, delivering them, and reviewing responses."""
