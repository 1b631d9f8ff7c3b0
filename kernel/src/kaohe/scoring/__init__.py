"""The pure engine: the pipeline (data sources, carry-over, ranking, aggregation of longer periods), folding, explanation, the data status of a period (docs/architecture.md)."""
