"""compassion-bot: a self-hostable chat bot that practises compassion-focused care."""
