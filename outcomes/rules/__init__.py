"""Statutory rules as pure functions: dates and facts in, dates and facts out. No ORM here."""
