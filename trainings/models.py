"""Models of the trainings program. Every record hangs off a village (chuprong.Village)."""
