from django.contrib import admin

from .models import Channel, Customer, Product, Transaction, TransactionLine


@admin.register(Customer)
class CustomerAdmin(admin.ModelAdmin):
    list_display = ("customer_no", "name", "kind", "home_unit", "segment", "joined_on")
    list_filter = ("kind", "segment", "consent_marketing")
    search_fields = ("customer_no", "name")
    list_select_related = ("home_unit",)
    raw_id_fields = ("home_unit",)
    show_full_result_count = False


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    list_display = ("sku", "name_ko", "name_en", "category", "unit_price", "unit_cost", "is_active")
    list_filter = ("category", "is_active")
    search_fields = ("sku", "name_ko", "name_en")


@admin.register(Channel)
class ChannelAdmin(admin.ModelAdmin):
    list_display = ("code", "name_ko", "name_en", "kind")


class TransactionLineInline(admin.TabularInline):
    model = TransactionLine
    raw_id_fields = ("product",)
    extra = 0


@admin.register(Transaction)
class TransactionAdmin(admin.ModelAdmin):
    list_display = ("txn_no", "occurred_on", "customer", "branch", "channel", "amount", "cost")
    list_select_related = ("customer", "branch", "channel")
    raw_id_fields = ("customer", "branch")
    search_fields = ("txn_no",)
    date_hierarchy = "occurred_on"
    show_full_result_count = False
    inlines = [TransactionLineInline]
