"""The web fixtures (app, client, people) come from tests/webapp.py, loaded by tests/conftest.py."""
