"""The team server's library: settings, actors and permissions, and the services the web layer calls.

Nothing here speaks HTTP; the FastAPI app (``aisma.web``) and the CLI parse input and call these.
"""
