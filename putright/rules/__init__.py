"""Pure rules of the Housing Ombudsman's Complaint Handling Code: no Django, no clock, no settings.

Modules: ``calendar`` (working days), ``profile`` (the Code as data), ``workflow`` (states and
allowed transitions), ``clocks`` (deadlines and their status).
"""
