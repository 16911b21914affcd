"""What workers ask, and where: the question log, privacy, aggregates and warnings."""
