"""Reaching people: what is mailed to whom and when (invites, form links, reminders, alerts, digests),
each person's choices, one-click unsubscribe, and the form link's restricted session."""
