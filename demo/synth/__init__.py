"""Synthetic people: the virtual actor and camera, and the shipped action library made with them."""
