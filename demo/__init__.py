"""Mirror: a live, browser-based demo of mirror neurons.

Data flows one way: source -> pose -> features -> recogniser -> mirror model
-> stream -> page. Each stage is a module with one job.
"""

__version__ = "0.1.0"
