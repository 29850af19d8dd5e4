"""The toy mirror-unit model: populations in STS, PF/PFG and F5, their
dynamics, associative learning, the model's own acting agent, and the
compact form in which their activity is streamed. docs/model.md explains
the science and the equations."""
