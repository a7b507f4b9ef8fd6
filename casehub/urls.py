from django.urls import path

from casehub import views

app_name = "cases"

urlpatterns = [
    path("", views.case_list, name="list"),
    path("new/", views.case_new, name="new"),
    path("<uuid:case_uuid>/", views.case_survivor, name="survivor"),
    path("<uuid:case_uuid>/survivor/edit/", views.case_survivor_edit, name="survivor_edit"),
    path("<uuid:case_uuid>/details/", views.case_details, name="details"),
    path("<uuid:case_uuid>/details/edit/", views.case_details_edit, name="details_edit"),
    path("<uuid:case_uuid>/safety/", views.case_safety, name="safety"),
    path("<uuid:case_uuid>/safety/edit/", views.case_safety_edit, name="safety_edit"),
    path("<uuid:case_uuid>/notes/", views.case_notes, name="notes"),
    path("<uuid:case_uuid>/notes/add/", views.note_add, name="note_add"),
    path("<uuid:case_uuid>/notes/<uuid:note_uuid>/edit/", views.note_edit, name="note_edit"),
    path("<uuid:case_uuid>/tasks/", views.case_tasks, name="tasks"),
    path("<uuid:case_uuid>/tasks/add/", views.task_add, name="task_add"),
    path("<uuid:case_uuid>/tasks/<uuid:task_uuid>/done/", views.task_done, name="task_done"),
    path("<uuid:case_uuid>/tasks/<uuid:task_uuid>/edit/", views.task_edit, name="task_edit"),
    path("<uuid:case_uuid>/tasks/<uuid:task_uuid>/delete/", views.task_delete, name="task_delete"),
    path("<uuid:case_uuid>/documents/", views.case_documents, name="documents"),
    path("<uuid:case_uuid>/documents/add/", views.document_add, name="document_add"),
    path("<uuid:case_uuid>/documents/<uuid:attachment_uuid>/", views.document_download, name="document_download"),
    path("<uuid:case_uuid>/history/", views.case_history, name="history"),
    path("<uuid:case_uuid>/manage/", views.case_manage, name="manage"),
    path("<uuid:case_uuid>/assign/", views.case_assign, name="assign"),
    path("<uuid:case_uuid>/restrict/", views.case_restrict, name="restrict"),
    path("<uuid:case_uuid>/close/", views.case_close, name="close"),
    path("<uuid:case_uuid>/reopen/", views.case_reopen, name="reopen"),
    path("<uuid:case_uuid>/erase/", views.erase_request, name="erase_request"),
    path("<uuid:case_uuid>/erase/<uuid:erasure_uuid>/cancel/", views.erase_cancel, name="erase_cancel"),
]
