"""Exports of what a viewer may see of a partnership."""
