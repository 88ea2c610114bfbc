"""Befragungen: calls of kind 'survey' with questions, answered through personal links."""
