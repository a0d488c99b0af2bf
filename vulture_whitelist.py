"""Names vulture (``make lint``, 80% confidence) takes for dead but that are used.

Each is used by a mechanism vulture cannot follow; say which beside it. Add a name
here only after checking it is really used; remove dead code instead.
"""

# pytest fixtures requested for their effect, not their value.
django_user_model  # tests/chuprong/test_roles.py: the user model is swapped in first
django_db_blocker  # tests/conftest.py: collectstatic runs once per session
scan_layers  # tests/legal_library/test_pdfcheck.py: runs each case with both PDF checks
crowd  # tests/trainings/test_documents.py: the roster needs many attendees
elsewhere_campaign  # tests/volunteers/test_field_entry.py: another village's campaign
