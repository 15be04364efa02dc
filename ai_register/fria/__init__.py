"""The fundamental-rights impact assessment (FRIA, AI Act Art 27) as a structured, versioned record."""
