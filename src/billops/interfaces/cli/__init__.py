"""The billops command line (Typer): one module per noun."""
