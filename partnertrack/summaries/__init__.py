"""Per-partnership summaries: what the dashboard row and the partnership page header need, kept by data version."""
