"""Manager reports: attainment gap, placement stability, care leavers, timeliness. Each module
answers a `base.Report` for the young people the user may see."""
