"""Realistic, deterministic marketplace order-export simulator.

Real exports cannot be shipped with the project (they hold buyer data), yet the ingest, the
metrics and the benchmarks need files that look and behave like the real ones: AliExpress
batch exports (Chinese or English headers, ``.xls`` / ``.xlsx`` / ``.csv``), eBay Seller Hub
"Orders" reports, 1688 exports and Shopify ``orders_export.csv`` files, taken every few weeks as
rolling 90-day windows in which orders change state between exports.

The model: :func:`simulate_orders` draws each order's whole lifecycle (created, paid, maybe a
risk-control hold, then shipped and received, or cancelled, timed out, disputed ...).
:func:`state_as_of` cuts a lifecycle at an export time, :func:`export_table` renders a rolling
export as header + string rows in the platform's own vocabulary and formats, and
:func:`write_export` writes it as the platform's file. :func:`true_final_states` and
:func:`expected_history_states` give the canonical answer (SPEC section 2 codes) a correct
ingest must reproduce.

Everything is driven by seeded :class:`random.Random` instances (never the global one), so a
seed always yields byte-identical files.
"""

from __future__ import annotations

import csv
import dataclasses
import functools
import math
import random
import unicodedata
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

__all__ = [
    "ALI_PRODUCT_INFO_HEADER",
    "ALI_HEADERS_EN",
    "ALI_HEADERS_ZH",
    "ALI_REASON_HEADERS_EN",
    "ALI_REASON_HEADERS_ZH",
    "DEMO_TODAY",
    "EBAY_HEADERS",
    "EBAY_REASON_HEADERS",
    "HEADERS_1688",
    "PLATFORMS",
    "REASON_HEADERS_1688",
    "SELLER_FAULT_REASONS",
    "SHOPIFY_HEADERS",
    "SHOPIFY_ITEM_ROW_CELLS",
    "XLS_MAX_ROWS",
    "XLSX_MAX_ROWS",
    "Buyer",
    "DemoStore",
    "SimItem",
    "SimOrder",
    "canonical_state",
    "demo_stores",
    "expected_history_states",
    "export_table",
    "rolling_window",
    "simulate_orders",
    "state_as_of",
    "true_final_states",
    "write_demo_exports",
    "write_export",
]

PLATFORMS = ("aliexpress", "ebay", "1688", "shopify")

#: BIFF8 sheets hold 65,536 rows, the header row included.
XLS_MAX_ROWS = 65_536
#: Excel 2007+ sheets hold 1,048,576 rows.
XLSX_MAX_ROWS = 1_048_576

#: The demo's fixed "today", so that `storehealth demo` is reproducible.
DEMO_TODAY = datetime(2024, 6, 3, 9, 0)

#: Fixed document creation time written into .xlsx files: identical input, identical bytes.
_XLSX_CREATED = datetime(2024, 1, 1)

#: The cancel reasons AliExpress counts toward 成交不卖 (SPEC section 2, marked ★).
SELLER_FAULT_REASONS = frozenset(
    {"seller_raised_price", "seller_no_response", "cannot_use_selected_shipping", "out_of_stock"}
)

# --------------------------------------------------------------------------------------------
# Header sets, exactly as the real exports have them.
# --------------------------------------------------------------------------------------------

ALI_PRODUCT_INFO_HEADER = "产品信息\n（双击单元格展开所有产品信息！）"

ALI_HEADERS_ZH = [
    "订单号", "订单状态", "负责人(业务员)", "买家名称", "买家邮箱", "下单时间", "付款时间",
    "产品总金额", "物流费用", "订单金额", "满立减", ALI_PRODUCT_INFO_HEADER, "订单备注",
    "收货地址", "收货人名称", "收货国家", "州/省", "城市", "地址", "邮编", "联系电话", "手机",
    "买家选择物流", "发货期限", "实际发货物流:运单号", "发货时间", "确认收货时间",
]  # fmt: skip
ALI_REASON_HEADERS_ZH = ["订单关闭原因", "取消原因", "关闭时间"]

ALI_HEADERS_EN = [
    "Order ID", "Order Status", "Order Date", "Payment Date", "Product Total", "Shipping Cost",
    "Order Amount", "Product Information", "Order Remarks", "Buyer Name", "Buyer Country",
    "Buyer Selected Logistics", "Shipping Deadline", "Tracking Number", "Shipping Time",
    "Confirmed Received Time",
]  # fmt: skip
ALI_REASON_HEADERS_EN = ["Close Reason", "Cancel Reason", "Close Time"]

EBAY_HEADERS = [
    "Sales Record Number", "Order Number", "Buyer Username", "Buyer Name", "Buyer Email",
    "Buyer Note", "Buyer Address 1", "Buyer Address 2", "Buyer City", "Buyer State", "Buyer Zip",
    "Buyer Country", "Ship To Name", "Ship To Phone", "Ship To Address 1", "Ship To Address 2",
    "Ship To City", "Ship To State", "Ship To Zip", "Ship To Country", "Item Number",
    "Item Title", "Custom Label", "Sold Via Promoted Listings", "Quantity", "Sold For",
    "Shipping And Handling", "Seller Collected Tax", "eBay Collected Tax", "Total Price",
    "eBay Collected Tax and Fees Included in Total", "Payment Method", "Sale Date",
    "Paid On Date", "Ship By Date", "Minimum Estimated Delivery Date",
    "Maximum Estimated Delivery Date", "Shipped On Date", "Feedback Left", "Feedback Received",
    "My Item Note", "PayPal Transaction ID", "Shipping Service", "Tracking Number",
    "Transaction ID", "Variation Details", "Global Shipping Program",
    "Global Shipping Reference ID", "Click And Collect", "Click And Collect Reference Number",
    "eBay Plus",
]  # fmt: skip
EBAY_REASON_HEADERS = ["Cancel Status", "Cancel Reason"]

HEADERS_1688 = [
    "订单编号", "买家公司名", "买家会员名", "货品总价(元)", "运费(元)", "实付款(元)", "订单状态",
    "订单创建时间", "订单付款时间", "发货时间", "确认收货时间", "收货人姓名", "收货地址", "联系手机",
    "货品标题", "数量", "物流公司", "运单号", "买家留言",
]  # fmt: skip
REASON_HEADERS_1688 = ["关闭原因"]

# Shopify Admin > Orders > Export, "Plain CSV file": the current 79-column header
# (tests/fixtures/real_layouts/SOURCES.md section 2). No reason columns: a cancelled order has
# only its Cancelled at.
SHOPIFY_HEADERS = [
    "Name", "Email", "Financial Status", "Paid at", "Fulfillment Status", "Fulfilled at",
    "Accepts Marketing", "Currency", "Subtotal", "Shipping", "Taxes", "Total", "Discount Code",
    "Discount Amount", "Shipping Method", "Created at", "Lineitem quantity", "Lineitem name",
    "Lineitem price", "Lineitem compare at price", "Lineitem sku", "Lineitem requires shipping",
    "Lineitem taxable", "Lineitem fulfillment status", "Billing Name", "Billing Street",
    "Billing Address1", "Billing Address2", "Billing Company", "Billing City", "Billing Zip",
    "Billing Province", "Billing Country", "Billing Phone", "Shipping Name", "Shipping Street",
    "Shipping Address1", "Shipping Address2", "Shipping Company", "Shipping City",
    "Shipping Zip", "Shipping Province", "Shipping Country", "Shipping Phone", "Notes",
    "Note Attributes", "Cancelled at", "Payment Method", "Payment Reference", "Refunded Amount",
    "Vendor", "Outstanding Balance", "Employee", "Location", "Device ID", "Id", "Tags",
    "Risk Level", "Source", "Lineitem discount", "Tax 1 Name", "Tax 1 Value", "Tax 2 Name",
    "Tax 2 Value", "Tax 3 Name", "Tax 3 Value", "Tax 4 Name", "Tax 4 Value", "Tax 5 Name",
    "Tax 5 Value", "Phone", "Receipt Number", "Duties", "Billing Province Name",
    "Shipping Province Name", "Payment ID", "Payment Terms Name", "Next Payment Due At",
    "Payment References",
]  # fmt: skip
# The cells a line item's row repeats below its order's first row; every other cell is empty.
SHOPIFY_ITEM_ROW_CELLS = frozenset({
    "Name", "Email", "Created at", "Lineitem quantity", "Lineitem name", "Lineitem price",
    "Lineitem compare at price", "Lineitem sku", "Lineitem requires shipping",
    "Lineitem taxable", "Lineitem fulfillment status", "Vendor", "Lineitem discount", "Phone",
})  # fmt: skip
# Cells Shopify writes as a quoted "" when they are empty on an order's first row.
_SHOPIFY_QUOTED_EMPTY = frozenset({
    "Discount Code", "Billing Address2", "Billing Company", "Shipping Address2",
    "Shipping Company", "Notes", "Note Attributes", "Payment Reference", "Tags",
})  # fmt: skip

# --------------------------------------------------------------------------------------------
# Platform vocabulary: canonical codes -> what each export writes.
# --------------------------------------------------------------------------------------------

_ALI_STATUS_ZH = {
    "awaiting_payment": "等待买家付款",
    "awaiting_shipment": "等待您发货",
    "shipped": "等待买家收货",
    "cancel_requested": "买家申请取消",
    "in_dispute": "含纠纷的订单",
    "on_hold": "订单处于风控24小时中",
    "closed": "订单关闭",
    "completed": "订单结束",
}
_ALI_STATUS_EN = {
    "awaiting_payment": "PLACE_ORDER_SUCCESS",
    "awaiting_shipment": "WAIT_SELLER_SEND_GOODS",
    "shipped": "WAIT_BUYER_ACCEPT_GOODS",
    "cancel_requested": "IN_CANCEL",
    "in_dispute": "IN_ISSUE",
    "on_hold": "RISK_CONTROL",
    # AliExpress ends closed and completed orders alike as FINISH; the end reason tells them apart.
    "closed": "FINISH",
    "completed": "FINISH",
}
_STATUS_1688 = {
    "awaiting_payment": "等待买家付款",
    "awaiting_shipment": "等待卖家发货",
    "shipped": "等待买家确认收货",
    "completed": "交易成功",
    "closed": "交易关闭",
}

# AliExpress end-reason code -> Chinese label (the "label" reason style).
_ALI_CODE_LABEL = {
    "buyer_pay_timeout": "买家付款超时",
    "pay_timeout": "买家付款超时",
    "buyer_cancel_notpay_order": "买家取消未付款订单",
    "cancel_order_close_trade": "买家取消订单",
    "buyer_cancel_order": "买家取消订单",
    "seller_send_goods_timeout": "卖家发货超时",
    "send_goods_timeout": "卖家发货超时",
    "risk_reject_closed": "风控关闭",
    "risk_closed": "风控关闭",
    "security_close": "风控关闭",
    "seller_accept_issue_no_goods_return": "纠纷退款",
    "seller_response_issue_timeout": "纠纷退款",
    "end_issue": "纠纷结束",
    "buyer_accept_goods": "买家确认收货",
    "buyer_accept_goods_timeout": "确认收货超时",
}
_LABEL_1688 = {"buyerCancel": "买家取消订单", "sellerGoodsLack": "卖家库存不足", "other": "其它"}

# canonical cancel reason -> (Chinese texts, English buyer-facing text or None)
_CANCEL_TEXT: dict[str, tuple[tuple[str, ...], str | None]] = {
    "buyer_changed_mind": (("买家不想购买这个订单", "不想买了"), "I do not want this order"),
    "processing_time_too_long": (
        ("备货期不满足买家期望值",),
        "Processing time is out of my expectation",
    ),
    "seller_raised_price": (("您上涨订单价格", "卖家涨价"), "Seller raised price of this order"),
    "seller_no_response": (
        ("您不回复买家咨询", "卖家未回复"),
        "Seller did not respond to my question",
    ),
    "cannot_use_selected_shipping": (
        ("您无法使用买家选择物流方式发货",),
        "Seller is unable to ship my order by selected shipping method",
    ),
    "out_of_stock": (("商品缺货",), "Products out of stock"),
    "ordered_by_mistake": (("买家下错单",), None),
    "duplicate_order": (("买家重复下单",), None),
    "other": (("其他原因",), "other reasons"),
}

# eBay CancelReasonCodeType -> (canonical reason, close cause when the order closes)
_EBAY_REASON = {
    "BuyerCancelOrder": ("buyer_asked", "buyer_cancelled"),
    "OrderPlacedByMistake": ("ordered_by_mistake", "buyer_cancelled"),
    "FoundCheaperPrice": ("found_cheaper_price", "buyer_cancelled"),
    "OutOfStock": ("out_of_stock", "seller_cancelled"),
    "OutOfStockOrCannotFulfill": ("out_of_stock", "seller_cancelled"),
    "AddressIssues": ("address_issue", "seller_cancelled"),
}

# --------------------------------------------------------------------------------------------
# Reference data: products, buyers, logistics.
# --------------------------------------------------------------------------------------------

_TITLES_EN = (
    "Wireless Earbuds Bluetooth 5.3 TWS Headphones", "USB C Fast Charger 20W PD Wall Adapter",
    "Magnetic Phone Holder for Car Dashboard", "Silicone Watch Band for Apple Watch 41mm 45mm",
    "LED Strip Lights RGB 5m with Remote", "Stainless Steel Kitchen Knife Set 6pcs",
    "Women Summer Linen Dress Loose Casual", "Men Cotton Crew Neck T-Shirt Oversize",
    "Portable Mini Projector 1080P Supported", "Mechanical Gaming Keyboard 87 Keys Hot Swap",
    "Wireless Mouse 2.4G Silent Click", "Phone Case Shockproof Clear for iPhone 15",
    "Tempered Glass Screen Protector 3 Pack", "Resistance Bands Set 5 Levels",
    "Yoga Mat Non Slip 6mm TPE", "Electric Toothbrush Heads 8pcs Replacement",
    "Hair Clips Claw Large Matte 4pcs", "925 Sterling Silver Hoop Earrings",
    "Minimalist Leather Wallet RFID Blocking", "Insulated Water Bottle 750ml Stainless",
    "Kids Building Blocks 520pcs City Set", "Car Seat Gap Filler Organizer PU Leather",
    "Bike Light USB Rechargeable Front Rear", "Camping Lantern LED Rechargeable",
    "Reusable Silicone Food Storage Bags", "Smart Plug WiFi Tuya Alexa Compatible",
    "Digital Kitchen Scale 5kg 0.1g", "Makeup Brush Set 14pcs Soft Synthetic",
    "Nail Art Stickers 3D Self Adhesive 10 Sheets", "Fishing Lure Set Minnow Crankbait 10pcs",
    "Dog Harness No Pull Reflective Adjustable", "Cat Toy Interactive Feather Wand",
    "Aluminum Laptop Stand Adjustable", "USB Hub 4 Port 3.0 Slim",
    "Type C to Lightning Cable 1m MFi", "Power Bank 10000mAh Slim PD 22.5W",
    "Solar Garden Lights Outdoor 8 Pack", "Shower Head High Pressure Filter",
    "Bathroom Organizer Wall Mounted No Drill", "Throw Pillow Covers 45x45cm Boho 4pcs",
    "Blackout Curtains Thermal Insulated 2 Panels", "Men Sports Running Shoes Breathable Mesh",
    "Women Crossbody Bag PU Leather Small", "Baseball Cap Unisex Cotton Adjustable",
    "Sunglasses Polarized UV400 Retro", "Knitted Beanie Hat Winter Warm",
    "Thermal Socks Wool 5 Pairs", "Smart Watch Fitness Tracker Heart Rate",
    "Car Phone Charger Dual USB QC3.0", "Drawer Organizer Adjustable Dividers 4pcs",
    "Electric Milk Frother Handheld", "Coffee Grinder Manual Ceramic Burr",
    "Cordless Mini Vacuum Cleaner for Car", "Precision Screwdriver Set 115 in 1",
    "Soldering Iron Kit 60W Adjustable Temp", "Arduino Compatible Sensor Kit 37 in 1",
    "ESP32 Development Board WiFi Bluetooth", "Raspberry Pi Case Aluminum with Fan",
    "3D Printer PLA Filament 1.75mm 1kg", "Guitar Strings Acoustic Phosphor Bronze",
)  # fmt: skip
_TITLES_ZH = (
    "加厚不锈钢保温杯 500ml 定制logo", "夏季纯棉短袖T恤 男女同款 批发", "手机壳 适用苹果15 透明防摔",
    "TWS蓝牙耳机 无线降噪 跨境爆款", "PD20W快充充电头 3C认证", "数据线 Type-C 快充 1米 编织",
    "LED灯带 RGB 5米 遥控套装", "硅胶折叠水杯 户外旅行", "收纳盒 抽屉式 塑料 桌面整理",
    "宠物牵引绳 反光 中型犬", "瑜伽垫 TPE 加厚防滑 6mm", "儿童积木玩具 益智拼装 大颗粒",
    "厨房刀具套装 不锈钢 六件套", "一次性手套 PVC 100只装", "抽纸 原木浆 3层 整箱批发",
    "女士帆布包 单肩 大容量", "棒球帽 纯棉 刺绣 定制", "太阳能庭院灯 户外防水",
    "车载手机支架 磁吸 出风口", "无线鼠标 静音 2.4G", "机械键盘 87键 热插拔",
    "化妆刷套装 14支 软毛", "美甲贴纸 3D 防水", "运动袜 中筒 纯棉 5双装", "羊毛围巾 冬季 保暖",
    "雨伞 折叠 晴雨两用 自动", "保鲜袋 食品级 加厚 自封", "挂钩 免打孔 强力粘钩 10个装",
    "浴室置物架 壁挂 免打孔", "抱枕套 棉麻 45x45 北欧风", "遮光窗帘 成品 加厚",
    "电动牙刷头 通用 8支装", "充电宝 10000毫安 超薄", "小风扇 USB 手持 静音",
    "笔记本支架 铝合金 可升降", "中性笔 0.5mm 12支装", "A4打印纸 70g 500张",
    "快递袋 加厚 防水 100个", "封箱胶带 透明 4.5cm", "气泡膜 防震 包装 30cm",
    "纸箱 五层加硬 邮政", "热敏标签纸 100x150", "劳保手套 尼龙 浸胶", "垃圾袋 加厚 点断式",
    "香薰蜡烛 礼盒装 大豆蜡",
)  # fmt: skip
_COLORS_EN = ("Black", "White", "Blue", "Pink", "Green", "Grey", "Red", "Beige")
_COLORS_ZH = ("黑色", "白色", "蓝色", "粉色", "绿色", "灰色", "红色", "米色")
_SIZES = ("S", "M", "L", "XL", "XXL")

# language group -> (first names, last names, street names, e-mail domains)
_LANG: dict[str, tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...], tuple[str, ...]]] = {
    "en": (
        ("James", "Mary", "Robert", "Patricia", "Michael", "Jennifer", "David", "Linda", "Chris",
         "Ashley", "Daniel", "Emily", "Kevin", "Sarah", "Brian", "Jessica"),
        ("Smith", "Johnson", "Williams", "Brown", "Jones", "Miller", "Davis", "Wilson", "Taylor",
         "Anderson", "Thomas", "Moore", "Martin", "Clark", "Lewis", "Walker"),
        ("Maple Ave", "Oak Street", "Pine Rd", "Cedar Lane", "Elm Street", "Washington Blvd",
         "Lakeview Dr", "Park Ave"),
        ("gmail.com", "yahoo.com", "hotmail.com", "outlook.com", "icloud.com"),
    ),
    "fr": (
        ("Camille", "Louis", "Léa", "Hugo", "Chloé", "Lucas", "Manon", "Théo", "Inès", "Nathan"),
        ("Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand",
         "Lefèvre", "Moreau"),
        ("rue de la République", "avenue Jean Jaurès", "rue Victor Hugo", "boulevard Voltaire"),
        ("gmail.com", "orange.fr", "free.fr", "hotmail.fr", "laposte.net"),
    ),
    "es": (
        ("Lucía", "Hugo", "Martina", "Pablo", "Sofía", "Alejandro", "María", "Javier", "Carmen",
         "Diego"),
        ("García", "Rodríguez", "González", "Fernández", "López", "Martínez", "Sánchez", "Pérez",
         "Gómez", "Ruiz"),
        ("Calle Mayor", "Avenida de la Constitución", "Calle Real", "Paseo del Prado"),
        ("gmail.com", "hotmail.com", "yahoo.es", "outlook.es"),
    ),
    "pt": (
        ("Ana", "João", "Maria", "Pedro", "Juliana", "Lucas", "Fernanda", "Gabriel", "Beatriz",
         "Rafael"),
        ("Silva", "Santos", "Oliveira", "Souza", "Lima", "Pereira", "Costa", "Rodrigues",
         "Almeida", "Carvalho"),
        ("Rua das Flores", "Avenida Paulista", "Rua São João", "Rua XV de Novembro"),
        ("gmail.com", "hotmail.com", "uol.com.br", "bol.com.br"),
    ),
    "pl": (
        ("Anna", "Piotr", "Katarzyna", "Tomasz", "Magdalena", "Paweł", "Agnieszka", "Michał"),
        ("Nowak", "Kowalski", "Wiśniewski", "Wójcik", "Kamiński", "Lewandowski", "Zieliński"),
        ("ul. Długa", "ul. Mickiewicza", "ul. Polna", "ul. Kościuszki"),
        ("wp.pl", "onet.pl", "gmail.com", "interia.pl"),
    ),
    "de": (
        ("Lukas", "Anna", "Leon", "Lena", "Jonas", "Marie", "Felix", "Sophie", "Paul", "Laura"),
        ("Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker"),
        ("Hauptstraße", "Bahnhofstraße", "Gartenstraße", "Schillerstraße"),
        ("gmx.de", "web.de", "gmail.com", "t-online.de"),
    ),
    "nl": (
        ("Daan", "Emma", "Sem", "Julia", "Lucas", "Sophie", "Milan", "Tess"),
        ("de Jong", "Jansen", "de Vries", "van den Berg", "Bakker", "Visser", "Smit"),
        ("Kerkstraat", "Dorpsstraat", "Molenweg", "Stationsweg"),
        ("gmail.com", "hotmail.nl", "ziggo.nl", "kpnmail.nl"),
    ),
    "it": (
        ("Giulia", "Francesco", "Sofia", "Alessandro", "Chiara", "Lorenzo", "Martina", "Matteo"),
        ("Rossi", "Russo", "Ferrari", "Esposito", "Bianchi", "Romano", "Colombo", "Ricci"),
        ("Via Roma", "Via Garibaldi", "Corso Italia", "Via Dante"),
        ("gmail.com", "libero.it", "hotmail.it", "virgilio.it"),
    ),
    "ko": (
        ("Minjun", "Seoyeon", "Jiho", "Jiwoo", "Hyunwoo", "Soyeon", "Dohyun", "Yuna"),
        ("Kim", "Lee", "Park", "Choi", "Jung", "Kang", "Cho", "Yoon"),
        ("Teheran-ro", "Gangnam-daero", "Sejong-daero", "Haeundae-ro"),
        ("naver.com", "daum.net", "gmail.com", "kakao.com"),
    ),
    "he": (
        ("Noa", "Yosef", "Tamar", "David", "Maya", "Eitan", "Shira", "Ariel"),
        ("Cohen", "Levi", "Mizrahi", "Peretz", "Biton", "Dahan", "Friedman"),
        ("Herzl St", "Rothschild Blvd", "Ben Yehuda St", "Allenby St"),
        ("gmail.com", "walla.co.il", "hotmail.com"),
    ),
    "uk": (
        ("Олександр", "Марія", "Андрій", "Олена", "Дмитро", "Наталія", "Сергій", "Ірина"),
        ("Шевченко", "Коваленко", "Бондаренко", "Ткаченко", "Кравченко", "Олійник"),
        ("вул. Шевченка", "вул. Франка", "просп. Перемоги", "вул. Садова"),
        ("ukr.net", "gmail.com", "i.ua"),
    ),
    "ar": (
        ("Mohammed", "Fatimah", "Abdullah", "Noura", "Khalid", "Sara", "Faisal", "Reem"),
        ("Al-Harbi", "Al-Qahtani", "Al-Ghamdi", "Al-Otaibi", "Al-Shehri", "Al-Zahrani"),
        ("King Fahd Rd", "Olaya St", "Tahlia St", "Prince Sultan Rd"),
        ("gmail.com", "hotmail.com", "yahoo.com"),
    ),
}  # fmt: skip

# (code, English name, AliExpress weight, eBay weight, phone prefix, language,
#  cities as (city, state, postcode pattern: '#' digit, '@' letter))
_COUNTRIES: tuple[tuple[str, str, int, int, str, str, tuple[tuple[str, str, str], ...]], ...] = (
    ("US", "United States", 14, 82, "1", "en", (
        ("Houston", "Texas", "770##"), ("Brooklyn", "New York", "112##"),
        ("Phoenix", "Arizona", "850##"), ("Columbus", "Ohio", "432##"),
        ("San Diego", "California", "921##"), ("Orlando", "Florida", "328##"))),
    ("FR", "France", 10, 0, "33", "fr", (
        ("Lyon", "Auvergne-Rhône-Alpes", "690##"), ("Marseille", "Provence-Alpes-Côte d'Azur",
        "130##"), ("Lille", "Hauts-de-France", "590##"))),
    ("ES", "Spain", 10, 0, "34", "es", (
        ("Madrid", "Madrid", "280##"), ("Sevilla", "Sevilla", "410##"),
        ("Valencia", "Valencia", "460##"))),
    ("BR", "Brazil", 9, 0, "55", "pt", (
        ("São Paulo", "SP", "0####-###"), ("Curitiba", "PR", "80###-###"),
        ("Recife", "PE", "50###-###"))),
    ("KR", "Korea", 6, 0, "82", "ko", (("Seoul", "Seoul", "0####"), ("Busan", "Busan", "4####"))),
    ("PL", "Poland", 6, 0, "48", "pl", (
        ("Warszawa", "Mazowieckie", "0#-###"), ("Kraków", "Małopolskie", "3#-###"))),
    ("IL", "Israel", 4, 0, "972", "he", (
        ("Tel Aviv", "Tel Aviv", "6######"), ("Haifa", "Haifa", "3######"))),
    ("DE", "Germany", 5, 2, "49", "de", (
        ("Berlin", "Berlin", "10###"), ("München", "Bayern", "80###"))),
    ("GB", "United Kingdom", 5, 5, "44", "en", (
        ("Manchester", "Greater Manchester", "M# #@@"), ("Leeds", "West Yorkshire", "LS# #@@"))),
    ("NL", "Netherlands", 4, 0, "31", "nl", (
        ("Rotterdam", "Zuid-Holland", "30## @@"), ("Utrecht", "Utrecht", "35## @@"))),
    ("MX", "Mexico", 4, 0, "52", "es", (
        ("Guadalajara", "Jalisco", "44###"), ("Monterrey", "Nuevo León", "64###"))),
    ("CL", "Chile", 3, 0, "56", "es", (("Santiago", "Región Metropolitana", "83#####"),)),
    ("CA", "Canada", 3, 6, "1", "en", (
        ("Toronto", "Ontario", "M#@ #@#"), ("Calgary", "Alberta", "T#@ #@#"))),
    ("AU", "Australia", 3, 5, "61", "en", (
        ("Melbourne", "Victoria", "3###"), ("Perth", "Western Australia", "6###"))),
    ("IT", "Italy", 4, 0, "39", "it", (
        ("Milano", "Lombardia", "201##"), ("Napoli", "Campania", "801##"))),
    ("UA", "Ukraine", 2, 0, "380", "uk", (("Київ", "Київська", "0####"),)),
    ("SA", "Saudi Arabia", 2, 0, "966", "ar", (("Riyadh", "Riyadh", "1####"),)),
)  # fmt: skip

_CN_SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高"
_CN_GIVEN = ("伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛",
             "明", "超", "秀英", "华", "平", "建国", "晓燕")  # fmt: skip
_CN_PLACES = (
    ("浙江省", "金华市", "义乌市"), ("浙江省", "杭州市", "余杭区"), ("广东省", "深圳市", "龙岗区"),
    ("广东省", "广州市", "白云区"), ("江苏省", "苏州市", "吴中区"), ("福建省", "泉州市", "晋江市"),
    ("山东省", "临沂市", "兰山区"), ("河北省", "石家庄市", "长安区"), ("四川省", "成都市", "武侯区"),
    ("湖北省", "武汉市", "洪山区"),
)  # fmt: skip
_CN_ROADS = ("人民路", "解放路", "建设路", "中山路", "工业大道", "商城大道", "新华街", "创业路")
_CN_FIRMS = ("鑫达", "华盛", "宏图", "锦程", "恒通", "佳美", "优品", "众诚", "百川", "瑞丰", "博远")
_CN_FIRM_KINDS = ("贸易", "电子商务", "日用品", "科技", "服饰", "进出口")

# AliExpress buyer-selected logistics -> (weight, carrier label in the tracking cell, tracking kind)
_ALI_METHODS = (
    ("AliExpress Standard Shipping", 38, "Cainiao", "lp"),
    ("Cainiao Super Economy", 12, "Cainiao", "lp"),
    ("AliExpress Saver Shipping", 10, "Cainiao", "lp"),
    ("AliExpress Selection Standard", 6, "Cainiao", "lp"),
    ("Cainiao Standard For Special Goods", 5, "Cainiao", "lp"),
    ("China Post Registered Air Mail", 5, "China Post", "rr"),
    ("YANWEN Economic Air Mail", 6, "YANWEN", "ug"),
    ("EMS", 3, "EMS", "ea"),
    ("DHL", 4, "DHL", "d10"),
    ("FedEx IE", 2, "FEDEX", "d12"),
    ("UPS Express Saver", 2, "UPS", "1z"),
    ("Aramex", 1, "ARAMEX", "d11"),
)
_EXPRESS_WORDS = ("DHL", "UPS", "FedEx", "TNT", "EMS", "Aramex")
_EXPRESS_METHODS = frozenset(
    m[0] for m in _ALI_METHODS if any(w.lower() in m[0].lower() for w in _EXPRESS_WORDS)
)
_EBAY_METHODS = (
    ("USPS Ground Advantage", 40, "usps"),
    ("USPS Priority Mail", 15, "usps"),
    ("USPS First Class Package", 10, "usps"),
    ("UPS Ground", 12, "1z"),
    ("FedEx Home Delivery", 6, "d12"),
    ("UPS 2nd Day Air", 3, "1z"),
    ("eBay International Standard Delivery", 8, "usps"),
    ("Economy Shipping from outside US", 6, "lp"),
)
_CARRIERS_1688 = (
    ("中通快递", "75", 14), ("圆通速递", "YT", 13), ("韵达快递", "4312", 11), ("申通快递", "77", 13),
    ("顺丰速运", "SF", 13), ("极兔速递", "JT", 13), ("德邦物流", "DPK", 12),
)  # fmt: skip

_REMARKS_EN = (
    "Please ship as soon as possible, it is a gift.", "Please check the color before shipping.",
    "No invoice or price in the package please.", "Can you send it by DHL? I will pay the fee.",
    "Please pack it well, last time the box was broken.", "Size M please, not L.",
    "Please write the correct tracking number.", "I need it before the 20th, thank you!",
    "Por favor enviar rapido", "Merci de bien emballer le colis",
)  # fmt: skip
_REMARKS_ZH = ("请尽快发货", "发中通，谢谢", "需要开发票", "周末不收货", "请仔细检查质量后再发",
               "包装要结实", "和上次一样的颜色")  # fmt: skip
_EBAY_NOTES = (
    "Please leave at the back door.", "Gift - please do not include the receipt.",
    "Can you combine shipping with my other order?", "Please ship ASAP, thanks!",
)  # fmt: skip
_STAFF = ("", "", "", "Lily", "Tom", "王丽", "陈杰")

# The Shopify store: an independent US shop (its clock at US Eastern time) that ships mostly at
# home. Buyers are made up: e-mail at example.com, phone numbers from the ranges set aside for
# fiction (555-01xx in North America, 07700 900xxx in the UK, 0491 570xxx in Australia).
# (country, weight, province code, province name, city, postcode pattern, state sales tax %)
_SHOP_PLACES: tuple[tuple[str, int, str, str, str, str, float], ...] = (
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
_SHOP_PAYMENTS = (
    ("Shopify Payments", 64, "now"),
    ("PayPal Express Checkout", 15, "now"),
    ("Shop Pay Installments", 4, "now"),
    ("Shopify Payments", 5, "on_capture"),
    ("Cash on Delivery (COD)", 8, "on_delivery"),
    ("Bank Deposit", 4, "manual"),
)
_SHOP_VENDOR = "Harbor Lane"
_SHOP_AREA_CODES = {
    "Houston": "713", "Brooklyn": "718", "Phoenix": "602", "Columbus": "614", "San Diego": "619",
    "Orlando": "407", "Boston": "617", "Seattle": "206", "Denver": "303", "Newark": "973",
    "Toronto": "416", "Calgary": "403",
}  # fmt: skip
_SHOP_TAX = {(p[0], p[2]): p[6] for p in _SHOP_PLACES}
_SHOP_PROVINCE_NAMES = {(p[0], p[2]): p[3] for p in _SHOP_PLACES}
_SHOP_DISCOUNTS = (("WELCOME10", 10), ("SPRING15", 15), ("SAVE5", 0))  # (code, % off; 0: $5 off)
_SHOP_NOTES = (
    "Please gift wrap, it's a birthday present.", "Leave the parcel with the concierge.",
    "Can you ship it before Friday?", "No invoice in the box please.",
)  # fmt: skip

_MON = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
# relative order volume per hour of day (seller's local time)
_HOUR_WEIGHT = (6, 4, 3, 3, 3, 4, 5, 6, 8, 9, 10, 10, 9, 9, 9, 9, 10, 10, 11, 12, 12, 11, 9, 7)
_HOUR_ACCEPT = tuple(w / max(_HOUR_WEIGHT) for w in _HOUR_WEIGHT)


# --------------------------------------------------------------------------------------------
# Data model.
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SimItem:
    """One line item; amounts in integer cents (fen for 1688) so sums never drift."""

    title: str
    sku: str
    attrs: str  # "Color: Black; Size: M", "" when the product has no variants
    quantity: int
    unit_cents: int
    item_number: str  # eBay item number / AliExpress product id / 1688 offer id
    line_id: str = ""  # eBay transaction id

    @property
    def line_cents(self) -> int:
        return self.quantity * self.unit_cents


@dataclass(frozen=True, slots=True)
class Buyer:
    """Fake buyer identity; exported so that an ingest can prove it does not keep it."""

    buyer_id: str
    name: str
    email: str
    phone: str
    mobile: str
    country_code: str
    country: str
    state: str
    city: str
    street: str
    zip: str
    company: str = ""


@dataclass(slots=True)
class SimOrder:
    """A whole simulated order lifecycle, or (from :func:`state_as_of`) a snapshot of it.

    Event times are naive local times; an event that has not happened is ``None``. ``status``
    is the canonical status (SPEC section 2) of this lifecycle or snapshot. Treat it as
    immutable (snapshots share objects with the lifecycle); it is not frozen only because a
    frozen dataclass is 4x slower to build, which shows in 300,000-order benchmark files.
    """

    platform: str
    store: str
    order_id: str
    record_no: int
    created_at: datetime
    items: tuple[SimItem, ...]
    items_cents: int  # sum of the line items (a field: exports read it millions of times)
    shipping_cents: int
    discount_cents: int
    tax_cents: int
    buyer: Buyer
    shipping_method: str
    remark: str
    staff: str
    variant: int  # 0..99, picks between equivalent spellings deterministically
    status: str
    paid_at: datetime | None = None
    hold_until: datetime | None = None  # end of a risk-control hold that began at payment
    ship_deadline: date | None = None
    cancel_requested_at: datetime | None = None
    cancel_rejected: bool = False  # eBay: the seller shipped instead of cancelling
    shipped_at: datetime | None = None
    tracking: str = ""  # "Carrier:number"
    dispute_at: datetime | None = None
    received_at: datetime | None = None
    closed_at: datetime | None = None
    close_cause: str | None = None  # canonical close cause of a closed order
    cancel_reason: str | None = None  # canonical cancel reason the buyer / seller gave
    end_code: str = ""  # platform's raw end reason / cancel status / 1688 close code
    cancel_code: str = ""  # eBay's raw CancelReasonCodeType
    # Shopify only
    payment_method: str = ""  # the Payment Method cell
    payment_due: str = ""  # "on_delivery" (COD), "on_capture" (authorised): ships before paid
    part_shipped_at: datetime | None = None  # some line items fulfilled, the rest pending
    refund_at: datetime | None = None  # a refund; a full one (refund_cents == total) closes
    refund_cents: int = 0
    discount_code: str = ""

    @property
    def total_cents(self) -> int:
        return self.items_cents + self.shipping_cents + self.tax_cents - self.discount_cents

    @property
    def quantity(self) -> int:
        return sum(i.quantity for i in self.items)

    @property
    def last_event(self) -> datetime:
        """Latest event of the lifecycle: a snapshot at or after it is the whole order."""
        times = [
            t
            for t in (
                self.created_at, self.paid_at, self.hold_until, self.cancel_requested_at,
                self.shipped_at, self.dispute_at, self.received_at, self.closed_at,
                self.part_shipped_at, self.refund_at,
            )  # fmt: skip
            if t is not None
        ]
        return max(times)

    def events(self) -> dict[str, datetime]:
        """The event times present in this order, by field name (for checks and tests)."""
        names = ("created_at", "paid_at", "hold_until", "cancel_requested_at", "shipped_at",
                 "dispute_at", "received_at", "closed_at", "part_shipped_at",
                 "refund_at")  # fmt: skip
        return {n: getattr(self, n) for n in names if getattr(self, n) is not None}


def _status_at(
    paid: datetime | None,
    hold_until: datetime | None,
    cancel_requested: datetime | None,
    shipped: datetime | None,
    dispute: datetime | None,
    received: datetime | None,
    closed: datetime | None,
    when: datetime | None,
) -> str:
    """Canonical status of a lifecycle at `when` (None: after every event)."""

    def seen(t: datetime | None) -> bool:
        return t is not None and (when is None or t <= when)

    if seen(closed):
        return "closed"
    if seen(received):
        return "completed"
    if seen(dispute):
        return "in_dispute"
    if seen(shipped):
        return "shipped"
    if seen(cancel_requested):
        return "cancel_requested"
    if seen(paid):
        if hold_until is not None and when is not None and when < hold_until:
            return "on_hold"
        return "awaiting_shipment"
    return "awaiting_payment"


def _shopify_status(status: str, payment_due: str, part_shipped: datetime | None) -> str:
    """Shopify's reading of a lifecycle status (SPEC section 1, stg_shopify_orders.sql).

    Cash on delivery and an authorised payment await shipment unpaid; a partial fulfilment
    is partially_shipped. Everything else reads as the generic lifecycle does.
    """
    if status == "awaiting_payment" and payment_due:
        return "awaiting_shipment"
    if status == "awaiting_shipment" and part_shipped is not None:
        return "partially_shipped"
    return status


def state_as_of(order: SimOrder, when: datetime) -> SimOrder | None:
    """The order as an export made at `when` shows it; None if not yet created then.

    Events after `when` have not happened yet, so a later close shows as awaiting shipment and
    a later receipt as shipped. Facts that come with an event (tracking number, end reason,
    cancel reason, ship deadline) appear only with it.
    """
    if order.created_at > when:
        return None
    if order.last_event <= when:
        return order

    def cut(t: datetime | None) -> datetime | None:
        return t if t is not None and t <= when else None

    paid = cut(order.paid_at)
    requested = cut(order.cancel_requested_at)
    shipped = cut(order.shipped_at)
    received = cut(order.received_at)
    closed = cut(order.closed_at)
    ended = closed is not None or received is not None
    status = _status_at(
        order.paid_at, order.hold_until, order.cancel_requested_at, order.shipped_at,
        order.dispute_at, order.received_at, order.closed_at, when,
    )  # fmt: skip
    part_shipped = cut(order.part_shipped_at)
    refund = cut(order.refund_at)
    if order.platform == "shopify":
        status = _shopify_status(status, order.payment_due, part_shipped)
    return _replace(
        order,
        status=status,
        paid_at=paid,
        hold_until=cut(order.hold_until),
        ship_deadline=order.ship_deadline if paid is not None else None,
        cancel_requested_at=requested,
        cancel_rejected=order.cancel_rejected and shipped is not None,
        shipped_at=shipped,
        tracking=order.tracking if shipped is not None else "",
        dispute_at=cut(order.dispute_at),
        received_at=received,
        closed_at=closed,
        close_cause=order.close_cause if closed is not None else None,
        cancel_reason=order.cancel_reason if (requested or closed) else None,
        end_code=order.end_code if ended else "",
        cancel_code=order.cancel_code if (requested or closed) else "",
        part_shipped_at=part_shipped,
        refund_at=refund,
        refund_cents=order.refund_cents if refund is not None else 0,
    )


_FIELDS = tuple(f.name for f in dataclasses.fields(SimOrder))


def _replace(order: SimOrder, **changes: Any) -> SimOrder:
    """dataclasses.replace without its per-call field introspection (hot in big exports)."""
    return SimOrder(*[changes[n] if n in changes else getattr(order, n) for n in _FIELDS])


# --------------------------------------------------------------------------------------------
# Simulation.
# --------------------------------------------------------------------------------------------


class _Random(random.Random):
    """Seeded generator with cheaper single draws than the stdlib's rejection sampling.

    Only speed matters here (300,000-order benchmark files); the draws stay deterministic.
    """

    def choice(self, seq: Sequence[Any]) -> Any:
        return seq[int(self.random() * len(seq))]

    def randint(self, a: int, b: int) -> int:
        return a + int(self.random() * (b - a + 1))

    def randrange(self, start: int, stop: int | None = None, step: int = 1) -> int:  # type: ignore[override]
        if stop is None:
            start, stop = 0, start
        return start + int(self.random() * (stop - start))


def _digits(rng: random.Random, n: int) -> str:
    """`n` random decimal digits (n <= 18)."""
    return f"{rng.getrandbits(64) % 10**n:0{n}d}"


def _after(rng: random.Random, t: datetime, lo_hours: float, hi_hours: float) -> datetime:
    """A whole-second time `lo_hours`..`hi_hours` after `t`."""
    return t + timedelta(seconds=int(rng.uniform(lo_hours, hi_hours) * 3600))


@functools.lru_cache(maxsize=4096)
def _fold(text: str) -> str:
    """ASCII letters of a name, for user names and e-mail addresses."""
    ascii_ = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(c for c in ascii_.lower() if c.isalnum())


def _postcode(rng: random.Random, pattern: str) -> str:
    out = []
    for c in pattern:
        if c == "#":
            out.append(str(rng.randrange(10)))
        elif c == "@":
            out.append(chr(65 + rng.randrange(26)))
        else:
            out.append(c)
    return "".join(out)


@dataclass(frozen=True, slots=True)
class _Product:
    title: str
    sku: str
    item_number: str
    unit_cents: int
    variants: tuple[str, ...]


def _catalogue(platform: str, store: str) -> tuple[_Product, ...]:
    """~40 products per store, stable for a store whatever the seed, so products recur."""
    rng = random.Random(f"catalogue|{platform}|{store}")
    zh = platform == "1688"
    titles = list(_TITLES_ZH if zh else _TITLES_EN)
    rng.shuffle(titles)
    products = []
    for k, title in enumerate(sorted(titles[:40])):
        if zh:
            cents = int(rng.lognormvariate(math.log(900), 0.8))  # fen, wholesale unit price
            colors = rng.sample(_COLORS_ZH, rng.randint(2, 4))
            variants = tuple(f"颜色: {c}" for c in colors)
            item_number = f"6{_digits(rng, 11)}"
        else:
            cents = int(rng.lognormvariate(math.log(1100), 0.75))
            colors = rng.sample(_COLORS_EN, rng.randint(2, 5))
            low = title.lower()
            if any(w in low for w in ("dress", "t-shirt", "socks", "beanie")):
                variants = tuple(f"Color: {c}; Size: {s}" for c in colors for s in _SIZES)
            elif "shoes" in low:
                variants = tuple(f"Color: {c}; Shoe Size: {s}" for c in colors for s in
                                 range(39, 46))  # fmt: skip
            elif any(w in low for w in ("charger", "smart plug", "projector", "frother",
                                        "soldering")):  # fmt: skip
                variants = tuple(f"Plug Type: {p}" for p in ("EU", "US", "UK", "AU"))
            elif rng.random() < 0.25:
                variants = ("",)
            else:
                variants = tuple(f"Color: {c}" for c in colors)
            item_number = (f"3{_digits(rng, 11)}" if platform == "ebay"
                           else f"100500{_digits(rng, 10)}")  # fmt: skip
        sku = f"SKU-{1000 + k * 97 + rng.randrange(97)}"
        products.append(_Product(title, sku, item_number, max(cents, 99), variants))
    return tuple(products)


class _Simulator:
    """Draws whole order lifecycles for one platform and store from one seeded stream."""

    def __init__(self, platform: str, store: str, n_orders: int, rng: random.Random) -> None:
        self.platform = platform
        self.store = store
        self.rng = rng
        self.catalogue = _catalogue(platform, store)
        # product popularity: a few best sellers, a long tail
        self.product_cum = _cumulative([1.0 / (k + 1) ** 0.8 for k in range(len(self.catalogue))])
        col = 2 if platform == "aliexpress" else 3
        countries = [c for c in _COUNTRIES if c[col] > 0]
        self.countries = countries
        self.country_cum = _cumulative([c[col] for c in countries])
        self.buyers: list[Buyer] = []
        # B2B buyers reorder far more often than marketplace shoppers
        self.repeat_rate = 0.45 if platform == "1688" else 0.2
        if platform == "aliexpress":
            self.methods: tuple[Any, ...] = _ALI_METHODS
        elif platform == "ebay":
            self.methods = _EBAY_METHODS
        elif platform == "shopify":  # the payment methods, drawn the same way
            self.methods = _SHOP_PAYMENTS
            self.place_cum = _cumulative([p[1] for p in _SHOP_PLACES])
        else:
            self.methods = _CARRIERS_1688
        self.method_cum = _cumulative([m[1] for m in self.methods] if platform != "1688"
                                      else [1] * len(self.methods))  # fmt: skip

    # -- identities ---------------------------------------------------------------------------

    def buyer(self) -> Buyer:
        """Mostly a new buyer; sometimes a returning one, loyal early customers most often.

        Capped at 30,000 identities: benchmark files need volume, not 300,000 fake people.
        """
        rng, seen = self.rng, self.buyers
        if seen and (rng.random() < self.repeat_rate or len(seen) >= 30_000):
            return seen[int(len(seen) * rng.random() ** 1.5)]
        if self.platform == "1688":
            b = self._new_buyer_1688()
        elif self.platform == "shopify":
            b = self._new_buyer_shopify()
        else:
            b = self._new_buyer()
        seen.append(b)
        return b

    def _new_buyer(self) -> Buyer:
        rng = self.rng
        code, country, _, _, cc, lang, cities = self.countries[
            _pick(rng, self.country_cum)
        ]
        firsts, lasts, streets, domains = _LANG[lang]
        first, last = rng.choice(firsts), rng.choice(lasts)
        city, state, pattern = rng.choice(cities)
        handle = _fold(first) + rng.choice(("", ".", "_")) + _fold(last)
        if len(handle) < 4:
            handle = f"user{_digits(rng, 6)}"
        email = f"{handle}{rng.randrange(100) if rng.random() < 0.6 else ''}@{rng.choice(domains)}"
        if self.platform == "ebay":
            buyer_id = f"{handle[:12]}{rng.choice(('_', '-', ''))}{rng.randrange(10, 9999)}"
        else:
            buyer_id = f"{code.lower()}{_digits(rng, 10)}{''.join(rng.choices('abcdefghjkmnpqrstuvwxyz', k=4))}"  # noqa: E501
        mobile = f"+{cc} {rng.randint(2, 9)}{_digits(rng, 9 if cc == '1' else 8)}"
        phone = mobile if rng.random() < 0.6 else ""
        street = f"{rng.randint(1, 250)} {rng.choice(streets)}"
        if rng.random() < 0.2:
            street += f", Apt {rng.randint(1, 40)}"
        return Buyer(buyer_id, f"{first} {last}", email, phone, mobile, code, country, state,
                     city, street, _postcode(rng, pattern))  # fmt: skip

    def _new_buyer_1688(self) -> Buyer:
        rng = self.rng
        name = rng.choice(_CN_SURNAMES) + rng.choice(_CN_GIVEN)
        province, city, district = rng.choice(_CN_PLACES)
        street = f"{district}{rng.choice(_CN_ROADS)}{rng.randint(1, 999)}号"
        if rng.random() < 0.5:
            street += f"{rng.randint(1, 30)}栋{rng.randint(101, 2505)}室"
        company = ""
        if rng.random() < 0.75:
            company = (f"{city.removesuffix('市')}{rng.choice(_CN_FIRMS)}"
                       f"{rng.choice(_CN_FIRM_KINDS)}有限公司")  # fmt: skip
        member = rng.choice((f"tb{_digits(rng, 9)}", f"{company[:4] or name}{rng.randrange(1000)}"))
        mobile = f"1{rng.choice('35789')}{_digits(rng, 9)}"
        return Buyer(member, name, "", "", mobile, "CN", "中国", province, city, street,
                     _digits(rng, 6), company)  # fmt: skip

    def _new_buyer_shopify(self) -> Buyer:
        """A made-up shopper: example.com e-mail, a phone number from a range kept for fiction."""
        rng = self.rng
        country, _, province, _, city, pattern, _ = _SHOP_PLACES[_pick(rng, self.place_cum)]
        firsts, lasts, streets, _ = _LANG["en"]
        first, last = rng.choice(firsts), rng.choice(lasts)
        handle = _fold(first) + rng.choice(("", ".", "_")) + _fold(last)
        email = f"{handle}{rng.randrange(100) if rng.random() < 0.5 else ''}@example.com"
        phone = ""
        if rng.random() < 0.55:
            if country in ("US", "CA"):
                phone = f"+1{_SHOP_AREA_CODES[city]}55501{rng.randrange(100):02d}"
            elif country == "GB":
                phone = f"+447700900{rng.randrange(1000):03d}"
            else:
                phone = f"+61491570{rng.randrange(1000):03d}"
        street = f"{rng.randint(1, 250)} {rng.choice(streets)}"
        if rng.random() < 0.2:
            street += f", Apt {rng.randint(1, 40)}"
        return Buyer(handle, f"{first} {last}", email, phone, phone, country, country, province,
                     city, street, _postcode(rng, pattern))  # fmt: skip

    def items(self) -> tuple[SimItem, ...]:
        rng = self.rng
        r = rng.random()
        if self.platform == "1688":
            n = 1 if r < 0.8 else 2
        else:
            n = 1 if r < 0.78 else (2 if r < 0.94 else 3)
        wholesale = self.platform != "1688" and rng.random() < 0.03
        chosen: list[int] = []
        while len(chosen) < n:
            k = _pick(rng, self.product_cum)
            if k not in chosen:
                chosen.append(k)
        out = []
        for k in chosen:
            p = self.catalogue[k]
            if self.platform == "1688":
                qty = rng.choice((10, 20, 20, 30, 50, 50, 100, 100, 200, 500))
            elif wholesale:
                qty = rng.randint(10, 60)
                wholesale = False
            else:
                q = rng.random()
                qty = 1 if q < 0.8 else (2 if q < 0.94 else rng.randint(3, 5))
            line_id = f"{rng.randint(1, 9)}{_digits(rng, 12)}" if self.platform == "ebay" else ""
            out.append(SimItem(p.title, p.sku, rng.choice(p.variants), qty, p.unit_cents,
                               p.item_number, line_id))  # fmt: skip
        return tuple(out)

    def tracking(self, kind: str) -> str:
        rng = self.rng
        match kind:
            case "lp":
                return f"LP00{_digits(rng, 9)}"
            case "rr":
                return f"RR{_digits(rng, 9)}CN"
            case "ug":
                return f"UG{_digits(rng, 9)}YP"
            case "ea":
                return f"EA{_digits(rng, 9)}CN"
            case "1z":
                return "1Z" + "".join(rng.choices("0123456789ABCDEFGHJKLMNPRSTUVWXY", k=16))
            case "usps":
                return f"9400{_digits(rng, 9)}{_digits(rng, 9)}"
            case _:
                return _digits(rng, int(kind[1:]))

    # -- one order ----------------------------------------------------------------------------

    def order(self, i: int, created: datetime, id_offset: int) -> SimOrder:
        if self.platform == "shopify":
            return self._order_shopify(i, created, id_offset)
        rng = self.rng
        seq = id_offset + i
        if self.platform == "aliexpress":
            order_id = str(8_180_000_000_000_000 + seq * 1_000 + rng.randrange(1_000))
        elif self.platform == "ebay":
            s = f"{120_000_000_000 + seq * 997 + rng.randrange(997):012d}"
            order_id = f"{s[:2]}-{s[2:7]}-{s[7:]}"
        else:
            order_id = str(1_800_000_000_000_000_000 + seq * 100_003 + rng.randrange(100_003))
        items = self.items()
        buyer = self.buyer()
        method = self.methods[_pick(rng, self.method_cum)]
        items_cents = sum(x.line_cents for x in items)
        express = method[0] in _EXPRESS_METHODS
        shipping = discount = tax = 0
        remark = ""
        staff = ""
        if self.platform == "aliexpress":
            if express:
                shipping = rng.randint(800, 3500)
            elif rng.random() < 0.25:
                shipping = rng.randint(50, 400)
            if items_cents >= 1500 and rng.random() < 0.15:
                discount = min(rng.choice((100, 200, 300, 500)), items_cents * 3 // 10)
            if rng.random() < 0.07:
                remark = rng.choice(_REMARKS_EN)
            staff = rng.choice(_STAFF)
        elif self.platform == "ebay":
            if rng.random() < 0.35:
                shipping = rng.choice((399, 499, 599, 899, 1299))
            if buyer.country_code == "US":
                tax = (items_cents + shipping) * rng.choice((5, 6, 7, 8, 9)) // 100
            if rng.random() < 0.04:
                remark = rng.choice(_EBAY_NOTES)
        else:
            if rng.random() < 0.5:
                shipping = rng.choice((500, 800, 1000, 1500, 2500))
            if rng.random() < 0.1:
                remark = rng.choice(_REMARKS_ZH)
        if self.platform == "aliexpress":
            ev = self._life_aliexpress(created, slow=any(x.quantity >= 10 for x in items))
        elif self.platform == "ebay":
            ev = self._life_ebay(created)
        else:
            ev = self._life_1688(created)
        if ev.get("shipped_at") is not None:
            if self.platform == "aliexpress":
                ev["tracking"] = f"{method[2]}:{self.tracking(method[3])}"
            elif self.platform == "ebay":
                ev["tracking"] = self.tracking(method[2])
            else:
                ev["tracking"] = f"{method[0]}:{method[1]}{_digits(rng, method[2] - len(method[1]))}"
        status = _status_at(
            ev.get("paid_at"), ev.get("hold_until"), ev.get("cancel_requested_at"),
            ev.get("shipped_at"), ev.get("dispute_at"), ev.get("received_at"),
            ev.get("closed_at"), None,
        )  # fmt: skip
        return SimOrder(
            platform=self.platform, store=self.store, order_id=order_id,
            record_no=10_001 + seq, created_at=created, items=items, items_cents=items_cents,
            shipping_cents=shipping,
            discount_cents=discount, tax_cents=tax, buyer=buyer,
            shipping_method=method[0] if self.platform != "1688" else "",
            remark=remark, staff=staff, variant=rng.randrange(100), status=status, **ev,
        )  # fmt: skip

    def _order_shopify(self, i: int, created: datetime, id_offset: int) -> SimOrder:
        """A Shopify order: #1001, #1002 ... in order of creation; US sales tax; discount codes."""
        rng = self.rng
        seq = id_offset + i
        items = self.items()
        buyer = self.buyer()
        method, _, how = self.methods[_pick(rng, self.method_cum)]
        items_cents = sum(x.line_cents for x in items)
        discount = 0
        code = ""
        if rng.random() < 0.18:
            code, percent = rng.choice(_SHOP_DISCOUNTS)
            if percent:
                discount = items_cents * percent // 100
            elif items_cents >= 3000:
                discount = 500
            else:
                code = ""
        subtotal = items_cents - discount
        if rng.random() < 0.07:
            shipping_method, shipping = "UPS 2nd Day Air", 1499
        elif buyer.country_code != "US":
            shipping_method, shipping = "International Shipping", 1299
        elif subtotal >= 5000:
            shipping_method, shipping = "Free Shipping", 0
        else:
            shipping_method, shipping = "Standard", rng.choice((499, 599))
        rate = _SHOP_TAX[(buyer.country_code, buyer.state)]
        tax = int(subtotal * rate / 100 + 0.5)
        remark = rng.choice(_SHOP_NOTES) if rng.random() < 0.05 else ""
        due = how if how in ("on_delivery", "on_capture") else ""
        ev = self._life_shopify(created, len(items), how)
        refund = ev.pop("refund", None)
        total = items_cents + shipping + tax - discount
        if refund == "full":
            ev["refund_cents"] = total
        elif refund == "partial":  # one item returned, or a goodwill refund
            ev["refund_cents"] = (items[-1].unit_cents if len(items) > 1
                                  else total * rng.choice((10, 20, 25, 50)) // 100)  # fmt: skip
        status = _status_at(
            ev.get("paid_at"), None, None, ev.get("shipped_at"), None, None, ev.get("closed_at"),
            None,
        )  # fmt: skip
        status = _shopify_status(status, due, ev.get("part_shipped_at"))
        return SimOrder(
            platform="shopify", store=self.store, order_id=f"#{1001 + seq}",
            record_no=10_001 + seq, created_at=created, items=items, items_cents=items_cents,
            shipping_cents=shipping, discount_cents=discount, tax_cents=tax, buyer=buyer,
            shipping_method=shipping_method, remark=remark, staff="",
            variant=rng.randrange(100), status=status, payment_method=method,
            payment_due=due, discount_code=code, **ev,
        )  # fmt: skip

    def _life_shopify(self, created: datetime, n_items: int, how: str) -> dict[str, Any]:
        """Shopify: mostly paid at checkout and fulfilled within a day or two.

        Cash on delivery is paid when the courier delivers and an authorised card when the
        order is fulfilled; both await shipment unpaid, and some are voided (Cancelled at) before.
        A bank deposit the buyer never makes is voided too. Paid orders: a few are cancelled
        and refunded before fulfilment; a multi-item order may ship in two fulfilments (a few
        stay partial, back-ordered); after fulfilment some are refunded in full (a return,
        no Cancelled at) or in part.
        """
        rng = self.rng
        ev: dict[str, Any] = {}

        def fulfil_after(t: datetime) -> datetime:
            hours = min(rng.lognormvariate(math.log(30), 0.8), 240)
            return _after(rng, t, max(hours, 0.5), max(hours, 0.5))

        if how == "on_delivery":
            if rng.random() < 0.1:  # the buyer cannot be reached to confirm: voided
                ev["closed_at"] = _after(rng, created, 6, 72)
                return ev
            shipped = ev["shipped_at"] = fulfil_after(created)
            ev["paid_at"] = _after(rng, shipped, 48, 168)  # cash collected on delivery
            return ev
        if how == "on_capture":
            if rng.random() < 0.1:  # the authorisation is voided
                ev["closed_at"] = _after(rng, created, 2, 96)
                return ev
            shipped = ev["shipped_at"] = fulfil_after(created)
            ev["paid_at"] = _after(rng, shipped, 0.01, 0.2)  # captured on fulfilment
            return ev
        if how == "manual":
            if rng.random() < 0.35:  # the deposit never comes
                ev["closed_at"] = _after(rng, created, 72, 168)
                return ev
            paid = _after(rng, created, 2, 72)
        else:
            paid = created + timedelta(seconds=rng.randint(1, 4))
        ev["paid_at"] = paid
        if rng.random() < 0.03:  # cancelled and refunded before fulfilment
            ev["closed_at"] = ev["refund_at"] = _after(rng, paid, 1, 48)
            ev["refund"] = "full"
            return ev
        if n_items > 1 and rng.random() < 0.3:
            part = ev["part_shipped_at"] = fulfil_after(paid)
            if rng.random() < 0.1:  # the rest is back-ordered
                return ev
            shipped = ev["shipped_at"] = _after(rng, part, 48, 14 * 24)
        else:
            shipped = ev["shipped_at"] = fulfil_after(paid)
        r = rng.random()
        if r < 0.035:  # returned, refunded in full
            ev["closed_at"] = ev["refund_at"] = _after(rng, shipped, 7 * 24, 30 * 24)
            ev["refund"] = "full"
        elif r < 0.09:
            ev["refund_at"] = _after(rng, shipped, 3 * 24, 20 * 24)
            ev["refund"] = "partial"
        return ev

    def _life_aliexpress(self, created: datetime, slow: bool = False) -> dict[str, Any]:
        """AliExpress: ~88 % paid; payment timeout, cancels, risk control, ship timeout, disputes.

        `slow`: a wholesale order takes longer to stock and pack, so it stays open longer.
        """
        rng = self.rng
        ev: dict[str, Any] = {}
        if rng.random() < 0.12:  # never paid
            if rng.random() < 0.78:
                ev["closed_at"] = _after(rng, created, 20, 72)
                ev["close_cause"] = "payment_timeout"
                ev["end_code"] = "buyer_pay_timeout" if rng.random() < 0.85 else "pay_timeout"
            else:
                ev["closed_at"] = _after(rng, created, 0.1, 20)
                ev["close_cause"] = "buyer_cancelled_unpaid"
                ev["end_code"] = "buyer_cancel_notpay_order"
                ev["cancel_reason"] = rng.choices(
                    ("buyer_changed_mind", "ordered_by_mistake", "duplicate_order"), (5, 3, 2)
                )[0]
            return ev
        r = rng.random()
        hours = rng.uniform(0.02, 0.25) if r < 0.7 else (
            rng.uniform(0.25, 6) if r < 0.95 else rng.uniform(6, 40))  # fmt: skip
        paid = ev["paid_at"] = _after(rng, created, hours, hours)
        base = paid
        if rng.random() < 0.04:  # 24 h risk-control review after payment
            hold = ev["hold_until"] = paid + timedelta(hours=24)
            if rng.random() < 0.25:
                ev["ship_deadline"] = (hold + timedelta(days=rng.randint(5, 7))).date()
                ev["closed_at"] = hold
                ev["close_cause"] = "risk_control"
                ev["end_code"] = rng.choices(
                    ("risk_reject_closed", "risk_closed", "security_close"), (7, 2, 1))[0]
                return ev
            base = hold
        deadline = ev["ship_deadline"] = (base + timedelta(days=rng.randint(5, 7))).date()
        deadline_end = datetime.combine(deadline, time(23, 59, 59))
        room_h = (deadline_end - base).total_seconds() / 3600
        r = rng.random()
        if 0.085 <= r < 0.097:  # seller did not ship in time: closed when the day ends
            ev["closed_at"] = datetime.combine(
                deadline + timedelta(days=1), time(0, rng.randrange(60), rng.randrange(60)))
            ev["close_cause"] = "seller_ship_timeout"
            ev["end_code"] = ("seller_send_goods_timeout" if rng.random() < 0.8
                              else "send_goods_timeout")  # fmt: skip
            return ev
        if r < 0.085:  # the buyer asks to cancel; ~3 % of paid give a seller-side reason
            requested = ev["cancel_requested_at"] = _after(rng, base, 0.15, min(72, room_h - 2))
            closed = _after(rng, requested, 0.5, 48)
            ev["closed_at"] = min(closed, deadline_end)
            ev["close_cause"] = "buyer_cancelled_paid"
            ev["end_code"] = ("cancel_order_close_trade" if rng.random() < 0.75
                              else "buyer_cancel_order")  # fmt: skip
            if r < 0.055:
                ev["cancel_reason"] = rng.choices(
                    ("buyer_changed_mind", "processing_time_too_long", "ordered_by_mistake",
                     "duplicate_order", "other"), (45, 25, 10, 8, 12))[0]  # fmt: skip
            else:
                ev["cancel_reason"] = rng.choices(
                    ("out_of_stock", "seller_raised_price", "seller_no_response",
                     "cannot_use_selected_shipping"), (45, 15, 15, 25))[0]  # fmt: skip
            return ev
        if rng.random() < 0.015:  # shipped late (deadline extended on request)
            shipped = _after(rng, deadline_end, 1, 48)
        else:
            median = 100 if slow else 44
            hours = min(rng.lognormvariate(math.log(median), 0.7), room_h - 0.2)
            shipped = _after(rng, base, max(hours, 0.3), max(hours, 0.3))
        ev["shipped_at"] = shipped
        r = rng.random()
        if r < 0.06:  # dispute after shipping
            dispute = ev["dispute_at"] = _after(rng, shipped, 240, 1080)
            resolved = _after(rng, dispute, 72, 360)
            if rng.random() < 0.55:
                ev["closed_at"] = resolved
                ev["close_cause"] = "dispute_refund"
                ev["end_code"] = rng.choices(
                    ("seller_accept_issue_no_goods_return", "end_issue",
                     "seller_response_issue_timeout"), (5, 3, 2))[0]  # fmt: skip
            else:
                ev["received_at"] = resolved
                ev["end_code"] = "buyer_accept_goods"
        elif r < 0.30:  # the buyer never confirms: automatic confirmation
            ev["received_at"] = _after(rng, shipped, 55 * 24, 65 * 24)
            ev["end_code"] = "buyer_accept_goods_timeout"
        else:
            ev["received_at"] = _after(rng, shipped, 7 * 24, 35 * 24)
            ev["end_code"] = "buyer_accept_goods"
        return ev

    def _life_ebay(self, created: datetime) -> dict[str, Any]:
        """eBay: paid at once; buyer / seller cancellations; no receipt in the report."""
        rng = self.rng
        ev: dict[str, Any] = {}
        if rng.random() < 0.02:  # unpaid, cancelled after a few days
            ev["closed_at"] = _after(rng, created, 48, 96)
            code = "BuyerCancelOrder" if rng.random() < 0.6 else "OrderPlacedByMistake"
            ev["cancel_code"] = code
            ev["cancel_reason"] = _EBAY_REASON[code][0]
            ev["close_cause"] = "buyer_cancelled_unpaid"
            ev["end_code"] = "CANCEL_CLOSED_NO_REFUND"
            return ev
        paid = ev["paid_at"] = _after(rng, created, 0.0, 0.2 if rng.random() < 0.95 else 40)
        deadline = ev["ship_deadline"] = (paid + timedelta(days=rng.choice((1, 1, 2, 2, 3)))).date()
        deadline_end = datetime.combine(deadline, time(23, 59, 59))
        r = rng.random()
        if r < 0.035:  # buyer requests, seller accepts
            requested = ev["cancel_requested_at"] = _after(rng, paid, 0.2, 20)
            ev["closed_at"] = _after(rng, requested, 1, 36)
            code = rng.choices(("BuyerCancelOrder", "OrderPlacedByMistake", "FoundCheaperPrice"),
                               (50, 25, 25))[0]  # fmt: skip
            ev["close_cause"] = "buyer_cancelled_paid"
        elif r < 0.06:  # seller cancels
            ev["closed_at"] = _after(rng, paid, 2, 48)
            code = rng.choices(("OutOfStock", "OutOfStockOrCannotFulfill", "AddressIssues"),
                               (35, 35, 30))[0]  # fmt: skip
            ev["close_cause"] = "seller_cancelled"
        else:
            code = ""
        if code:
            ev["cancel_code"] = code
            ev["cancel_reason"] = _EBAY_REASON[code][0]
            ev["end_code"] = "CANCEL_CLOSED_WITH_REFUND"
            return ev
        if r < 0.066:  # buyer requests, seller ships anyway
            requested = ev["cancel_requested_at"] = _after(rng, paid, 0.2, 8)
            ev["shipped_at"] = _after(rng, requested, 1, 20)
            ev["cancel_rejected"] = True
            ev["cancel_code"] = "BuyerCancelOrder"
            ev["cancel_reason"] = "buyer_asked"
            return ev
        if rng.random() < 0.04:
            ev["shipped_at"] = _after(rng, deadline_end, 2, 72)
        else:
            room = (deadline_end - paid).total_seconds() / 3600
            ev["shipped_at"] = _after(rng, paid, min(2, room / 2), room - 0.1)
        return ev

    def _life_1688(self, created: datetime) -> dict[str, Any]:
        """1688: B2B; payment timeout (no reason given), buyer / stock-out / other closes."""
        rng = self.rng
        ev: dict[str, Any] = {}
        if rng.random() < 0.15:
            if rng.random() < 0.8:
                ev["closed_at"] = _after(rng, created, 24, 72)
                ev["close_cause"] = "payment_timeout"  # 1688 leaves 关闭原因 empty
            else:
                ev["closed_at"] = _after(rng, created, 0.2, 24)
                ev["close_cause"] = "buyer_cancelled_unpaid"
                ev["cancel_reason"] = "buyer_asked"
                ev["end_code"] = "buyerCancel"
            return ev
        paid = ev["paid_at"] = _after(rng, created, 0.1, 8)
        r = rng.random()
        if r < 0.075:
            if r < 0.04:
                ev["closed_at"] = _after(rng, paid, 1, 72)
                ev.update(close_cause="buyer_cancelled_paid", cancel_reason="buyer_asked",
                          end_code="buyerCancel")  # fmt: skip
            elif r < 0.065:
                ev["closed_at"] = _after(rng, paid, 3, 96)
                ev.update(close_cause="seller_cancelled", cancel_reason="out_of_stock",
                          end_code="sellerGoodsLack")  # fmt: skip
            else:
                ev["closed_at"] = _after(rng, paid, 1, 120)
                ev.update(close_cause="other", cancel_reason="other", end_code="other")
            return ev
        hours = min(rng.lognormvariate(math.log(20), 0.8), 120)
        shipped = ev["shipped_at"] = _after(rng, paid, hours, hours)
        ev["received_at"] = _after(rng, shipped, 48, 240)
        return ev


def _cumulative(weights: Sequence[float]) -> list[float]:
    out, acc = [], 0.0
    for w in weights:
        acc += w
        out.append(acc)
    return out


def _pick(rng: random.Random, cum: list[float]) -> int:
    """Index drawn by cumulative weights (bisect; cheaper than rng.choices for one draw)."""
    return min(bisect_right(cum, rng.random() * cum[-1]), len(cum) - 1)


def simulate_orders(
    platform: str,
    n_orders: int,
    start: datetime,
    end: datetime,
    *,
    seed: int,
    store: str = "demo",
    id_offset: int = 0,
) -> list[SimOrder]:
    """Simulate `n_orders` whole lifecycles created in [start, end], oldest first.

    Later events may fall after `end` (orders still open at the end keep living), which is what
    makes recent orders of an export open. Same arguments, same orders. `id_offset` shifts the
    order ids and record numbers so that separate calls never share an id.
    """
    if platform not in PLATFORMS:
        raise ValueError(f"unknown platform {platform!r}; expected one of {PLATFORMS}")
    if end <= start:
        raise ValueError("end must be after start")
    rng = _Random(f"{platform}|{store}|{seed}")
    sim = _Simulator(platform, store, n_orders, rng)
    span = int((end - start).total_seconds())
    day_span = max(span // 86_400, 1)
    created: list[datetime] = []
    while len(created) < n_orders:
        # mild growth over the period, and a day/night rhythm
        day = int(day_span * rng.random() ** 0.9)
        second = rng.randrange(86_400)
        if rng.random() > _HOUR_ACCEPT[second // 3600]:
            continue
        offset = day * 86_400 + second
        if offset <= span:
            created.append(start + timedelta(seconds=offset))
    created.sort()
    return [sim.order(i, t, id_offset) for i, t in enumerate(created)]


# --------------------------------------------------------------------------------------------
# Rendering an export.
# --------------------------------------------------------------------------------------------


def _t_dot(t: datetime | None) -> str:
    """``2024.03.05 14:22`` (isoformat is C code: this runs millions of times)."""
    return "" if t is None else t.isoformat(" ", "minutes").replace("-", ".")


def _t_dash(t: datetime | None) -> str:
    """``2024-03-05 14:22:10``."""
    return "" if t is None else t.isoformat(" ", "seconds")


@functools.lru_cache(maxsize=1024)
def _eastern_offset(d: date) -> str:
    """The Shopify demo shop's UTC offset on day `d`: US Eastern, daylight saving from the
    second Sunday of March to the first Sunday of November (the hour of the switch ignored)."""
    march = date(d.year, 3, 8)
    start = march + timedelta(days=(6 - march.weekday()) % 7)
    november = date(d.year, 11, 1)
    end = november + timedelta(days=(6 - november.weekday()) % 7)
    return "-0400" if start <= d < end else "-0500"


def _t_shopify(t: datetime | None) -> str:
    """``2024-03-05 14:22:10 -0500``: the shop's local time and its UTC offset."""
    return "" if t is None else f"{t.isoformat(' ', 'seconds')} {_eastern_offset(t.date())}"


def _d_ebay(d: date | None) -> str:
    return "" if d is None else f"{_MON[d.month - 1]}-{d.day:02d}-{d.year % 100:02d}"


@functools.lru_cache(maxsize=1 << 16)
def _money(cents: int) -> str:
    """12.34 from 1234 cents (float formatting rounds exactly for any realistic amount)."""
    return f"{cents / 100:.2f}"


def rolling_window(as_of: datetime, window_days: int = 90) -> tuple[datetime, datetime]:
    """The creation-time range [as_of - window_days, as_of] a rolling export covers."""
    return as_of - timedelta(days=window_days), as_of


@functools.lru_cache(maxsize=1 << 16)
def _product_info(items: tuple[SimItem, ...]) -> str:
    """AliExpress's multi-line 产品信息 cell (cached: the same baskets recur)."""
    lines = []
    for k, it in enumerate(items, 1):
        lines.append(f"【{k}】 {it.title}")
        if it.attrs:
            lines.append(f"(产品属性: {it.attrs})")
        lines.append(f"(商家编码: {it.sku})")
        lines.append(f"(产品数量: {it.quantity})")
        lines.append(f"(单价: ${_money(it.unit_cents)})")
    return "\n".join(lines)


def _cancel_text(o: SimOrder, lang: str) -> str:
    if o.cancel_reason is None:
        return ""
    zh, en = _CANCEL_TEXT[o.cancel_reason]
    if lang == "en" and en is not None:
        return en
    return zh[o.variant % len(zh)]


def export_table(
    orders: list[SimOrder],
    platform: str,
    as_of: datetime,
    *,
    window_days: int = 90,
    english: bool = False,
    with_reasons: bool = True,
    time_style: str = "dot",
    reason_style: str = "code",
    cancel_lang: str | None = None,
) -> tuple[list[str], list[list[str]]]:
    """Headers and string rows of a rolling export made at `as_of`, newest order first.

    Holds every order created in the `window_days` before `as_of`, each in its state then.
    AliExpress only: `english` switches to the English-UI headers and status codes,
    `time_style` "dot" writes ``2024.03.05 14:22`` and "dash" ``2024-03-05 14:22:10``.
    `reason_style` "code" writes end-reason codes (buyer_pay_timeout, buyerCancel) and
    "label" Chinese labels (买家付款超时, 买家取消订单); `cancel_lang` "zh" / "en" picks the
    cancel-reason texts (default: the header language). `with_reasons=False` drops the close /
    cancel columns, as older exports do. eBay rows are one per line item; Shopify rows too, the
    order's cells on its first row only (the other options do not apply to Shopify).
    """
    if platform not in PLATFORMS:
        raise ValueError(f"unknown platform {platform!r}")
    lo, hi = rolling_window(as_of, window_days)
    states = []
    for o in orders:
        if lo <= o.created_at <= hi:
            s = state_as_of(o, as_of)
            if s is not None:
                states.append(s)
    states.sort(key=lambda s: (s.created_at, s.order_id), reverse=True)
    if platform == "aliexpress":
        if english:
            return _ali_en(states, with_reasons, time_style, cancel_lang or "en")
        return _ali_zh(states, with_reasons, time_style, reason_style, cancel_lang or "zh")
    if platform == "ebay":
        return _ebay(states, with_reasons)
    if platform == "shopify":
        return _shopify(states)
    return _t1688(states, with_reasons, reason_style)


def _ali_zh(
    states: list[SimOrder], with_reasons: bool, time_style: str, reason_style: str, lang: str
) -> tuple[list[str], list[list[str]]]:
    ft = _t_dash if time_style == "dash" else _t_dot
    headers = ALI_HEADERS_ZH + (ALI_REASON_HEADERS_ZH if with_reasons else [])
    rows = []
    for o in states:
        b = o.buyer
        status = _ALI_STATUS_ZH[o.status]
        if o.status == "closed" and with_reasons and o.paid_at is not None and o.variant < 40:
            status = "订单结束"  # the end reason says it ended without a sale
        elif o.status == "completed" and o.variant % 2:
            status = "交易完成"
        us = "US $"
        row = [
            o.order_id, status, o.staff, b.name, b.email, ft(o.created_at), ft(o.paid_at),
            us + _money(o.items_cents), us + _money(o.shipping_cents), us + _money(o.total_cents),
            us + _money(o.discount_cents) if o.discount_cents else "", _product_info(o.items),
            o.remark, f"{b.street}, {b.city}, {b.state}, {b.zip}, {b.country}", b.name,
            b.country, b.state, b.city, b.street, b.zip, b.phone, b.mobile, o.shipping_method,
            o.ship_deadline.isoformat() if o.ship_deadline else "", o.tracking,
            ft(o.shipped_at), ft(o.received_at),
        ]  # fmt: skip
        if with_reasons:
            end = o.end_code
            if reason_style == "label" and end:
                end = _ALI_CODE_LABEL[end]
            row += [end, _cancel_text(o, lang), ft(o.closed_at)]
        rows.append(row)
    return headers, rows


def _ali_en(
    states: list[SimOrder], with_reasons: bool, time_style: str, lang: str
) -> tuple[list[str], list[list[str]]]:
    ft = _t_dash if time_style == "dash" else _t_dot
    headers = ALI_HEADERS_EN + (ALI_REASON_HEADERS_EN if with_reasons else [])
    rows = []
    for o in states:
        row = [
            o.order_id, _ALI_STATUS_EN[o.status], ft(o.created_at), ft(o.paid_at),
            "US $" + _money(o.items_cents), "US $" + _money(o.shipping_cents),
            "US $" + _money(o.total_cents), _product_info(o.items), o.remark, o.buyer.name,
            o.buyer.country, o.shipping_method,
            o.ship_deadline.isoformat() if o.ship_deadline else "", o.tracking,
            ft(o.shipped_at), ft(o.received_at),
        ]  # fmt: skip
        if with_reasons:
            row += [o.end_code, _cancel_text(o, lang), ft(o.closed_at)]
        rows.append(row)
    return headers, rows


def _ebay_cancel_status(o: SimOrder) -> str:
    if o.closed_at is not None:
        return o.end_code
    if o.cancel_rejected:
        return "CANCEL_REJECTED"
    if o.cancel_requested_at is not None:
        return "CANCEL_REQUESTED"
    return ""


def _ebay(states: list[SimOrder], with_reasons: bool) -> tuple[list[str], list[list[str]]]:
    headers = EBAY_HEADERS + (EBAY_REASON_HEADERS if with_reasons else [])
    rows = []
    for o in states:
        b = o.buyer
        d = o.ship_deadline
        min_d = _d_ebay(d + timedelta(days=2)) if d else ""
        max_d = _d_ebay(d + timedelta(days=6)) if d else ""
        cancel = [_ebay_cancel_status(o), o.cancel_code] if with_reasons else []
        for it in o.items:
            variation = f"[{it.attrs.replace(': ', ':').replace('; ', ',')}]" if it.attrs else ""
            rows.append([
                str(o.record_no), o.order_id, b.buyer_id, b.name, b.email, o.remark, b.street, "",
                b.city, b.state, b.zip, b.country, b.name, b.mobile, b.street, "", b.city, b.state,
                b.zip, b.country, it.item_number, it.title, it.sku,
                "Yes" if o.variant < 15 else "No", str(it.quantity), "$" + _money(it.unit_cents),
                "$" + _money(o.shipping_cents), "$0.00", "$" + _money(o.tax_cents),
                "$" + _money(o.total_cents), "Yes", "eBay Payments",
                _d_ebay(o.created_at.date()), _d_ebay(o.paid_at.date() if o.paid_at else None),
                _d_ebay(d), min_d, max_d,
                _d_ebay(o.shipped_at.date() if o.shipped_at else None), "", "", "", "",
                o.shipping_method, o.tracking, it.line_id, variation,
                "No", "", "No", "", "No", *cancel,
            ])  # fmt: skip
    return headers, rows


def _t1688(
    states: list[SimOrder], with_reasons: bool, reason_style: str
) -> tuple[list[str], list[list[str]]]:
    headers = HEADERS_1688 + (REASON_HEADERS_1688 if with_reasons else [])
    rows = []
    for o in states:
        b = o.buyer
        carrier, _, number = o.tracking.partition(":")
        row = [
            o.order_id, b.company, b.buyer_id, _money(o.items_cents), _money(o.shipping_cents),
            _money(o.total_cents), _STATUS_1688[o.status], _t_dash(o.created_at),
            _t_dash(o.paid_at), _t_dash(o.shipped_at), _t_dash(o.received_at), b.name,
            f"{b.state} {b.city} {b.street}", b.mobile, "；".join(i.title for i in o.items),
            str(o.quantity), carrier, number, o.remark,
        ]  # fmt: skip
        if with_reasons:
            end = o.end_code if o.closed_at is not None else ""
            row.append(_LABEL_1688[end] if reason_style == "label" and end else end)
        rows.append(row)
    return headers, rows


_SHOP_COL = {h: k for k, h in enumerate(SHOPIFY_HEADERS)}


def _shopify_financial(o: SimOrder) -> str:
    if o.closed_at is not None:  # cancelled or returned: refunded if it was paid, else voided
        return "refunded" if o.paid_at is not None else "voided"
    if o.refund_at is not None:
        return "partially_refunded"
    if o.paid_at is not None:
        return "paid"
    return "authorized" if o.payment_due == "on_capture" else "pending"


@functools.lru_cache(maxsize=4096)
def _shopify_item_name(title: str, attrs: str) -> str:
    """``Title - Black / M``: Shopify's Lineitem name, the variant's option values after it."""
    if not attrs:
        return title
    return f"{title} - {' / '.join(a.partition(': ')[2] for a in attrs.split('; '))}"


def _shopify(states: list[SimOrder]) -> tuple[list[str], list[list[str]]]:
    """Shopify's orders_export.csv: one row per line item. The first row of each Name holds the
    order's cells; the rows below repeat only SHOPIFY_ITEM_ROW_CELLS."""
    c = _SHOP_COL
    n = len(SHOPIFY_HEADERS)
    rows = []
    for o in states:
        b = o.buyer
        created = _t_shopify(o.created_at)
        shipped = o.shipped_at is not None
        partial = not shipped and o.part_shipped_at is not None
        unpaid = o.paid_at is None and o.closed_at is None
        shop_id = str(5_612_000_000_000 + (o.record_no - 10_001) * 1_337 + o.variant)
        gateway = o.payment_method not in ("Cash on Delivery (COD)", "Bank Deposit")
        reference = f"c{int(shop_id) * 7 % 10**11 + 2 * 10**11}.1" if gateway else ""
        street1, _, street2 = b.street.partition(", ")
        zip_ = f"'{b.zip}" if b.zip[:1] == "0" else b.zip  # as Shopify keeps a leading zero
        province = _SHOP_PROVINCE_NAMES[(b.country_code, b.state)]
        rate = _SHOP_TAX[(b.country_code, b.state)]
        if o.quantity >= 10:
            tags = "wholesale"
        elif o.variant >= 94:
            tags = "vip, repeat"
        else:
            tags = ""
        first = [""] * n
        for header, value in (
            ("Financial Status", _shopify_financial(o)), ("Paid at", _t_shopify(o.paid_at)),
            ("Fulfillment Status", "fulfilled" if shipped else "partial" if partial
             else "unfulfilled"),
            ("Fulfilled at", _t_shopify(o.shipped_at)),
            ("Accepts Marketing", "yes" if o.variant % 3 == 0 else "no"), ("Currency", "USD"),
            ("Subtotal", _money(o.items_cents - o.discount_cents)),
            ("Shipping", _money(o.shipping_cents)), ("Taxes", _money(o.tax_cents)),
            ("Total", _money(o.total_cents)), ("Discount Code", o.discount_code),
            ("Discount Amount", _money(o.discount_cents)),
            ("Shipping Method", o.shipping_method),
            ("Billing Name", b.name), ("Billing Street", b.street), ("Billing Address1", street1),
            ("Billing Address2", street2), ("Billing City", b.city), ("Billing Zip", zip_),
            ("Billing Province", b.state), ("Billing Country", b.country_code),
            ("Billing Phone", b.phone), ("Shipping Name", b.name), ("Shipping Street", b.street),
            ("Shipping Address1", street1), ("Shipping Address2", street2),
            ("Shipping City", b.city), ("Shipping Zip", zip_), ("Shipping Province", b.state),
            ("Shipping Country", b.country_code), ("Shipping Phone", b.phone),
            ("Notes", o.remark),
            ("Cancelled at", _t_shopify(o.closed_at) if not shipped else ""),
            ("Payment Method", o.payment_method), ("Payment Reference", reference),
            ("Refunded Amount", _money(o.refund_cents)),
            ("Outstanding Balance", _money(o.total_cents if unpaid else 0)),
            ("Id", shop_id), ("Tags", tags), ("Risk Level", "Medium" if o.variant < 2 else "Low"),
            ("Source", "web"),
            ("Tax 1 Name", f"{b.state} State Tax {rate:g}%" if o.tax_cents else ""),
            ("Tax 1 Value", _money(o.tax_cents) if o.tax_cents else ""),
            ("Billing Province Name", province), ("Shipping Province Name", province),
            ("Payment ID", reference), ("Payment References", reference),
        ):  # fmt: skip
            first[c[header]] = value
        for k, it in enumerate(o.items):
            row = first if k == 0 else [""] * n
            row[c["Name"]] = o.order_id
            row[c["Email"]] = b.email
            row[c["Created at"]] = created
            row[c["Phone"]] = b.phone
            row[c["Vendor"]] = _SHOP_VENDOR
            row[c["Lineitem discount"]] = "0.00"
            row[c["Lineitem quantity"]] = str(it.quantity)
            row[c["Lineitem name"]] = _shopify_item_name(it.title, it.attrs)
            row[c["Lineitem price"]] = _money(it.unit_cents)
            if int(it.sku[4:]) % 3 == 0:  # on sale: the price it was before
                row[c["Lineitem compare at price"]] = _money(it.unit_cents * 5 // 4)
            row[c["Lineitem sku"]] = it.sku
            row[c["Lineitem requires shipping"]] = "true"
            row[c["Lineitem taxable"]] = "true"
            row[c["Lineitem fulfillment status"]] = (
                "fulfilled" if shipped or (partial and k == 0) else "pending")
            rows.append(row)
    return list(SHOPIFY_HEADERS), rows


# --------------------------------------------------------------------------------------------
# Writing files.
# --------------------------------------------------------------------------------------------


def _chunks(rows: list[list[str]], size: int) -> list[list[list[str]]]:
    return [rows[k : k + size] for k in range(0, len(rows), size)] or [[]]


def _write_xls(path: Path, headers: list[str], rows: list[list[str]]) -> None:
    import xlwt

    book = xlwt.Workbook(encoding="utf-8")
    for n, chunk in enumerate(_chunks(rows, XLS_MAX_ROWS - 1), 1):
        sheet = book.add_sheet(f"Sheet{n}")
        for c, h in enumerate(headers):
            sheet.write(0, c, h)
        for r, row in enumerate(chunk, 1):
            for c, v in enumerate(row):
                if v:
                    sheet.write(r, c, v)
    book.save(str(path))


def _write_xlsx(path: Path, headers: list[str], rows: list[list[str]]) -> None:
    import xlsxwriter

    book = xlsxwriter.Workbook(
        str(path),
        {"constant_memory": True, "strings_to_numbers": False, "strings_to_formulas": False,
         "strings_to_urls": False},
    )  # fmt: skip
    book.set_properties({"created": _XLSX_CREATED})
    for n, chunk in enumerate(_chunks(rows, XLSX_MAX_ROWS - 1), 1):
        sheet = book.add_worksheet(f"Sheet{n}")
        write = sheet.write_string
        for c, h in enumerate(headers):
            write(0, c, h)
        for r, row in enumerate(chunk, 1):
            for c, v in enumerate(row):
                if v:
                    write(r, c, v)
    book.close()


def _csv_cell(value: str) -> str:
    if any(ch in value for ch in ',"\r\n'):
        return '"' + value.replace('"', '""') + '"'
    return value


def _write_shopify_csv(f: Any, headers: list[str], rows: list[list[str]]) -> None:
    """Shopify's CSV: LF line ends, quoted only where needed, and some empty cells of an
    order's first row written as a quoted "" (Discount Code, Address2, Notes, Tags ...)."""
    quoted = [h in _SHOPIFY_QUOTED_EMPTY for h in headers]
    financial = headers.index("Financial Status") if "Financial Status" in headers else None
    f.write(",".join(_csv_cell(h) for h in headers) + "\n")
    for row in rows:
        first = financial is not None and row[financial] != ""
        f.write(",".join(
            '""' if first and q and v == "" else _csv_cell(v)
            for v, q in zip(row, quoted, strict=True)
        ) + "\n")  # fmt: skip


def _ebay_range(headers: list[str], rows: list[list[str]]) -> tuple[str, str]:
    try:
        k = headers.index("Sale Date")
    except ValueError:
        return "", ""
    days = [datetime.strptime(r[k], "%b-%d-%y").date() for r in rows if r[k]]
    if not days:
        return "", ""
    return _d_ebay(min(days)), _d_ebay(max(days))


def write_export(
    path: Path,
    headers: list[str],
    rows: list[list[str]],
    *,
    platform: str,
    encoding: str = "utf-8-sig",
    seller_id: str = "demo_seller",
    date_range: tuple[date, date] | None = None,
    delimiter: str = ",",
    fmt: str | None = None,
) -> Path:
    """Write an export as the marketplace would: format from the suffix (.xls/.xlsx/.csv).

    ``.xls`` splits into sheets of 65,536 rows (header repeated), ``.xlsx`` writes every cell as
    a string in constant memory, ``.csv`` quotes cells with line breaks. Legacy encodings (GBK,
    GB18030) replace what they cannot encode with "?", as Excel on Chinese Windows does.
    An eBay ``.csv`` gets the report's blank first line and record-count / seller-id trailer;
    a Shopify ``.csv`` is written as Shopify does (LF line ends, some empty cells as ``""``).
    `fmt` ("xls", "xlsx", "csv") overrides the suffix.
    """
    path = Path(path)
    suffix = f".{fmt.lower().lstrip('.')}" if fmt else path.suffix.lower()
    path.parent.mkdir(parents=True, exist_ok=True)
    if suffix == ".xls":
        _write_xls(path, headers, rows)
    elif suffix == ".xlsx":
        _write_xlsx(path, headers, rows)
    elif suffix in (".csv", ".txt"):
        errors = "strict" if encoding.lower().replace("_", "-").startswith("utf") else "replace"
        with path.open("w", encoding=encoding, errors=errors, newline="") as f:
            if platform == "shopify" and delimiter == ",":
                _write_shopify_csv(f, headers, rows)
                return path
            w = csv.writer(f, delimiter=delimiter, lineterminator="\r\n")
            if platform == "ebay":
                w.writerow([])
            w.writerow(headers)
            w.writerows(rows)
            if platform == "ebay":
                if date_range is not None:
                    lo, hi = _d_ebay(date_range[0]), _d_ebay(date_range[1])
                else:
                    lo, hi = _ebay_range(headers, rows)
                w.writerow([])
                w.writerow([f"{len(rows)} record(s) downloaded, from {lo} to {hi}"])
                w.writerow([f"Seller ID: {seller_id}"])
    else:
        raise ValueError(f"unsupported export format {suffix!r}: use .xls, .xlsx or .csv")
    return path


# --------------------------------------------------------------------------------------------
# Ground truth.
# --------------------------------------------------------------------------------------------


def _seller_fault(d: dict[str, Any]) -> bool:
    return (
        d["status"] == "closed"
        and d["paid_at"] is not None
        and d["shipped_at"] is None
        and (d["close_cause"] == "seller_ship_timeout"
             or d["cancel_reason"] in SELLER_FAULT_REASONS)
    )  # fmt: skip


def canonical_state(s: SimOrder) -> dict[str, Any]:
    """The canonical facts (SPEC section 2) an ingest of this snapshot must arrive at.

    This is what an export *with* its reason columns says. A closed order whose export gives
    no reason (1688's payment timeouts) gets the SPEC's inferred cause, `cause_inferred`.
    """
    closed = s.status == "closed"
    d = {
        "order_id": s.order_id,
        "platform": s.platform,
        "store": s.store,
        "status": s.status,
        "close_cause": s.close_cause if closed else None,
        "cause_inferred": closed and not s.end_code,
        "cancel_reason": s.cancel_reason,
        "seller_fault": False,
        "created_at": s.created_at,
        "paid_at": s.paid_at,
        "shipped_at": s.shipped_at,
        "received_at": s.received_at,
        "closed_at": s.closed_at,
        "ship_deadline": s.ship_deadline,
        "quantity": s.quantity,
        "amount_cents": s.total_cents,
    }
    d["seller_fault"] = _seller_fault(d)
    return d


def true_final_states(orders: Iterable[SimOrder], as_of: datetime) -> dict[str, dict[str, Any]]:
    """Canonical state of every order created by `as_of`, as of `as_of` (keyed by order id).

    Matches an ingest's current state for orders inside the latest export's window; for orders
    that aged out earlier use :func:`expected_history_states`.
    """
    out = {}
    for o in orders:
        s = state_as_of(o, as_of)
        if s is not None:
            out[o.order_id] = canonical_state(s)
    return out


def _infer_cause(s: SimOrder, first_seen_closed: datetime) -> str:
    """SPEC section 2's inference for a closed order no export gave a reason for."""
    if s.paid_at is None:
        return "payment_timeout"
    if s.shipped_at is not None:
        return "dispute_refund"
    if s.ship_deadline is not None and first_seen_closed.date() > s.ship_deadline:
        return "seller_ship_timeout"
    return "buyer_cancelled_paid"


def expected_history_states(
    orders: Iterable[SimOrder],
    exports: Iterable[datetime | tuple[datetime, bool]],
    *,
    window_days: int = 90,
) -> dict[str, dict[str, Any]]:
    """What a cumulative history of these rolling exports must hold (SPEC section 3).

    `exports` are export times, or (time, with_reasons) pairs when some files lack the reason
    columns. Each order takes the state of the latest export whose window contained it; a close
    or cancel reason seen once is kept; a closed order no export gave a reason for gets the
    inferred cause, judged at the export that first showed it closed. Orders no export saw are
    absent.
    """
    plan = sorted((e, True) if isinstance(e, datetime) else (e[0], bool(e[1])) for e in exports)
    out = {}
    for o in orders:
        last: SimOrder | None = None
        cause: str | None = None
        reason: str | None = None
        first_closed: datetime | None = None
        for t, with_reasons in plan:
            lo, hi = rolling_window(t, window_days)
            if not lo <= o.created_at <= hi:
                continue
            s = state_as_of(o, t)
            assert s is not None
            last = s
            if s.status == "closed" and first_closed is None:
                first_closed = t
            if with_reasons:
                if s.status == "closed" and s.end_code:
                    cause = s.close_cause
                reason = s.cancel_reason or reason
        if last is None:
            continue
        d = canonical_state(last)
        d["cancel_reason"] = reason
        if d["status"] == "closed":
            assert first_closed is not None
            d["cause_inferred"] = cause is None
            d["close_cause"] = cause if cause is not None else _infer_cause(last, first_closed)
        d["seller_fault"] = _seller_fault(d)
        out[o.order_id] = d
    return out


# --------------------------------------------------------------------------------------------
# The demo data set.
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DemoStore:
    """One demo store: its simulated orders and the rolling exports taken of them."""

    store: str
    platform: str
    orders: list[SimOrder]
    # (export time, file name, export_table/write_export options)
    exports: list[tuple[datetime, str, dict[str, Any]]]

    def expected_history(self) -> dict[str, dict[str, Any]]:
        """The current state an ingest of all of this store's exports must arrive at."""
        plan = [(t, opts.get("with_reasons", True)) for t, _, opts in self.exports]
        return expected_history_states(self.orders, plan)


_DEMO_PLAN: tuple[tuple[str, str, int, int, tuple[dict[str, Any], ...]], ...] = (
    ("ali-main", "aliexpress", 2400, 0, (
        {"fmt": "xls", "with_reasons": True},
        {"fmt": "xls", "with_reasons": False},  # an older template without the reason columns
        {"fmt": "xls", "with_reasons": True},
        {"fmt": "xls", "with_reasons": True, "reason_style": "label"},
    )),
    ("ali-outlet", "aliexpress", 1800, 5_000_000, (
        {"fmt": "xlsx", "time_style": "dash"},
        {"fmt": "xlsx", "english": True},
        {"fmt": "csv", "encoding": "gbk", "reason_style": "label"},
        {"fmt": "xlsx"},
    )),
    ("ebay-us", "ebay", 1700, 0, tuple({"fmt": "csv"} for _ in range(4))),
    # an independent Shopify store: Admin > Orders > Export, UTF-8 without a BOM
    ("shop-dtc", "shopify", 1500, 0, tuple(
        {"fmt": "csv", "encoding": "utf-8", "stem": "orders_export"} for _ in range(4))),
)  # fmt: skip


def demo_stores(*, seed: int = 7, today: datetime | None = None) -> list[DemoStore]:
    """The demo's stores, orders and export schedule, without writing anything.

    Four rolling exports per store, 3-5 weeks apart (windows overlap, orders change state in
    between), the last a few days before `today`. Orders start 90 days before the first export,
    so every simulated order appears in at least one export.
    """
    today = today or DEMO_TODAY
    out = []
    for store, platform, n, id_offset, files in _DEMO_PLAN:
        rng = random.Random(f"demo-schedule|{store}|{seed}")
        last = datetime.combine((today - timedelta(days=rng.randint(3, 5))).date(),
                                time(rng.randint(8, 18), rng.randrange(60)))  # fmt: skip
        times = [last]
        for _ in files[1:]:
            prev = times[0] - timedelta(days=rng.randint(22, 35))
            times.insert(0, prev.replace(hour=rng.randint(8, 18), minute=rng.randrange(60)))
        start = times[0] - timedelta(days=90)
        orders = simulate_orders(platform, n, start, last, seed=seed, store=store,
                                 id_offset=id_offset)  # fmt: skip
        exports = [
            (t, f"{opts.get('stem', 'orders')}_{t:%Y-%m-%d}.{opts['fmt']}", opts)
            for t, opts in zip(times, files, strict=True)
        ]
        out.append(DemoStore(store, platform, orders, exports))
    return out


def write_demo_exports(
    root: Path, *, seed: int = 7, today: datetime | None = None
) -> list[tuple[str, Path]]:
    """Write the demo exports into ``root/<store>/`` and return [(store, path)] as written.

    ali-main: AliExpress, Chinese headers, .xls (the second export without reason columns);
    ali-outlet: AliExpress .xlsx, one English-header export and one GBK .csv;
    ebay-us: eBay Seller Hub Orders reports (.csv);
    shop-dtc: Shopify orders_export.csv files (one row per line item).
    """
    root = Path(root)
    written = []
    for demo in demo_stores(seed=seed, today=today):
        for when, name, opts in demo.exports:
            table_opts = {k: v for k, v in opts.items() if k not in ("fmt", "encoding", "stem")}
            headers, rows = export_table(demo.orders, demo.platform, when, **table_opts)
            path = write_export(
                root / demo.store / name, headers, rows, platform=demo.platform,
                encoding=opts.get("encoding", "utf-8-sig"),
                seller_id=demo.store.replace("-", "_") + "_shop",
                date_range=(rolling_window(when)[0].date(), when.date()),
            )  # fmt: skip
            written.append((demo.store, path))
    return written
