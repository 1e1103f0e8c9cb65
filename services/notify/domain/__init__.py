"""Notify's domain: reply tokens, message content, reply parsing. No AWS."""
