"""/api/v1/: one router; each views module lists its ROUTES."""

from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
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
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="docs"),
    *router.urls,
]
