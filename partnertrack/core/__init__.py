"""Infrastructure every feature uses: database, audit log, security, errors, clock, shared forms. Imports no feature."""
