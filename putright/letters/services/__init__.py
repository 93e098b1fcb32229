"""Letters services: producing letters, delivering them, and editing their templates."""
