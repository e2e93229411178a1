"""The web application: app factory, shared layout, authorisation and static files."""
