from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form sent from a page that was too old (or from elsewhere): a plain Dutch page
    that says what to do, instead of Django's technical one."""
    return render(request, "403_csrf.html", status=403)
