"""CSV import and export of the sociale kaart: one column layout, both ways.

- columns.py: the column layout, defined once (also shown on the import page);
- reading.py: the uploaded bytes as text, then the column names and rows;
- cells.py: one cell into the value of its field, and formula escaping;
- keys.py: the import key by which a row finds its service again;
- planning.py: every row checked and its action decided, nothing written;
- importing.py: planning again and writing, in one transaction, in batches;
- export.py: the services of a practice's maps in the import layout;
- jobs.py: an uploaded file's way from the check to the import (ImportJob).
"""
