"""Django's makemessages, without msgmerge's fuzzy matching.

Fuzzy matching fills a new string with the translation of a similar old one
("Account" took "Account inactive"'s translation); a translator must then catch
every one. Here a new string simply arrives untranslated, and the i18n test
names it.
"""

from django.core.management.commands import makemessages


class Command(makemessages.Command):
    msgmerge_options = [*makemessages.Command.msgmerge_options, "--no-fuzzy-matching"]
