"""Publication: what the public may see, and the registry version behind the public cache."""
