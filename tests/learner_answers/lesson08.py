"""Answers learners type to lesson 08's exercises, each wrong in a way its check must catch."""

WRONG = {}

SECRETS = {}
