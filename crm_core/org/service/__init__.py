"""Organisation use cases, one module per concept; import the module you need."""
