"""Sessions as shared appointments: recording and planning them, cancelled and missed ones, merging split pairs."""
