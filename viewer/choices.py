"""The drawing choices the app and the CLI offer, apart from the code that draws them, so that the
command line can list and check them without loading the drawing code."""

STYLES = ("ball-and-stick", "sticks", "space-filling", "cluster")
COLOR_BY = ("net", "element", "occupancy")
FIGURE_WIDTH = (16, 8000)
"""Pixels of a PNG figure, least and most."""
MOVIE_WIDTH = (64, 4000)
"""Pixels of a movie frame, least and most."""
MOVIE_FPS = (1, 60)
MOVIE_FRAMES_PER_STEP = (1, 240)
