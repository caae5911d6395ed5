"""Shared goals: set together, reworded as therapy evolves, rated for progress every session."""
