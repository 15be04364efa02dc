"""The human-oversight owner of a solution (AI Act Art 14, Art 26(2))."""
