"""The ending review: ending by open discussion and mutual agreement."""
