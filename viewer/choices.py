"""The drawing choices the app and the CLI offer, apart from the code that draws them, so that the
command line can list them without loading the drawing code."""

STYLES = ("ball-and-stick", "sticks", "space-filling", "cluster")
COLOR_BY = ("net", "element", "occupancy")
