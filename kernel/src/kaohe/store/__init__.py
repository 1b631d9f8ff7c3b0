"""The SQLite store: records and their versions, results, the ledger (appeals, adjustments, sign-offs, editions), the tamper-evident chain (docs/architecture.md)."""
