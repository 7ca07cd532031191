"""The line classifier ``classify_lines``: line features (``features``), HTML context
features (``markup``) and the two-stage model that scores each line (``step``)."""
