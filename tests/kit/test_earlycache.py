"""kit.earlycache: which requests an app's early answer is tried for."""

import re

from django.test import RequestFactory

from kit.earlycache import EarlyPage


def answer(request, match, language):
    return None


def test_only_the_named_query_parameters_once_each():
    page = EarlyPage(re.compile("/x/"), answer, frozenset({"diem"}))
    plain = EarlyPage(re.compile("/x/"), answer, frozenset())
    factory = RequestFactory()
    assert page.accepts(factory.get("/x/")) and plain.accepts(factory.get("/x/"))
    assert page.accepts(factory.get("/x/?diem=T03"))
    assert not plain.accepts(factory.get("/x/?diem=T03"))
    assert not page.accepts(factory.get("/x/?diem=T03&diem=T04"))
    assert not page.accepts(factory.get("/x/?diem=T03&q=a"))
