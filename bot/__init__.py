"""Retrieval, ranking and answers made of dated excerpts."""
