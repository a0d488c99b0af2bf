"""Models of the legal library program. Every record hangs off a village (chuprong.Village)."""
