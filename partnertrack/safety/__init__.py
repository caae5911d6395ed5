"""The safety path: crisis information, "I need to talk to my therapist soon", the clinic contact."""
