"""The buyers of a demo store: made-up names, addresses and contacts, some of them returning.

Marketplace buyers come from the countries each platform sells to, 1688's from Chinese firms,
the Shopify store's from its own places. Exported so that an ingest can prove it keeps none.
"""

from __future__ import annotations

import random

from pipeline.demo.draws import (
    ascii_name,
    cumulative_weights,
    random_digits,
    random_postcode,
    weighted_index,
)
from pipeline.demo.orders import Buyer
from pipeline.demo.shopify_store import SHOP_AREA_CODES, SHOP_PLACES

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


class BuyerPool:
    """One store's buyers, drawn from the store's seeded stream as its orders need them."""

    def __init__(self, platform: str, rng: random.Random) -> None:
        self.platform = platform
        self.rng = rng
        col = 2 if platform == "aliexpress" else 3
        countries = [c for c in _COUNTRIES if c[col] > 0]
        self.countries = countries
        self.country_cum = cumulative_weights([c[col] for c in countries])
        self.place_cum = cumulative_weights([p[1] for p in SHOP_PLACES])
        self.buyers: list[Buyer] = []
        # B2B buyers reorder far more often than marketplace shoppers
        self.repeat_rate = 0.45 if platform == "1688" else 0.2

    def next_buyer(self) -> Buyer:
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
        code, country, _, _, cc, lang, cities = self.countries[weighted_index(rng, self.country_cum)]
        firsts, lasts, streets, domains = _LANG[lang]
        first, last = rng.choice(firsts), rng.choice(lasts)
        city, state, pattern = rng.choice(cities)
        handle = ascii_name(first) + rng.choice(("", ".", "_")) + ascii_name(last)
        if len(handle) < 4:
            handle = f"user{random_digits(rng, 6)}"
        email = f"{handle}{rng.randrange(100) if rng.random() < 0.6 else ''}@{rng.choice(domains)}"
        if self.platform == "ebay":
            buyer_id = f"{handle[:12]}{rng.choice(('_', '-', ''))}{rng.randrange(10, 9999)}"
        else:
            buyer_id = f"{code.lower()}{random_digits(rng, 10)}{''.join(rng.choices('abcdefghjkmnpqrstuvwxyz', k=4))}"  # noqa: E501
        mobile = f"+{cc} {rng.randint(2, 9)}{random_digits(rng, 9 if cc == '1' else 8)}"
        phone = mobile if rng.random() < 0.6 else ""
        street = f"{rng.randint(1, 250)} {rng.choice(streets)}"
        if rng.random() < 0.2:
            street += f", Apt {rng.randint(1, 40)}"
        return Buyer(buyer_id, f"{first} {last}", email, phone, mobile, code, country, state,
                     city, street, random_postcode(rng, pattern))  # fmt: skip

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
        member = rng.choice((f"tb{random_digits(rng, 9)}", f"{company[:4] or name}{rng.randrange(1000)}"))
        mobile = f"1{rng.choice('35789')}{random_digits(rng, 9)}"
        return Buyer(member, name, "", "", mobile, "CN", "中国", province, city, street,
                     random_digits(rng, 6), company)  # fmt: skip

    def _new_buyer_shopify(self) -> Buyer:
        """A made-up shopper: example.com e-mail, a phone number from a range kept for fiction."""
        rng = self.rng
        country, _, province, _, city, pattern, _ = SHOP_PLACES[weighted_index(rng, self.place_cum)]
        firsts, lasts, streets, _ = _LANG["en"]
        first, last = rng.choice(firsts), rng.choice(lasts)
        handle = ascii_name(first) + rng.choice(("", ".", "_")) + ascii_name(last)
        email = f"{handle}{rng.randrange(100) if rng.random() < 0.5 else ''}@example.com"
        phone = ""
        if rng.random() < 0.55:
            if country in ("US", "CA"):
                phone = f"+1{SHOP_AREA_CODES[city]}55501{rng.randrange(100):02d}"
            elif country == "GB":
                phone = f"+447700900{rng.randrange(1000):03d}"
            else:
                phone = f"+61491570{rng.randrange(1000):03d}"
        street = f"{rng.randint(1, 250)} {rng.choice(streets)}"
        if rng.random() < 0.2:
            street += f", Apt {rng.randint(1, 40)}"
        return Buyer(handle, f"{first} {last}", email, phone, phone, country, country, province,
                     city, street, random_postcode(rng, pattern))  # fmt: skip
