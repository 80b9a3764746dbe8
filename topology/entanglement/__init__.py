"""Entanglement: rings of each net and the links and threadings between them."""
