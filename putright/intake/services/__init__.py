"""Intake services: one function per state change, each validating before writing."""
