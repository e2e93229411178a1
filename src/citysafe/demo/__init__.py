"""The demo city: a synthetic force area in police.uk's format, with planted effects.

``citysafe demo`` builds it (``service.build_demo``): generated streets,
households, Safe Haven venues and home-security installations over north
Liverpool, 36 months of street-level crime files, loaded through the real
ingest, and the truth behind them recorded in the ``demo_*`` tables.
"""
