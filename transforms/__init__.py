"""Pure transforms: Polars functions (frame in, frame out), SQL model files, reference CSVs.

Nothing here opens a database or writes a file; ``flows`` reads these paths and does the
IO. The one file read here is the shipped activity list, once at import (measures.py).
"""

from pathlib import Path

SQL_DIR = Path(__file__).parent / "sql"
REFERENCE_DIR = Path(__file__).parent / "reference"
