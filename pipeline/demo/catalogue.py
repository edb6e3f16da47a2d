"""The products a demo store sells: titles, variants, SKUs and unit prices."""

from __future__ import annotations

import math
import random
from dataclasses import dataclass

from pipeline.demo.draws import random_digits

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


@dataclass(frozen=True, slots=True)
class Product:
    """A product of a store's catalogue; its variants are the option texts a line item picks."""

    title: str
    sku: str
    item_number: str
    unit_cents: int
    variants: tuple[str, ...]


def catalogue(platform: str, store: str) -> tuple[Product, ...]:
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
            item_number = f"6{random_digits(rng, 11)}"
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
            item_number = (f"3{random_digits(rng, 11)}" if platform == "ebay"
                           else f"100500{random_digits(rng, 10)}")  # fmt: skip
        sku = f"SKU-{1000 + k * 97 + rng.randrange(97)}"
        products.append(Product(title, sku, item_number, max(cents, 99), variants))
    return tuple(products)
