"""Models of the volunteers program. Every record hangs off a village (chuprong.Village)."""
