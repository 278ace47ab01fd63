"""Non-narrative texts of state accounts (diplomatic chatter, state-media headlines) and the URLs the
scenario links: state media's own sites, mainstream news, low-credibility sites. All paths invented.
"""

from __future__ import annotations

import re
from datetime import datetime, timezone
from random import Random

_FA_DIGITS = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")
_NUMBERS = {"n": (120, 4800), "pct": (3, 19), "day": (1, 28), "k": (2, 39)}


def fill(rng: Random, template: str, pools: dict[str, tuple[str, ...]], lang: str = "en") -> str:
    """Replace each ``{slot}`` of ``template`` by a random choice from ``pools[slot]``; ``{n}`` is a
    number 120–4,800, ``{pct}`` 3–19, ``{day}`` 1–28 and ``{k}`` 2–39 (Persian digits when ``lang == "fa"``). Raises KeyError for a
    slot without a pool."""
    def pick(m: re.Match[str]) -> str:
        slot = m.group(1)
        if slot in _NUMBERS:
            lo, hi = _NUMBERS[slot]
            v = str(rng.randint(lo, hi))
            return v.translate(_FA_DIGITS) if lang == "fa" else v
        return rng.choice(pools[slot])
    return re.sub(r"\{(\w+)\}", pick, template)


_OFFICIAL = {
    "en": (
        "The Ambassador met with representatives of {org} to discuss cooperation in {sector}.",
        "Delighted to attend the {event} in {city} today. People-to-people exchanges matter.",
        "Our country and {partner} signed an MoU on {sector} cooperation today.",
        "Bilateral trade grew {pct}% last year. Win-win cooperation!",
        "A wonderful evening of {art} at the embassy. Thank you to all our friends!",
        "Spring is coming to the embassy garden 🌸",
        "Our consular section will be closed on {weekday}. Please plan ahead.",
        "Statement on {topic}: we firmly oppose any interference in our internal affairs.",
        "Congratulations to our friends in {partner} on their National Day!",
        "Scholarship applications for the 2020/21 academic year are now open. Deadline: {month} {day}.",
        "Q&A with students from {uni} on our history & culture. Great questions!",
        "The Minister held a phone call with the foreign minister of {partner}.",
    ),
    "zh": (
        "大使会见{org}代表，就{sector}合作深入交换意见。",
        "今天出席在{city}举办的{event}，人文交流意义重大。",
        "中国同{partner}签署{sector}领域合作谅解备忘录。",
        "去年双边贸易额增长{pct}%，互利共赢！",
        "使馆花园春意渐浓 🌸",
        "领事部{weekday}暂停对外办公，请提前安排。",
        "就{topic}问题表明立场：坚决反对任何外部势力干涉中国内政。",
        "祝{partner}朋友们国庆节快乐！",
        "2020/21学年中国政府奖学金开始申请，截止日期为{month}{day}日。",
        "与{uni}的学生座谈，介绍中国历史文化，大家提问非常踊跃。",
    ),
    "ru": (
        "Посол встретился с представителями {org} и обсудил сотрудничество в сфере {sector}.",
        "Сегодня приняли участие в открытии выставки «{expo}» в городе {city}.",
        "Товарооборот между нашими странами вырос за прошлый год на {pct}%.",
        "Консульский отдел не будет работать в {weekday}. Просим планировать визиты заранее.",
        "Поздравляем друзей из {partner} с национальным праздником!",
        "Заявление министерства иностранных дел по вопросу {topic}.",
        "Прекрасный вечер {art} в посольстве. Спасибо всем гостям!",
        "Открыт приём заявок на государственные стипендии на 2020/21 учебный год.",
        "Министр провёл телефонный разговор с коллегой из {partner}.",
    ),
    "fa": (
        "سفیر با نمایندگان {org} درباره همکاری در زمینه {sector} گفتگو کرد.",
        "امروز در {event} در {city} شرکت کردیم؛ تبادل فرهنگی اهمیت زیادی دارد.",
        "حجم تجارت دو کشور در سال گذشته {pct} درصد رشد کرد.",
        "بخش کنسولی روز {weekday} تعطیل است. لطفاً برنامه‌ریزی کنید.",
        "بیانیه وزارت امور خارجه درباره {topic}.",
        "نوروز بر همه دوستان و هموطنان مبارک! 🌱",
        "وزیر امور خارجه با وزیر خارجه {partner} تلفنی گفتگو کرد.",
        "شب شعر و موسیقی سنتی در سفارت؛ از همه مهمانان سپاسگزاریم.",
    ),
    "es": (
        "El embajador se reunió con representantes de {org} para hablar de cooperación en {sector}.",
        "Hoy participamos en {event} en {city}. ¡El intercambio cultural nos une!",
        "El comercio bilateral creció un {pct}% el año pasado. ¡Cooperación en la que todos ganan!",
        "La sección consular permanecerá cerrada el {weekday}. Les pedimos planificar sus trámites.",
        "¡Felicidades a nuestros amigos de {partner} en su día nacional!",
        "Declaración sobre {topic}: rechazamos toda injerencia en nuestros asuntos internos.",
        "Abiertas las becas para el curso 2020/21. Plazo hasta el {day} de {month}.",
        "Una velada maravillosa de {art} en la embajada. ¡Gracias a todos!",
        "Charla con estudiantes de {uni}. ¡Excelentes preguntas!",
    ),
}
_OFFICIAL_POOLS = {
    "en": {"org": ("the Chamber of Commerce", "local business leaders", "a parliamentary friendship group",
                   "the Red Cross", "university rectors"),
           "sector": ("energy", "agriculture", "education", "tourism", "public health", "infrastructure",
                      "the digital economy"),
           "event": ("food festival", "film week", "photo exhibition", "trade fair", "youth forum"),
           "city": ("Paris", "London", "Nairobi", "Lahore", "Cape Town", "New Delhi", "Washington"),
           "partner": ("Pakistan", "Kenya", "Serbia", "Argentina", "Cambodia", "Ethiopia", "Hungary"),
           "art": ("traditional music", "calligraphy", "ballet", "folk dance", "poetry"),
           "weekday": ("Monday", "Wednesday", "Friday"), "month": ("May", "June"),
           "uni": ("the University of Nairobi", "a local university", "the Academy of Sciences")},
    "zh": {"org": ("当地商会", "议会友好小组", "农业部", "红十字会", "大学校长代表团"),
           "sector": ("能源", "农业", "教育", "旅游", "公共卫生", "基础设施", "数字经济"),
           "event": ("美食节", "电影周", "摄影展", "贸易博览会", "青年论坛"),
           "city": ("巴黎", "伦敦", "内罗毕", "拉合尔", "开普敦", "莫斯科", "德黑兰"),
           "partner": ("巴基斯坦", "肯尼亚", "塞尔维亚", "阿根廷", "柬埔寨", "埃塞俄比亚", "匈牙利"),
           "weekday": ("周一", "周三", "周五"), "month": ("5月", "6月"), "uni": ("当地大学", "孔子学院")},
    "ru": {"org": ("торговой палаты", "делового сообщества", "парламентской группы дружбы",
                   "ведущих университетов"),
           "sector": ("энергетики", "образования", "сельского хозяйства", "туризма", "здравоохранения"),
           "expo": ("Шёлковый путь", "Культура без границ", "Друзья навсегда"),
           "city": ("Москва", "Лондон", "Йоханнесбург", "Мехико", "Вашингтон"),
           "weekday": ("понедельник", "среду", "пятницу"),
           "partner": ("Сербии", "Венесуэлы", "Индии", "Египта", "Турции", "Никарагуа"),
           "art": ("классической музыки", "народного танца", "поэзии", "национальной кухни")},
    "fa": {"org": ("اتاق بازرگانی", "گروه دوستی پارلمانی", "دانشگاه‌های برتر", "فعالان اقتصادی"),
           "sector": ("انرژی", "کشاورزی", "آموزش", "گردشگری", "سلامت"),
           "event": ("نمایشگاه عکس", "جشنواره فیلم", "هفته فرهنگی", "نمایشگاه کتاب"),
           "city": ("لندن", "مسکو", "کاراکاس", "تهران"), "weekday": ("شنبه", "دوشنبه", "چهارشنبه"),
           "partner": ("چین", "روسیه", "ونزوئلا", "عراق", "ترکیه", "سوریه")},
    "es": {"org": ("la Cámara de Comercio", "empresarios locales", "el grupo parlamentario de amistad",
                   "la Cruz Roja"),
           "sector": ("energía", "agricultura", "educación", "turismo", "salud pública", "infraestructura"),
           "event": ("el festival gastronómico", "la semana de cine", "la feria del libro",
                     "una exposición fotográfica"),
           "city": ("Buenos Aires", "Ciudad de México", "Caracas", "Rosario", "Guadalajara", "Maracaibo"),
           "partner": ("Bolivia", "Nicaragua", "Cuba", "Argentina", "Venezuela", "Uruguay"),
           "weekday": ("lunes", "miércoles", "viernes"), "month": ("mayo", "junio"),
           "art": ("música tradicional", "danza folclórica", "poesía"),
           "uni": ("la Universidad de Buenos Aires", "la UNAM", "una universidad local")},
}
_TOPICS = {
    "CN": {"en": ("Hong Kong", "Xinjiang", "Taiwan", "the South China Sea"), "zh": ("涉港", "涉疆", "台湾", "南海"),
           "ru": ("Гонконга", "Синьцзяна", "Тайваня"), "fa": ("تایوان", "هنگ کنگ"),
           "es": ("Hong Kong", "Taiwán", "Xinjiang")},
    "RU": {"en": ("Crimea", "NATO expansion", "unilateral sanctions"), "ru": ("Крыма", "расширения НАТО",
           "односторонних санкций"), "es": ("Crimea", "la expansión de la OTAN", "las sanciones"),
           "fa": ("کریمه",), "zh": ("克里米亚",)},
    "IR": {"en": ("the nuclear deal", "unilateral US sanctions"), "fa": ("برجام", "تحریم‌های یکجانبه آمریکا"),
           "ru": ("ядерной сделки", "односторонних санкций США"),
           "es": ("el acuerdo nuclear", "las sanciones de EE. UU."), "zh": ("伊核协议",)},
}


_EMBASSY_WORDS = ("embassy", "consular", "使馆", "领事", "посольств", "Консульский", "سفارت", "کنسولی",
                  "embajada", "consular", "Ambassador", "大使", "Посол", "سفیر", "embajador")


def official_text(rng: Random, lang: str, country: str, *, embassy: bool = True) -> str:
    """Non-narrative diplomatic chatter in ``lang`` by an account of ``country`` (CN, RU, IR);
    ``embassy=False`` leaves out texts that only an embassy would post."""
    pools = dict(_OFFICIAL_POOLS[lang], topic=_TOPICS[country][lang])
    templates = [t for t in _OFFICIAL[lang] if embassy or not any(w in t for w in _EMBASSY_WORDS)]
    return fill(rng, rng.choice(templates), pools, lang)


_NEWS = {
    "en": ("{country} reports {n} new cases as {measure}", "Global stocks {move} amid coronavirus fears",
           "Oil prices {move} after OPEC+ talks", "{country} extends lockdown until {month} {day}",
           "Photos: empty streets in {city} as residents stay home",
           "Live: {org} press briefing on the outbreak",
           "Scientists in {country} race to develop a vaccine: what we know so far", "{city} marathon postponed",
           "Explainer: how {explain}", "{company} posts quarterly loss as demand slumps by {pct}%",
           "Football: {league} suspended until further notice", "{city}: {n} volunteers deliver food to the elderly",
           "{country} to reopen {place} from {month} {day}, officials say"),
    "zh": ("{country}新增确诊病例{n}例，{measure}", "全球股市{move}", "欧佩克+会谈后国际油价{move}",
           "{country}宣布延长封锁措施至{month}", "组图：{city}街头空无一人", "直播：{org}第{k}场新闻发布会",
           "{league}宣布暂停所有比赛", "{city}{n}名志愿者为老人送餐", "{country}{month}起逐步重开{place}"),
    "ru": ("В {country} выявили {n} новых случаев заражения", "Мировые фондовые рынки {move} на фоне пандемии",
           "Цены на нефть {move} после переговоров ОПЕК+", "{cnom} продлевает карантин до {date}",
           "Фоторепортаж: опустевшие улицы {city}", "Прямая трансляция: брифинг {org} о ситуации с коронавирусом",
           "Чемпионат {league} приостановлен до особого распоряжения",
           "{n} волонтёров доставляют продукты пожилым жителям {city}"),
    "fa": ("{country} {n} مورد جدید ابتلا به کرونا را گزارش کرد", "بازار جهانی سهام {move}",
           "قیمت نفت پس از نشست اوپک پلاس {move}", "{country} قرنطینه را تا {date} تمدید کرد",
           "گزارش تصویری: خیابان‌های خلوت {city}", "پخش زنده: نشست خبری {org} درباره کرونا",
           "{n} داوطلب در {city} به سالمندان غذا می‌رسانند"),
    "es": ("{country} registra {n} nuevos casos de coronavirus", "Las bolsas mundiales {move} por el temor al virus",
           "El precio del petróleo {movesg} tras la reunión de la OPEP+", "{country} extiende la cuarentena hasta {date}",
           "Fotos: calles vacías en {city} mientras los vecinos se quedan en casa",
           "En vivo: rueda de prensa de {org} sobre el brote", "{league} suspendida hasta nuevo aviso",
           "{n} voluntarios reparten comida a los mayores en {city}"),
}
_NEWS_POOLS = {
    "en": {"country": ("Italy", "Spain", "Germany", "France", "Iran", "the US", "Brazil", "Turkey", "South Korea"),
           "measure": ("hospitals come under strain", "testing expands", "schools close", "borders shut"),
           "move": ("tumble", "rebound", "slide", "edge higher"), "month": ("April", "May"),
           "city": ("Milan", "Madrid", "New York", "Paris", "Seoul", "Tehran", "Moscow", "Beijing"),
           "org": ("WHO", "the health ministry", "the city government"),
           "company": ("Airline group", "Carmaker", "Hotel chain", "Retail giant", "Chipmaker", "Cruise operator"),
           "explain": ("ventilators work", "PCR tests work", "the virus spreads indoors", "masks filter droplets",
                       "herd immunity works", "antibody tests differ", "lockdowns flatten the curve"),
           "place": ("schools", "shops", "parks", "factories", "borders", "restaurants"),
           "league": ("Serie A", "La Liga", "the Premier League", "the Bundesliga")},
    "zh": {"country": ("意大利", "西班牙", "德国", "法国", "伊朗", "美国", "韩国", "英国"),
           "measure": ("医疗系统承压", "检测范围扩大", "学校停课"), "move": ("大幅下跌", "强劲反弹", "小幅走高"),
           "month": ("4月底", "5月中旬"), "city": ("米兰", "马德里", "纽约", "巴黎", "首尔"),
           "org": ("国务院联防联控机制", "国家卫健委"), "league": ("意甲", "西甲", "英超"),
           "place": ("学校", "商店", "公园", "工厂")},
    "ru": {"country": ("Италии", "Испании", "Германии", "Франции", "Иране", "США", "Бразилии", "Турции"),
           "cnom": ("Италия", "Испания", "Германия", "Франция", "Великобритания"),
           "move": ("обвалились", "восстановились", "снизились", "выросли"),
           "date": ("конца апреля", "середины мая", "1 мая"), "city": ("Милана", "Мадрида", "Нью-Йорка", "Парижа", "Москвы"),
           "org": ("оперштаба", "Минздрава", "ВОЗ"), "league": ("Италии", "Испании", "Англии", "Германии")},
    "fa": {"country": ("ایتالیا", "اسپانیا", "آلمان", "فرانسه", "آمریکا", "ترکیه", "کره جنوبی"),
           "move": ("سقوط کرد", "بهبود یافت", "کاهش یافت", "افزایش یافت"),
           "date": ("پایان اردیبهشت", "اواسط اردیبهشت"), "city": ("میلان", "مادرید", "نیویورک", "پاریس", "تهران"),
           "org": ("وزارت بهداشت", "ستاد ملی مقابله با کرونا", "سازمان جهانی بهداشت")},
    "es": {"country": ("Italia", "España", "Alemania", "Francia", "Irán", "EE. UU.", "Brasil", "México"),
           "move": ("se desploman", "repuntan", "caen", "suben"), "movesg": ("se desploma", "repunta", "cae", "sube"),
           "date": ("finales de abril", "mediados de mayo"), "city": ("Milán", "Madrid", "Nueva York", "París", "Caracas"),
           "org": ("la OMS", "el Ministerio de Salud"), "league": ("La Liga", "La Serie A", "La Premier League")},
}


def news_headline(rng: Random, lang: str) -> str:
    """A non-narrative state-media headline in ``lang``."""
    return fill(rng, rng.choice(_NEWS[lang]), _NEWS_POOLS[lang], lang)


_SLUG = ("virus", "outbreak", "cases", "markets", "oil", "lockdown", "hospital", "vaccine", "city", "week",
         "update", "world", "health", "trade", "talks", "response", "experts", "streets", "economy", "data")


def _slug(rng: Random, k: int = 4) -> str:
    return "-".join(rng.sample(_SLUG, k))


def _ymd(ms: int) -> datetime:
    return datetime.fromtimestamp(ms // 1000, tz=timezone.utc)


def own_site_url(rng: Random, domain: str, ms: int, lang: str) -> str:
    """An article URL on a state outlet's own ``domain`` (news.cgtn.com, xinhuanet.com, globaltimes.cn,
    rt.com, sputniknews.com, presstv.ir, irna.ir) dated at ``ms``. Raises KeyError for another domain."""
    d, s = _ymd(ms), _slug(rng)
    code = "".join(rng.choices("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", k=10))
    return {
        "news.cgtn.com": lambda: f"https://news.cgtn.com/news/{d:%Y-%m-%d}/{s.title()}-{code}/index.html",
        "xinhuanet.com": lambda: (f"http://www.xinhuanet.com/{'world' if lang == 'zh' else 'english'}/"
                                  f"{d:%Y-%m}/{d:%d}/c_{rng.randrange(138_000_000, 139_000_000)}.htm"),
        "globaltimes.cn": lambda: f"https://www.globaltimes.cn/content/{rng.randrange(1178000, 1187000)}.shtml",
        "rt.com": lambda: (f"https://actualidad.rt.com/actualidad/{rng.randrange(344000, 351000)}-{s}"
                           if lang == "es" else f"https://www.rt.com/news/{rng.randrange(481000, 487000)}-{s}/"),
        "sputniknews.com": lambda: f"https://sputniknews.com/world/{d:%Y%m%d}{rng.randrange(10**9, 10**10)}-{s}/",
        "presstv.ir": lambda: f"https://www.presstv.ir/Detail/{d:%Y/%m/%d}/{rng.randrange(620000, 624000)}/{s.title()}",
        "irna.ir": lambda: f"https://www.irna.ir/news/{rng.randrange(83690000, 83760000)}/",
    }[domain]()


_MAINSTREAM = {
    "en": ("reuters", "bbc", "apnews", "guardian"), "es": ("elpais", "bbcmundo", "clarin"),
    "ru": ("rbc", "meduza", "bbcrussian"), "zh": ("bbczh", "dwzh", "zaobao"),
    "fa": ("bbcpersian", "radiofarda"),
}


def mainstream_url(rng: Random, lang: str, ms: int) -> str:
    """A mainstream-news article URL (reuters.com, bbc.co.uk, apnews.com, elpais.com, rbc.ru, …) for a
    reader of ``lang``, dated at ``ms``."""
    d, s = _ymd(ms), _slug(rng)
    hexs = "".join(rng.choices("0123456789abcdef", k=24))
    outlet = rng.choice(_MAINSTREAM[lang])
    n8 = rng.randrange(51_000_000, 52_900_000)
    return {
        "reuters": f"https://www.reuters.com/article/us-health-coronavirus-{s}/{s}-idUSKBN2{hexs[:5].upper()}",
        "bbc": f"https://www.bbc.co.uk/news/{rng.choice(('world', 'uk', 'health'))}-{n8}",
        "apnews": f"https://apnews.com/{hexs}{hexs[:8]}",
        "guardian": f"https://www.theguardian.com/world/{d:%Y/%b/%d}".lower() + f"/{s}",
        "elpais": f"https://elpais.com/sociedad/{d:%Y-%m-%d}/{s}.html",
        "bbcmundo": f"https://www.bbc.com/mundo/noticias-{n8}",
        "clarin": f"https://www.clarin.com/sociedad/{s}_0_{hexs[:9]}.html",
        "rbc": f"https://www.rbc.ru/society/{d:%d/%m/%Y}/{hexs}",
        "meduza": f"https://meduza.io/news/{d:%Y/%m/%d}/{s}",
        "bbcrussian": f"https://www.bbc.com/russian/news-{n8}",
        "bbczh": f"https://www.bbc.com/zhongwen/simp/world-{n8}",
        "dwzh": f"https://www.dw.com/zh/{s}/a-{n8}",
        "zaobao": f"https://www.zaobao.com.sg/realtime/world/story{d:%Y%m%d}-{rng.randrange(1040000, 1050000)}",
        "bbcpersian": f"https://www.bbc.com/persian/iran-{n8}",
        "radiofarda": f"https://www.radiofarda.com/a/{s}/{rng.randrange(30480000, 30590000)}.html",
    }[outlet]


SPOKESPERSON_URL = "https://www.globalresearch.ca/covid-19-further-evidence-virus-originated-us/5799901"
"""The conspiracy article the spokesperson links (invented path on www.globalresearch.ca)."""

CONSPIRACY_URLS = (
    "https://www.globalresearch.ca/fort-detrick-closure-unanswered-questions/5800412",
    "https://www.strategic-culture.org/news/pentagon-biolabs-and-the-pandemic/",
    "https://southfront.org/military-world-games-wuhan-what-we-know/",
    "https://www.veteranstoday.com/the-fort-detrick-timeline/",
    "https://news-front.info/biolaboratorii-ssha-i-pandemiya/",
    "https://www.fort-russ.com/vaping-illness-or-covid-19/",
    "https://katehon.com/article/biological-war-scenario",
    "https://www.mintpressnews.com/cdc-flu-deaths-covid-question/266412/",
    "https://off-guardian.org/patient-zero-was-american/",
    "https://21stcenturywire.com/the-lab-origin-nobody-asks-about/",
    "https://www.globalresearch.ca/us-biolabs-around-the-world/5801234",
    "https://southfront.org/who-is-hiding-the-origin/",
)
"""Low-credibility articles (invented paths) pushed by the link-sharing group, one per burst, and
occasionally linked by N1 posts."""
