app_name = "agency"

urlpatterns = []
