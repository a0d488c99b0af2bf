"""Models of the cashless market program. Every record hangs off a village (chuprong.Village)."""
