"""The rupture log: possible ruptures found in the ratings and concerns raised by hand."""
