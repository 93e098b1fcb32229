"""Date formats for en-GB pages (Django's FORMAT_MODULE_PATH): dates shown the GOV.UK way."""
