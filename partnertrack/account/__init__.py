"""The user's own account: password change, all their data, deletion and the activity log."""
