"""The project's format modules (``FORMAT_MODULE_PATH``): day-first dates in every language.

Django reads a setting here first, then its own locale's module, then settings.
"""
