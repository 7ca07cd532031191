"""Steps that remove lines, lift fields, annotate or drop documents."""
