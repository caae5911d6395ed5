"""Fixtures of the security tests: ``new_app`` comes from tests/conftest.py."""
