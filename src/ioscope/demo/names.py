"""Invented people for the demo: handles, display names, bios and places in five languages."""

from __future__ import annotations

import re
import unicodedata
from random import Random

LANG_POOLS = ("en", "es", "ru", "zh", "fa")
"""Languages of ordinary users."""
LANG_WEIGHTS = (45, 18, 13, 12, 12)
"""Share (percent) of ordinary users per language of :data:`LANG_POOLS`."""

CAPITAL = {"CN": "Beijing, China", "RU": "Moscow, Russia", "IR": "Tehran, Iran"}

_TZ = {"en": (-5, -5, -6, -8, 0, 0, 1, 5.5, 10, 3), "es": (1, 1, -6, -5, -3, -4),
       "ru": (3, 3, 3, 2, 5, 7), "zh": (8, 8, 8, -5, -8, 10), "fa": (3.5, 3.5, 3.5, 1, -5)}

# (display form, latin form)
_FIRST = {
    "en": [(n, n) for n in ("James", "Emily", "Michael", "Sarah", "David", "Jessica", "Chris", "Ashley",
                            "Daniel", "Laura", "Ryan", "Megan", "Kevin", "Rachel", "Tom", "Olivia",
                            "Jake", "Chloe", "Sam", "Priya", "Aisha", "Kwame", "Liam", "Grace", "Noah",
                            "Zoe", "Ben", "Hannah", "Marcus", "Tanya", "Fiona", "Tunde")],
    "es": [(n, n) for n in ("Carlos", "Lucía", "Javier", "María", "Diego", "Sofía", "Andrés", "Valentina",
                            "Pablo", "Camila", "Alejandro", "Daniela", "Luis", "Paula", "Miguel", "Isabel",
                            "Jorge", "Elena", "Raúl", "Ana", "Mateo", "Ximena")],
    "ru": [("Иван", "ivan"), ("Дмитрий", "dmitry"), ("Алексей", "alexey"), ("Сергей", "sergey"),
           ("Андрей", "andrey"), ("Михаил", "mikhail"), ("Павел", "pavel"), ("Никита", "nikita"),
           ("Артём", "artem"), ("Ольга", "olga"), ("Наталья", "natalia"), ("Екатерина", "katya"),
           ("Анна", "anna"), ("Мария", "maria"), ("Татьяна", "tanya"), ("Юлия", "yulia")],
    "zh": [("伟", "wei"), ("芳", "fang"), ("娜", "na"), ("敏", "min"), ("静", "jing"), ("磊", "lei"),
           ("洋", "yang"), ("艳", "yan"), ("勇", "yong"), ("杰", "jie"), ("涛", "tao"), ("明", "ming"),
           ("超", "chao"), ("秀英", "xiuying"), ("晓东", "xiaodong"), ("婷婷", "tingting"),
           ("建华", "jianhua"), ("子涵", "zihan"), ("浩然", "haoran"), ("雨桐", "yutong")],
    "fa": [("علی", "ali"), ("محمد", "mohammad"), ("رضا", "reza"), ("حسین", "hossein"), ("مهدی", "mehdi"),
           ("سارا", "sara"), ("مریم", "maryam"), ("زهرا", "zahra"), ("فاطمه", "fatemeh"),
           ("نرگس", "narges"), ("امیر", "amir"), ("نیما", "nima"), ("پریسا", "parisa"), ("کیان", "kian"),
           ("شیرین", "shirin")],
}
_FEMALE_RU = {"olga", "natalia", "katya", "anna", "maria", "tanya", "yulia"}
_LAST = {
    "en": [(n, n) for n in ("Smith", "Johnson", "Brown", "Taylor", "Wilson", "Davies", "Evans", "Thomas",
                            "Walker", "Wright", "Clarke", "Hughes", "Patel", "Okafor", "Nguyen", "Murphy",
                            "OBrien", "Kelly", "Mensah", "Ali", "Cooper", "Reed", "Bell", "Ward", "Hill")],
    "es": [(n, n) for n in ("García", "Rodríguez", "Martínez", "López", "González", "Pérez", "Sánchez",
                            "Romero", "Torres", "Díaz", "Ruiz", "Morales", "Castro", "Vargas", "Herrera",
                            "Medina", "Rojas", "Silva")],
    "ru": [("Иванов", "ivanov"), ("Смирнов", "smirnov"), ("Кузнецов", "kuznetsov"), ("Попов", "popov"),
           ("Соколов", "sokolov"), ("Лебедев", "lebedev"), ("Козлов", "kozlov"), ("Новиков", "novikov"),
           ("Морозов", "morozov"), ("Волков", "volkov"), ("Павлов", "pavlov"), ("Фёдоров", "fedorov"),
           ("Орлов", "orlov")],
    "zh": [("王", "wang"), ("李", "li"), ("张", "zhang"), ("刘", "liu"), ("陈", "chen"), ("杨", "yang"),
           ("黄", "huang"), ("赵", "zhao"), ("吴", "wu"), ("周", "zhou"), ("徐", "xu"), ("孙", "sun"),
           ("马", "ma"), ("朱", "zhu"), ("胡", "hu"), ("郭", "guo"), ("林", "lin"), ("何", "he")],
    "fa": [("رضایی", "rezaei"), ("احمدی", "ahmadi"), ("محمدی", "mohammadi"), ("حسینی", "hosseini"),
           ("کریمی", "karimi"), ("موسوی", "mousavi"), ("جعفری", "jafari"), ("صادقی", "sadeghi"),
           ("رحیمی", "rahimi"), ("نوری", "nouri"), ("قاسمی", "ghasemi"), ("کاظمی", "kazemi")],
}
_BIOS = {
    "en": ("Coffee first.", "Dad. Runner. Bad jokes.", "Nurse | dog mum", "Teacher. Opinions my own.",
           "Music, football & politics", "Engineer who tweets too much", "Plant person 🌱",
           "Living one day at a time", "Journalism student", "Retired & loving it"),
    "es": ("Café y libros ☕", "Periodista en formación", "Madre, maestra y lectora",
           "Fútbol y política", "Ingeniero. Opiniones propias.", "Viajar es vivir ✈️"),
    "ru": ("Люблю кофе и книги", "Инженер. Мнение личное.", "Футбол и политика",
           "Мама двоих детей", "Путешествую при первой возможности"),
    "zh": ("热爱生活", "海外留学生", "程序员，偶尔发发牢骚", "喜欢旅行和美食", "观点仅代表个人"),
    "fa": ("عاشق کتاب و قهوه", "دانشجوی مهندسی", "معلم و مادر", "فوتبال و سیاست"),
}
_PLACES = {
    "en": ("London", "New York, NY", "Toronto", "Sydney", "Dublin", "Chicago, IL", "Manchester",
           "Seattle, WA", "Mumbai", "Lagos", "Nairobi", "Johannesburg", "Auckland", "Texas, USA"),
    "es": ("Madrid", "Barcelona", "Buenos Aires", "Ciudad de México", "Bogotá", "Lima", "Santiago",
           "Caracas", "Sevilla"),
    "ru": ("Москва", "Санкт-Петербург", "Казань", "Новосибирск", "Екатеринбург", "Минск"),
    "zh": ("New York", "Vancouver", "Sydney", "Singapore", "London", "Toronto", "墨尔本"),
    "fa": ("تهران", "مشهد", "اصفهان", "شیراز", "تبریز", "Toronto", "Los Angeles"),
}


def _ascii(s: str) -> str:
    return unicodedata.normalize("NFKD", s).encode("ascii", "ignore").decode().lower()


def timezone(rng: Random, lang: str) -> float:
    """A plausible UTC offset (hours) for an ordinary user writing in ``lang``."""
    return rng.choice(_TZ[lang])


def person(rng: Random, lang: str, taken: set[str]) -> tuple[str, str]:
    """An invented ``(handle, display name)`` for a user writing in ``lang``.

    The handle is ASCII letters/digits/underscore, at most 15 characters and not in ``taken``
    (compared lower-case; the caller adds it). Raises KeyError for an unknown ``lang``.
    """
    (fd, fl), (ld, ll) = rng.choice(_FIRST[lang]), rng.choice(_LAST[lang])
    fl, ll = _ascii(fl), _ascii(ll)
    if lang == "ru" and fl in _FEMALE_RU:
        ld, ll = ld + "а", ll + "a"
    if lang == "zh":
        display = rng.choice((ld + fd, f"{fl.title()} {ll.title()}", f"{ll}{fl}", ld + fd))
    elif lang in ("ru", "fa"):
        display = rng.choice((f"{fd} {ld}", f"{fd} {ld}", f"{fl.title()} {ll.title()}", fd))
    else:
        display = rng.choice((f"{fd} {ld}", f"{fd} {ld}", fd, f"{fd} {ld[0]}."))
    if rng.random() < 0.08:
        display += " " + rng.choice(("🌻", "✨", "🇺🇳", "⚽", "🎧", "📚"))
    patterns = ("{f}_{l}", "{f}{l}{d2}", "{f}_{l}{d3}", "{f}{d4}", "{l}_{f}", "{F}{L}", "{F}_{d2}",
                "{f}{l}")
    for attempt in range(1000):
        pat = rng.choice(patterns if attempt < 3 else patterns[1:4])
        handle = pat.format(f=fl, l=ll, F=fl.title(), L=ll.title(), d2=rng.randrange(10, 100),
                            d3=rng.randrange(100, 1000), d4=rng.randrange(1950, 2004))
        if attempt >= 10:
            handle += str(rng.randrange(10, 10_000))
        prefix, digits = re.fullmatch(r"(.*?)(\d*)", handle).groups()
        handle = prefix[: 15 - len(digits)].rstrip("_") + digits
        if handle.lower() not in taken:
            return handle, display
    raise RuntimeError("no free handle")  # pragma: no cover - 1000 collisions in a row


def bio(rng: Random, lang: str) -> str:
    """A short profile description in ``lang`` (empty for about a third of users)."""
    return "" if rng.random() < 0.33 else rng.choice(_BIOS[lang])


def place(rng: Random, lang: str) -> str:
    """A free-text profile location plausible for ``lang`` (empty for about 40% of users)."""
    return "" if rng.random() < 0.4 else rng.choice(_PLACES[lang])
