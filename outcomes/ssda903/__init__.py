"""The SSDA903 return (children looked after): its tables, the export, and (next) the import.

Domain core: imports nothing from the channels (api, bot, web, tasks). Format and rules:
shared/domain/SSDA903.md; code lists: REFERENCE.md §3.
"""
