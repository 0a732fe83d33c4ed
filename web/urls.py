from django.urls import path

from web.views import auth, caseload, team, young_people

app_name = "web"

urlpatterns = [
    path("", caseload.caseload, name="caseload"),
    path("login/", auth.LoginView.as_view(), name="login"),
    path("logout/", auth.LogoutView.as_view(), name="logout"),
    path("team/", team.team, name="team"),
    path("young-people/<int:pk>/", young_people.young_person_detail, name="young-person"),
    path("young-people/<int:pk>/chronology/", young_people.young_person_chronology,
         name="chronology"),
]
