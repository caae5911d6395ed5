"""The home page after login: the therapist's caseload and the patient's partnerships."""
