"""/api/v1/: one router; each views module lists its ROUTES."""

from csp.decorators import csp_update
from django.http import JsonResponse
from django.urls import path, re_path
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from api.views import auth, care, education, people, plans, records, reviews

# The API's documentation page under the same strict policy as every other: Swagger UI's script
# comes from a file (the "split" view), and the one <style> it writes is allowed by its hash,
# not by 'unsafe-inline' (tests/browser/test_csp.py).
SWAGGER_UI_STYLE = csp_update({"style-src": ["'sha256-MMpT0iDxyjALd9PdfepImGX3DBfJPXZ4IlDWdPAgtn0='"]})

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
for module in (people, care, reviews, education, records, plans):
    for prefix, viewset, basename in module.ROUTES:
        router.register(prefix, viewset, basename=basename)

app_name = "api"
urlpatterns = [
    path("auth/token/", auth.TokenView.as_view(), name="token"),
    path("auth/tokens/", auth.TokenListView.as_view(), name="tokens"),
    path("auth/tokens/<int:pk>/", auth.TokenDetailView.as_view(), name="token-detail"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SWAGGER_UI_STYLE(SpectacularSwaggerSplitView.as_view(url_name="api:schema")),
         name="docs"),
    *router.urls,
]


@csrf_exempt  # it changes nothing; without this a DELETE to a bad address met CSRF's HTML 403
def not_found(request, *args, **kwargs) -> JsonResponse:
    """Any other address under /api/v1/: the API's own 404, never an HTML page."""
    return JsonResponse({"detail": "Not found.", "errors": {}}, status=404)


urlpatterns.append(re_path(r"^.*$", not_found))
