"""Small shared modules with no Django models of their own (like healthchecks' hc/lib)."""
