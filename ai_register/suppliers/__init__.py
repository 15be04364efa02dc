"""The supplier register: organisations, contacts, agreements (DPAs), product versions and their documents."""
