"""Live: one stream per source (source -> pose -> recognition -> mirror -> state), the hub that owns them."""
