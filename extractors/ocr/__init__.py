"""Reading scans: page images → the common layout model (grid, OCR, placement)."""
