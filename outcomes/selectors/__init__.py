"""Every read (DESIGN.md): one module per area, imported from its module, e.g.
`from outcomes.selectors.chronology import chronology_for`."""
