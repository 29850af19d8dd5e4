"""Datasets: readers for motion capture (HDM05) and depth-camera skeleton sets; side wing, never live."""
