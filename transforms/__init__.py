"""Pure transforms: Polars functions (frame in, frame out), SQL model files, reference CSVs.

Nothing here opens a file or a database; ``flows`` reads these paths and does the IO.
"""

from pathlib import Path

SQL_DIR = Path(__file__).parent / "sql"
REFERENCE_DIR = Path(__file__).parent / "reference"
