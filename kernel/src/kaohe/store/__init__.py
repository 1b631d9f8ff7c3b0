"""The store: records and their versions, results, the ledger (appeals, adjustments, sign-offs, editions), the tamper-evident chain (docs/architecture.md); SQLite (store), or PostgreSQL (pgstore over the dialect layer of postgres)."""

from . import pgstore as pgstore  # registers the PostgreSQL store (Store("postgresql://…"))
