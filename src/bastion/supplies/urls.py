"""Pages of the supplies app, mounted at /supplies/ (namespace "supplies"); "supplies:home" is its landing page."""

from __future__ import annotations

from django.urls import path

from bastion.supplies.views import allocations, cash, catalogue, donations, home, stock

app_name = "supplies"
urlpatterns = [
    path("", home.home, name="home"),
    # Donors and donations
    path("donors/", donations.donor_list, name="donor_list"),
    path("donors/new/", donations.donor_create, name="donor_create"),
    path("donors/<uuid:public_id>/", donations.donor_detail, name="donor_detail"),
    path("donors/<uuid:public_id>/edit/", donations.donor_edit, name="donor_edit"),
    path("donors/<uuid:public_id>/reveal/", donations.donor_reveal, name="donor_reveal"),
    path("donations/", donations.donation_list, name="donation_list"),
    path("donations/new/", donations.donation_create, name="donation_create"),
    path("donations/<uuid:public_id>/", donations.donation_detail, name="donation_detail"),
    path(
        "donations/<uuid:public_id>/lines/new/",
        donations.donation_line_add,
        name="donation_line_add",
    ),
    path(
        "donations/<uuid:public_id>/receive/", donations.donation_receive, name="donation_receive"
    ),
    path("donations/<uuid:public_id>/cash/", donations.donation_cash, name="donation_cash"),
    path("donations/<uuid:public_id>/cancel/", donations.donation_cancel, name="donation_cancel"),
    path(
        "donations/<uuid:public_id>/acknowledgement.docx",
        donations.donation_acknowledgement,
        name="donation_acknowledgement",
    ),
    # Catalogue
    path("items/", catalogue.item_list, name="item_list"),
    path("items/new/", catalogue.item_create, name="item_create"),
    path("items/units/new/", catalogue.unit_create, name="unit_create"),
    path("items/<uuid:public_id>/", catalogue.item_detail, name="item_detail"),
    path("items/<uuid:public_id>/edit/", catalogue.item_edit, name="item_edit"),
    # Warehouses and the ledger
    path("warehouses/", stock.warehouse_list, name="warehouse_list"),
    path("warehouses/new/", stock.warehouse_create, name="warehouse_create"),
    path("warehouses/<uuid:public_id>/", stock.warehouse_detail, name="warehouse_detail"),
    path("warehouses/<uuid:public_id>/edit/", stock.warehouse_edit, name="warehouse_edit"),
    path("warehouses/<uuid:public_id>/adjust/", stock.stock_adjust, name="stock_adjust"),
    path("warehouses/<uuid:public_id>/write-off/", stock.stock_write_off, name="stock_write_off"),
    path("warehouses/<uuid:public_id>/transfer/", stock.stock_transfer, name="stock_transfer"),
    path("ledger/", stock.ledger, name="ledger"),
    path("ledger/export/", stock.ledger_export, name="ledger_export"),
    path("ledger/<uuid:public_id>/", stock.move_detail, name="move_detail"),
    path("transfers/<uuid:public_id>/", stock.transfer_detail, name="transfer_detail"),
    # Allocations
    path("allocations/", allocations.allocation_list, name="allocation_list"),
    path("allocations/new/", allocations.allocation_create, name="allocation_create"),
    path("allocations/<uuid:public_id>/", allocations.allocation_detail, name="allocation_detail"),
    path(
        "allocations/<uuid:public_id>/decide/",
        allocations.allocation_decide,
        name="allocation_decide",
    ),
    path("allocations/<uuid:public_id>/issue/", allocations.shipment_issue, name="shipment_issue"),
    path(
        "allocations/<uuid:public_id>/cancel/",
        allocations.allocation_cancel,
        name="allocation_cancel",
    ),
    path(
        "shipments/<uuid:public_id>/confirm/", allocations.shipment_confirm, name="shipment_confirm"
    ),
    # Cash
    path("cash/", cash.cash_home, name="cash_home"),
    path("cash/export/", cash.cash_export, name="cash_export"),
    path("cash/accounts/new/", cash.account_create, name="account_create"),
    path("cash/accounts/<uuid:public_id>/", cash.account_detail, name="account_detail"),
    path("cash/accounts/<uuid:public_id>/adjust/", cash.account_adjust, name="account_adjust"),
    path("cash/purposes/new/", cash.purpose_create, name="purpose_create"),
    path("cash/purposes/<uuid:public_id>/", cash.purpose_detail, name="purpose_detail"),
    path("cash/purposes/<uuid:public_id>/spend/", cash.purpose_spend, name="purpose_spend"),
    path("cash/purposes/<uuid:public_id>/top-up/", cash.purpose_top_up, name="purpose_top_up"),
    path("cash/purposes/<uuid:public_id>/close/", cash.purpose_close, name="purpose_close"),
    path("cash/entries/<uuid:public_id>/receipt/", cash.entry_receipt, name="entry_receipt"),
    path("cash/entries/<uuid:public_id>/correct/", cash.entry_correct, name="entry_correct"),
]
