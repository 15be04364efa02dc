"""AI literacy (AI Act Art 4): the measures the region takes for the staff who operate or use its AI."""
