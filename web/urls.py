from django.urls import path

from web.views import (
    auth,
    caseload,
    data,
    plans,
    records,
    reports,
    team,
    telegram,
    young_people,
)
from web.views import safeguarding as safeguarding_views

app_name = "web"

urlpatterns = [
    path("", caseload.caseload, name="caseload"),
    path("login/", auth.LoginView.as_view(), name="login"),
    path("logout/", auth.LogoutView.as_view(), name="logout"),
    path("session/keep-alive/", auth.session_keep_alive, name="keep-alive"),
    path("account/api-tokens/", auth.api_tokens, name="api-tokens"),
    path("account/api-tokens/<int:token_id>/revoke/", auth.api_token_revoke_page,
         name="api-token-revoke"),
    path("team/", team.team, name="team"),
    path("reports/", reports.report_index, name="reports"),
    path("reports/<slug:slug>/", reports.report_detail, name="report"),
    path("reports/<slug:slug>/children/", reports.report_children, name="report-children"),
    path("data/", data.data_index, name="data"),
    path("data/export/", data.data_export, name="data-export"),
    path("data/import/", data.data_import, name="data-import"),
    path("data/jobs/<int:pk>/", data.data_job, name="data-job"),
    path("data/jobs/<int:pk>/download/", data.data_job_download, name="data-job-download"),
    path("data/annex-a/", data.annex_a_download, name="data-annex-a"),
    path("young-people/<int:pk>/", young_people.young_person_detail, name="young-person"),
    path("young-people/<int:pk>/chronology/", young_people.young_person_chronology,
         name="chronology"),
    path("young-people/<int:pk>/plan/edit/", plans.plan_edit, name="plan-edit"),
    path("young-people/<int:pk>/plan/goals/", plans.plan_goals, name="plan-goals"),
    path("young-people/<int:pk>/plan/goals/add/<slug:heading>/", plans.goal_add,
         name="goal-add"),
    path("young-people/<int:pk>/plan/goals/<int:goal_id>/", plans.goal_edit, name="goal-edit"),
    path("young-people/<int:pk>/telegram/", telegram.young_person_telegram,
         name="telegram-young-person"),
    path("young-people/<int:pk>/telegram/revoke/", telegram.young_person_telegram_revoke,
         name="telegram-young-person-revoke"),
    path("safeguarding/", safeguarding_views.safeguarding_list, name="safeguarding"),
    path("safeguarding/<int:pk>/", safeguarding_views.safeguarding_alert, name="safeguarding-alert"),
    # Recording the work (web/views/records.py).
    path("young-people/<int:pk>/record/<slug:kind>/", records.record_form, name="record"),
    path("young-people/<int:pk>/record/<slug:kind>/check/", records.record_check,
         name="record-check"),
    path("young-people/<int:pk>/schedule/close/", records.schedule_close,
         name="schedule-close"),
    path("telegram/", telegram.my_telegram, name="telegram"),
    path("telegram/revoke/", telegram.my_telegram_revoke, name="telegram-revoke"),
]
