"""The clinic: members and roles, supervision figures and attunement, consent, transfers, the export."""
