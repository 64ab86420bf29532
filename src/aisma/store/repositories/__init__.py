"""All SQL of the server, one module per table group. Every tenant query filters on organization_id."""
