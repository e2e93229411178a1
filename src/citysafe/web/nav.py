"""The staff menu: (label, path); each entry shows only to those its route admits."""

NAV: list[tuple[str, str]] = [
    ("Dashboard", "/dashboard"),
    ("Crime map", "/map"),
    ("Safe Havens", "/havens"),
    ("Secure Homes", "/homes"),
    ("Audit log", "/audit"),
    ("Account", "/account"),
]
