"""People and agencies: users, roles, sessions, API tokens."""
