"""The XLSX workbook: the assessment out for system owners, their answers back in.

``aisma assess DIR --format xlsx`` writes it (``export``); ``aisma workbook import FILE DIR`` reads
the answers back (``reader``, behind the hostile-input checks of ``safety``) and merges them into
answers.yaml (``merge``). The server reuses ``read_answers`` and ``answer_changes``.
Submodules import openpyxl; this package does not, so listing report formats stays cheap.
"""
