"""Pages of the volunteers app, mounted at /volunteers/ (namespace "volunteers"); "volunteers:home" is its landing page."""

from __future__ import annotations

from django.urls import path

from bastion.volunteers.views import claims, config, orders, records, tasks

app_name = "volunteers"
urlpatterns = [
    path("", tasks.home, name="home"),
    path("tasks/", tasks.task_list, name="task_list"),
    path("tasks/new/", tasks.task_new, name="task_new"),
    path("tasks/<uuid:public_id>/", tasks.task_detail, name="task_detail"),
    path("tasks/<uuid:public_id>/edit/", tasks.task_edit, name="task_edit"),
    path("tasks/<uuid:public_id>/cancel/", tasks.task_cancel, name="task_cancel"),
    path("tasks/<uuid:public_id>/qr/", tasks.task_qr, name="task_qr"),
    path("tasks/<uuid:public_id>/claim/", claims.claim, name="claim"),
    path("tasks/<uuid:public_id>/claim-for/", claims.claim_offline, name="claim_offline"),
    path("tasks/<uuid:public_id>/confirm-all/", claims.task_confirm_all, name="confirm_all"),
    path("series/<uuid:public_id>/", tasks.series_detail, name="series_detail"),
    path("series/<uuid:public_id>/cancel/", tasks.series_cancel, name="series_cancel"),
    path("claims/<uuid:public_id>/cancel/", claims.claim_cancel_view, name="claim_cancel"),
    path("claims/<uuid:public_id>/check/", claims.claim_check, name="claim_check"),
    path("claims/<uuid:public_id>/confirm/", claims.claim_confirm, name="claim_confirm"),
    path("claims/<uuid:public_id>/no-show/", claims.claim_no_show, name="claim_no_show"),
    path(
        "attendance/<uuid:public_id>/correct/",
        claims.attendance_correct,
        name="attendance_correct",
    ),
    path("checkin/<str:code>/", claims.checkin, name="checkin"),
    path("me/", records.me, name="me"),
    path("people/<uuid:public_id>/", records.person_record, name="person_record"),
    path("ranking/", records.ranking_view, name="ranking"),
    path("no-shows/", records.no_shows, name="no_shows"),
    path("orders/", orders.order_index, name="order_list"),
    path("orders/new/", orders.order_new, name="order_new"),
    path("orders/<uuid:public_id>/", orders.order_detail, name="order_detail"),
    path("orders/<uuid:public_id>/dispatch/", orders.order_dispatch, name="order_dispatch"),
    path("orders/<uuid:public_id>/accept/", orders.order_accept, name="order_accept"),
    path("orders/<uuid:public_id>/release/", orders.order_release, name="order_release"),
    path("orders/<uuid:public_id>/done/", orders.order_done, name="order_done"),
    path("orders/<uuid:public_id>/cancel/", orders.order_cancel, name="order_cancel"),
    path(
        "orders/<uuid:public_id>/rating-link/", orders.order_rating_link, name="order_rating_link"
    ),
    path("residents/", config.resident_index, name="resident_index"),
    path("residents/new/", config.resident_new, name="resident_new"),
    path("residents/<uuid:public_id>/leave/", config.resident_leave, name="resident_leave"),
    path("communities/", config.communities, name="communities"),
    path("communities/<str:code>/", config.community, name="community"),
    path("kinds/", config.kinds, name="kinds"),
]
