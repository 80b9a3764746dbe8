"""Builds the bundled SC models (``assets/structures``) from the paper's numbers.

Not part of the analysis: nothing in the pipeline imports it (``interlace build-models`` does).
"""
