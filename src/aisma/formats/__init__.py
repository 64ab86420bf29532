"""Streaming readers of tool output formats (OTLP JSON traces, OCSF findings).

They live apart from discovery and the collectors so both can reuse one parser per format; each
reads with ijson so a multi-gigabyte export is read in constant memory.
"""
