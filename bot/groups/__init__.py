"""Group wellness channels: settings, daily prompts, check-ins, wins (see ``turn``)."""
