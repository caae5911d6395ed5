"""Signals and charts served to the two parties: the bridge from stored ratings to the pure domain."""
