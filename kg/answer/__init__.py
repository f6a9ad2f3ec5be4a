"""Answering: facts from named queries, hybrid retrieval, question parsing, cited answers."""
