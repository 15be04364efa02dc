"""Portfolio steering: the common indicators, the portfolio view with its prioritisation score,
portfolio-meeting decisions, the trustworthy-AI self-assessment and continuity of critical services."""
