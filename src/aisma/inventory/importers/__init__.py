"""Importers that fill the inventory from what organizations already have.

The spreadsheet export (``csv_import``) is the inventory's own format and lives here, with the
shared reading and writing helpers (``common``). A tool's importer lives in its collector's folder,
beside the reader that measures the same files: CycloneDX ML-BOMs in
``aisma.collectors.cyclonedx.importer``, MCP client configurations in
``aisma.collectors.mcp_config.importer``. Each keeps reading (a pure function returning
dataclasses) apart from writing inventory.yaml (always through ``InventoryDocument``, which
validates before it replaces the file).
"""
