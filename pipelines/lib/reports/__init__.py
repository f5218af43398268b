"""The gap reports: the Excel workbook for a working group and the web report.

Everything a person reads is laid out here from the warehouse's `sql/report_*.sql`
queries (`frames.py`); nothing is computed, a figure is only arranged and worded.

- `look.py`     the shared look and words: colours, the risk scale, explanations, `Col`
- `writer.py`   the generic sheet writer (openpyxl write-only: marking, tables, print set-up)
- `figures.py`  what every plotly chart shares, and its still version for images
- `workbook.py` the sheets in order; `charts.py` the charts in order
- `pages.py`    `index.html` and a page per chart; `images.py` the PNG copies
- one module per topic (`scorecard.py`, `shortfalls.py`, `offers.py`, ...), holding
  its sheet (`NAME`, `SHOWS`, `sheet(...)`) and its figures: a new sheet is a new module.
"""
