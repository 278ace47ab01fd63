"""``python -m ioscope.cli``."""

from ioscope.cli import main

main()
