"""The training engine: pure NumPy, no Qt (the window imports this, never the other way)."""
