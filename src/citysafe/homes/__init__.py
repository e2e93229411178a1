"""The home-security programme: target areas, households, install jobs, teams and outcomes."""
