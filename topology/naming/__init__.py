"""Naming: canonical forms of periodic nets, their vertex invariants and the archives of named nets."""
