"""The Content Security Policy middleware: django-csp's, except for a PDF shown in the browser.

Every response carries the policy of ``settings.CONTENT_SECURITY_POLICY`` but one
kind: a PDF served inline (the posters officers open to print). Chromium shows a
PDF in a page of its own making, with inline styles and a plugin, which that
policy (``object-src 'none'``, ``style-src 'self'``) blocks (crbug.com/271452).
Such a PDF is made by the server, never uploaded, and is sent with ``nosniff``;
uploaded attachments are always downloads (``Content-Disposition: attachment``)
and keep the policy.
"""

from csp.middleware import CSPMiddleware as BaseCSPMiddleware


def shown_inline_pdf(response) -> bool:
    is_pdf = response.get("Content-Type", "").startswith("application/pdf")
    return is_pdf and not response.get("Content-Disposition", "").startswith("attachment")


class CSPMiddleware(BaseCSPMiddleware):
    def process_response(self, request, response):
        if shown_inline_pdf(response):
            response._csp_exempt = True
        return super().process_response(request, response)
