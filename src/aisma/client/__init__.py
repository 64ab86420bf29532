"""The CLI's side of the team server: ``aisma push`` and ``aisma workbook import --server``.

It needs only an HTTP client (httpx, a core dependency), never the server extra: an edge machine
that runs collectors and pushes their measurements installs plain ``aisma``.
"""
