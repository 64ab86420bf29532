"""Importers that fill the inventory from what organizations already have.

Three sources, one module each: a spreadsheet export (``csv_import``), CycloneDX ML-BOMs
(``cyclonedx``) and MCP client configuration files (``mcp_config``). Each module keeps reading
(a pure function returning dataclasses, reused by collectors) apart from writing inventory.yaml
(always through ``InventoryDocument``, which validates before it replaces the file).
"""
