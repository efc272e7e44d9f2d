"""Interactive explorers for the course, built from ipywidgets on top of minigrad's public API."""
