"""Persistence: the one SQL schema (models/db.py) written and read.

    database.py     open an engine for a URL, migrate its schema, write and read transactions
    save.py         one extracted document saved in one transaction (replacing its earlier version)
    registry.py     the shared registries of regions and organisations
    corrections.py  reviewers' corrections, kept by act and natural key and re-applied after
                    every extraction; the document re-validated (pipeline/validate.py)
    load.py         a stored document back as records
    export.py       documents as export JSON and as their logical tables
    issues.py       the review queue: issues filtered and ordered by severity
    runs.py         what the database holds, and the record of ingestion runs
"""
