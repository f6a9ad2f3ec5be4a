"""RDF graph: building (``build``), storing (``store``), validating (``shacl``) and views (``export``)."""
