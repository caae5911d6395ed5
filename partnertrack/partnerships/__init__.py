"""Partnerships: opening one, inviting the patient, joining, and the partnership page."""
