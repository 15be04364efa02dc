"""Monitoring in operation (AI Act Art 26(5), (6)) and informing the people concerned (Art 26(7), 26(11),
Art 86): metrics, values, breach assessments, log retention, informing records, explanation requests."""
