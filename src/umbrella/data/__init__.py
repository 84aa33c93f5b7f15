"""Public attack reports: read, classify, aggregate into nights, model raid tempo."""
