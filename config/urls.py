from django.contrib import admin
from django.urls import include, path

from bot.webhook import telegram_webhook

admin.site.site_header = "Waymark"
admin.site.site_title = "Waymark"
admin.site.index_title = "Records"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", include("api.urls")),
    path("telegram/webhook/", telegram_webhook, name="telegram-webhook"),
    path("", include("web.urls")),
]
