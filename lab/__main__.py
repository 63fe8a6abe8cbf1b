"""`python -m lab`: the lab command line."""

from lab.cli import run

run()
