"""Interlace's user side: the Streamlit app, the 3D scene, figure and animation export, the CLI."""
