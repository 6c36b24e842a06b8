"""HTTP routes of platform API v1, one module per resource."""
