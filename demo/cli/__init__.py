"""The command line: `python -m demo COMMAND`, one module per command."""
