"""Command groups of `tfc`, one module per group; tfc/cli.py mounts them."""
