"""Every built-in step: normalizers, line filters, metadata, language, the line
classifier (``classify/``), duplicates and the quality filters."""
