"""vcorg."""
