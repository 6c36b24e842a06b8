"""vcplatform."""
