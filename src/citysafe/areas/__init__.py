"""Areas: wards, LSOAs and other boundaries, and the crime inside them."""
