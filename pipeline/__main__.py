"""`python -m pipeline …` is the `orders` command."""
from pipeline.cli import main

main()
