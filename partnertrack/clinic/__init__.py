"""The clinic: members and roles, the supervisor's figures and attunement, consent, transfers, the de-identified export."""
