"""Reading scans: page images → the common layout model (grid, OCR, placement)."""

DPI = 300  # pages are rendered, and their cells read, at this resolution
