"""Answers learners type to lesson 07's exercises, each wrong in a way its check must catch."""

WRONG = {}

SECRETS = {}
