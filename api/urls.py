"""/api/v1/: one router; each views module lists its ROUTES."""

from django.http import JsonResponse
from django.urls import path, re_path
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from api.views import auth, care, education, people, plans, records, reviews

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
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
    *router.urls,
]


@csrf_exempt  # it changes nothing; without this a DELETE to a bad address met CSRF's HTML 403
def not_found(request, *args, **kwargs) -> JsonResponse:
    """Any other address under /api/v1/: the API's own 404, never an HTML page."""
    return JsonResponse({"detail": "Not found.", "errors": {}}, status=404)


urlpatterns.append(re_path(r"^.*$", not_found))
