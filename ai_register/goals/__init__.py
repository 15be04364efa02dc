"""Goals, measured values and the benefit estimate of a solution ("effekt före insats")."""
