"""The Shopify demo store: where its buyers live, their sales tax, how they pay, its discounts.

The simulation draws from these tables and the Shopify renderer writes from them, so both read
them here.
"""

from __future__ import annotations

# The Shopify store: an independent US shop (its clock at US Eastern time) that ships mostly at
# home. Buyers are made up: e-mail at example.com, phone numbers from the ranges set aside for
# fiction (555-01xx in North America, 07700 900xxx in the UK, 0491 570xxx in Australia).
# (country, weight, province code, province name, city, postcode pattern, state sales tax %)
SHOP_PLACES: tuple[tuple[str, int, str, str, str, str, float], ...] = (
    ("US", 9, "TX", "Texas", "Houston", "770##", 6.25),
    ("US", 9, "NY", "New York", "Brooklyn", "112##", 4.0),
    ("US", 6, "AZ", "Arizona", "Phoenix", "850##", 5.6),
    ("US", 5, "OH", "Ohio", "Columbus", "432##", 5.75),
    ("US", 11, "CA", "California", "San Diego", "921##", 7.25),
    ("US", 7, "FL", "Florida", "Orlando", "328##", 6.0),
    ("US", 6, "MA", "Massachusetts", "Boston", "021##", 6.25),
    ("US", 5, "WA", "Washington", "Seattle", "981##", 6.5),
    ("US", 4, "CO", "Colorado", "Denver", "802##", 2.9),
    ("US", 4, "NJ", "New Jersey", "Newark", "071##", 6.625),
    ("CA", 4, "ON", "Ontario", "Toronto", "M#@ #@#", 0.0),
    ("CA", 2, "AB", "Alberta", "Calgary", "T#@ #@#", 0.0),
    ("GB", 3, "", "", "Manchester", "M# #@@", 0.0),
    ("AU", 2, "VIC", "Victoria", "Melbourne", "3###", 0.0),
)
# (Payment Method cell, weight, how it is paid: "now" at checkout, "manual" later by the buyer,
#  "on_delivery" in cash to the courier, "on_capture" authorised now and captured on fulfilment)
SHOP_PAYMENTS = (
    ("Shopify Payments", 64, "now"),
    ("PayPal Express Checkout", 15, "now"),
    ("Shop Pay Installments", 4, "now"),
    ("Shopify Payments", 5, "on_capture"),
    ("Cash on Delivery (COD)", 8, "on_delivery"),
    ("Bank Deposit", 4, "manual"),
)
SHOP_VENDOR = "Harbor Lane"
SHOP_AREA_CODES = {
    "Houston": "713", "Brooklyn": "718", "Phoenix": "602", "Columbus": "614", "San Diego": "619",
    "Orlando": "407", "Boston": "617", "Seattle": "206", "Denver": "303", "Newark": "973",
    "Toronto": "416", "Calgary": "403",
}  # fmt: skip
SHOP_TAX = {(p[0], p[2]): p[6] for p in SHOP_PLACES}
SHOP_PROVINCE_NAMES = {(p[0], p[2]): p[3] for p in SHOP_PLACES}
SHOP_DISCOUNTS = (("WELCOME10", 10), ("SPRING15", 15), ("SAVE5", 0))  # (code, % off; 0: $5 off)
SHOP_NOTES = (
    "Please gift wrap, it's a birthday present.", "Leave the parcel with the concierge.",
    "Can you ship it before Friday?", "No invoice in the box please.",
)  # fmt: skip
