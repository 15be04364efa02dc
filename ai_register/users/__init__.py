"""Accounts, roles, sign-in and API tokens."""
