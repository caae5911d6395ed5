"""Accounts: sign-up, login and logout, and loading the logged-in user."""
