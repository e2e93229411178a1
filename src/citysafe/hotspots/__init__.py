"""Where and when crime concentrates: hotspots, density, emerging trends, near repeats."""
