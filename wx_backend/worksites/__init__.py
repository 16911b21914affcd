"""Worksites: the registry, their QR codes, printable posters and public landing pages."""
