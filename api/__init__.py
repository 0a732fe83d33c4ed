"""The REST API: translates HTTP to the core's services and selectors. No rule is decided here."""
