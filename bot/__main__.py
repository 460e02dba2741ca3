"""``python -m bot`` runs the ``compassion-bot`` command line."""

import sys

from bot.cli import main

sys.exit(main())
