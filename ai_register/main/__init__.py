"""The start page and the pages that belong to no single area."""
