"""The built-in regulation plugins, one folder each. None imports another."""
