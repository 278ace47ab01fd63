"""Ordinary users' texts: everyday and pandemic chatter, link comments, reactions to the spokesperson,
and the link-sharing group's short comments. Built from slots so that texts rarely repeat exactly.
"""

from __future__ import annotations

from random import Random

from ioscope.demo.official import fill

_BODIES = {
    "en": ("just made {food} for the third time this week", "the {store} near me is out of {item} again",
           "{team} game postponed, what am I supposed to do on {weekday} now",
           "working from home with a {pet} who wants attention every {k} minutes",
           "finished {book} today, highly recommend", "my {rel} keeps sending me voice notes about {topic}",
           "walked around the block {k} times just to feel alive", "{city} is so quiet right now it's eerie",
           "please wash your hands and check on your elderly neighbours",
           "schools in {city} closed until {month}, parents hang in there",
           "new season of {show} and I have nothing else to do", "tried to order {item} online, delivery in {month} lol",
           "thank you to every nurse and doctor working in {city} tonight",
           "haven't seen my {rel} in {k} weeks and it's hard", "zoom call with the {group} went on for hours",
           "the queue outside the {store} this morning was unreal", "learning to bake bread. attempt number {k}: brick",
           "{city} weather is perfect and we can't go out"),
    "es": ("hoy hice {food} por tercera vez esta semana", "en {store} ya no queda {item}",
           "{city} está tan vacía que da miedo", "teletrabajando con un {pet} que pide atención cada {k} minutos",
           "aplausos a las 8 para todo el personal sanitario de {city} 👏",
           "{rel} me manda audios sobre {topic} cada hora", "día {k} de cuarentena: ya me sé de memoria {show}",
           "no veo a {rel} desde hace {k} semanas", "la cola en {store} esta mañana era eterna",
           "intenté comprar {item} por internet y llega en {month}", "qué ganas de volver a ver a {team}",
           "cuidad a vuestros mayores y lavaos las manos"),
    "ru": ("в магазине у дома опять нет {item}", "сегодня готовлю {food} уже третий раз за неделю",
           "на улицах {city} никого, непривычно", "работаю из дома, {pet} требует внимания каждые {k} минут",
           "{rel} каждый час присылает голосовые про {topic}", "досмотрел {show}, что посмотреть дальше?",
           "спасибо всем врачам {city} 🙏", "день {k} самоизоляции, соскучился по {miss}",
           "очередь в аптеку сегодня на полчаса", "доставка {item} онлайн — через две недели"),
    "zh": ("今天第{k}次做{food}了", "楼下超市的{item}又卖光了", "{city}街上空荡荡的，好不习惯",
           "在家办公，{pet}每隔{k}分钟就来捣乱", "{rel}每天给我转发{topic}的文章", "宅家第{k}天，追完了《{show}》",
           "向{city}所有医护人员致敬🙏", "好想念和朋友一起{act}的日子", "网上买{item}，要等到{month}才发货",
           "在线上课第{k}周，网速太慢了"),
    "fa": ("امروز برای بار سوم {food} پختم", "داروخانه محل دوباره {item} ندارد", "خیابان‌های {city} خیلی خلوت است",
           "دورکاری با {pet} که هر {k} دقیقه سر و صدا می‌کند", "روز {k} قرنطینه؛ دلم برای {miss} تنگ شده",
           "سپاس از همه پزشکان و پرستاران {city} 🙏", "{rel} هر روز پیام‌های {topic} می‌فرستد",
           "عید امسال بدون دید و بازدید 🌱", "سریال {show} را تمام کردم، پیشنهاد بعدی؟"),
}
_POOLS = {
    "en": {"food": ("pasta", "banana bread", "sourdough", "tacos", "curry", "pancakes", "chili", "soup", "lasagna"),
           "store": ("supermarket", "pharmacy", "corner shop", "Tesco", "Aldi", "Trader Joe's"),
           "item": ("toilet paper", "hand sanitizer", "flour", "eggs", "yeast", "paracetamol", "pasta"),
           "team": ("Arsenal", "the Lakers", "Liverpool", "the Yankees", "Celtic", "the Raptors"),
           "pet": ("cat", "dog", "parrot", "toddler"), "weekday": ("Saturdays", "Sundays", "Friday nights"),
           "book": ("The Plague", "Station Eleven", "Normal People", "Dune"),
           "rel": ("mum", "dad", "grandma", "sister", "brother", "aunt"),
           "topic": ("garlic", "5G", "lockdown rumours", "vitamin C", "the news"),
           "city": ("London", "New York", "Toronto", "Sydney", "Dublin", "Chicago", "Manchester", "Mumbai", "Lagos"),
           "month": ("May", "June", "September"), "show": ("Tiger King", "The Crown", "Money Heist", "The Office"),
           "group": ("family", "book club", "team", "uni friends")},
    "es": {"food": ("tortilla", "paella", "arepas", "empanadas", "lentejas", "bizcocho"),
           "store": ("el súper", "la farmacia", "el Mercadona", "el chino de la esquina"),
           "item": ("papel higiénico", "gel", "harina", "levadura", "mascarillas"),
           "city": ("Madrid", "Barcelona", "Buenos Aires", "Bogotá", "Lima", "Santiago", "Sevilla"),
           "pet": ("gato", "perro", "loro"), "rel": ("mi madre", "mi padre", "mi abuela", "mi tía"),
           "topic": ("el ajo", "el 5G", "la cuarentena", "la vitamina C"),
           "show": ("La casa de papel", "Élite", "Narcos", "Friends"), "month": ("mayo", "junio"),
           "team": ("al Betis", "a Boca", "al Atleti", "al Barça")},
    "ru": {"item": ("гречки", "туалетной бумаги", "антисептика", "муки", "масок", "дрожжей"),
           "food": ("борщ", "плов", "блины", "пельмени", "сырники"),
           "city": ("Москвы", "Петербурга", "Казани", "Новосибирска", "Екатеринбурга", "Минска"),
           "pet": ("кот", "пёс", "попугай", "ребёнок"), "rel": ("мама", "папа", "бабушка", "сестра", "тёща"),
           "topic": ("вирус", "чеснок", "карантин", "гречку", "новости"),
           "show": ("«Чернобыль»", "«Кухню»", "«Друзей»", "«Мир Дикого запада»"),
           "miss": ("кофейням", "футболу", "друзьям", "спортзалу")},
    "zh": {"food": ("饺子", "红烧肉", "蛋炒饭", "凉皮", "包子", "火锅"), "item": ("口罩", "消毒液", "卫生纸", "面粉", "鸡蛋"),
           "city": ("纽约", "伦敦", "温哥华", "悉尼", "多伦多", "新加坡", "墨尔本"), "pet": ("猫", "狗", "孩子"),
           "rel": ("妈妈", "爸爸", "姥姥", "姑姑"), "topic": ("养生", "板蓝根", "疫情", "囤货"),
           "show": ("庆余年", "鬼吹灯", "老友记", "安家"), "act": ("吃火锅", "打球", "逛街", "唱K"), "month": ("五月", "六月")},
    "fa": {"food": ("قورمه‌سبزی", "کوکو سبزی", "آش رشته", "ماکارونی", "عدس‌پلو"), "item": ("ماسک", "الکل", "دستکش", "ژل ضدعفونی"),
           "city": ("تهران", "مشهد", "اصفهان", "شیراز", "تبریز", "کرج"), "pet": ("گربه", "بچه", "طوطی"),
           "miss": ("دوستانم", "کافه", "کوه", "خانواده"), "rel": ("مادرم", "پدرم", "خاله‌ام"),
           "topic": ("درمان خانگی", "اخبار کرونا", "دعا"), "show": ("شهرزاد", "پایتخت", "فرندز")},
}
_OPENERS = {"en": ("", "", "", "Honestly", "Ok so", "Update:", "PSA:", "lol", "Ugh,", "Good morning!"),
            "es": ("", "", "", "Bueno,", "Uf,", "¡Buenos días!", "Jajaja"),
            "ru": ("", "", "", "Итак,", "Доброе утро!", "Эх,", "Короче,"),
            "zh": ("", "", "", "唉，", "早上好！", "说真的，", "哈哈，"),
            "fa": ("", "", "", "سلام!", "راستش", "خب،")}
_CLOSERS = {"en": ("", "", "😅", "🙏", "😷", "💪", "lol", "smh", "#StayHome", "#COVID19", "#coronavirus"),
            "es": ("", "", "😅", "🙏", "😷", "💪", "#QuédateEnCasa", "#COVID19", "#coronavirus"),
            "ru": ("", "", "😅", "🙏", "😷", "#оставайтесьдома", "#коронавирус", "#COVID19"),
            "zh": ("", "", "😅", "🙏", "😷", "#新冠肺炎", "#宅家"),
            "fa": ("", "", "🙏", "😷", "#در_خانه_بمانیم", "#کرونا")}
_LINK_COMMENTS = {"en": ("This is worrying.", "Good explainer.", "Read this.", "Important read:", "Stay safe everyone.",
                         "Numbers keep climbing.", "Finally some good news.", "Wow.", "Thread-worthy:"),
                  "es": ("Preocupante.", "Muy buen resumen.", "Lean esto.", "Cuídense mucho.", "Por fin buenas noticias."),
                  "ru": ("Тревожно.", "Хорошее объяснение.", "Почитайте.", "Берегите себя.", "Наконец хорошие новости."),
                  "zh": ("令人担忧。", "解释得很清楚。", "值得一读。", "大家保重。", "终于有好消息了。"),
                  "fa": ("نگران‌کننده است.", "توضیح خوبی است.", "حتماً بخوانید.", "مراقب خودتان باشید.")}


def ordinary_text(rng: Random, lang: str) -> str:
    """An ordinary user's everyday/pandemic post in ``lang`` (en, es, ru, zh, fa), unescaped, with
    optional opener, emoji and hashtag. Raises KeyError for another language."""
    body = fill(rng, rng.choice(_BODIES[lang]), _POOLS[lang], lang)
    opener, closer = rng.choice(_OPENERS[lang]), rng.choice(_CLOSERS[lang])
    if lang == "zh":
        return opener + body + (" " + closer if closer else "")
    if lang in ("en", "es") and (not opener or opener[-1] in "!:."):
        body = body[0].upper() + body[1:]
    return " ".join(p for p in (opener, body, closer) if p)


def link_comment(rng: Random, lang: str) -> str:
    """A short comment to go with a shared news link (may be empty)."""
    return "" if rng.random() < 0.15 else rng.choice(_LINK_COMMENTS[lang])


def und_text(rng: Random) -> str:
    """A post without language (``lang: und``): emoji only."""
    return "".join(rng.choices(("😷", "🙏", "😂", "💔", "🏠", "🧻", "👏", "🤦"), k=rng.randint(1, 4)))


_REACTIONS = {
    "critical": {"en": ("This is a conspiracy theory with zero evidence.", "Source? This has been debunked.",
                        "A government spokesperson spreading this is shameful.", "Nope. Read the fact-checks.",
                        "Deflecting much?", "Disinformation, plain and simple."),
                 "es": ("Esto es una teoría conspirativa sin pruebas.", "¿Fuente? Ya fue desmentido."),
                 "ru": ("Это теория заговора без доказательств.", "Источник? Это уже опровергли."),
                 "zh": ("毫无证据的阴谋论。", "请拿出证据，这早就被辟谣了。"),
                 "fa": ("این یک تئوری توطئه بدون مدرک است.", "منبع؟ این ادعا رد شده است.")},
    "supportive": {"en": ("Good questions. The US should answer.", "Finally someone says it.",
                          "Thank you for speaking the truth."),
                   "es": ("Buenas preguntas. EE. UU. debe responder.", "¡Por fin alguien lo dice!"),
                   "ru": ("Правильные вопросы!", "Наконец-то кто-то это сказал."),
                   "zh": ("问得好！", "说出了真相。"),
                   "fa": ("پرسش‌های درستی است.", "بالاخره کسی این را گفت.")},
    "neutral": {"en": ("Interesting.", "What do the scientists say?", "Wow.", "Following this."),
                "es": ("Interesante.", "¿Qué dicen los científicos?"), "ru": ("Интересно.", "Что говорят учёные?"),
                "zh": ("有意思。", "科学家怎么说？"), "fa": ("جالب است.", "دانشمندان چه می‌گویند؟")},
}


def reaction(rng: Random, lang: str) -> tuple[str, str]:
    """An ordinary user's reply/quote comment on the spokesperson's post: ``(stance, text)``, stance
    ``critical`` (55%), ``supportive`` (20%) or ``neutral`` (25%). Not narrative text."""
    stance = rng.choices(("critical", "supportive", "neutral"), weights=(55, 20, 25))[0]
    return stance, rng.choice(_REACTIONS[stance][lang])


def everyday_reply(rng: Random, lang: str) -> str:
    """A short generic reply ("Same here", "¡Totalmente!", …) in ``lang``."""
    pools = {"en": ("Same here 😂", "So true", "Stay safe!", "This.", "Agreed", "Haha exactly", "Sending love ❤️"),
             "es": ("¡Totalmente!", "Igual aquí 😂", "Cuídate mucho", "Jajaja sí"),
             "ru": ("Точно!", "У меня так же 😂", "Берегите себя"), "zh": ("同感😂", "说得对", "保重！"),
             "fa": ("دقیقاً!", "منم همین‌طور 😂", "مراقب باش")}
    return rng.choice(pools[lang])


_COLINK = {"en": ("Must read", "Read this before it gets deleted", "They won't show this on the news",
                  "Interesting piece", "Food for thought", "Share widely", "Read and decide for yourself",
                  "Worth your time", "Finally someone writes about this", "Wake up people", "Look at this",
                  "The questions nobody asks"),
           "ru": ("Обязательно к прочтению", "Читайте, пока не удалили", "Об этом не расскажут по ТВ",
                  "Интересный материал", "Есть над чем подумать", "Распространите", "Читайте и делайте выводы",
                  "Вот это поворот", "Смотрите, что пишут", "Вопросы, которые никто не задаёт")}
_COLINK_END = ("", ".", "!", " 👇", "!!", "…", " 🤔", " ⚠️")


def colink_comment(rng: Random, lang: str, used: set[str]) -> str:
    """A short generic comment (en or ru) for the link-sharing group, not in ``used`` (added to it)."""
    for _ in range(50):
        text = rng.choice(_COLINK[lang]) + rng.choice(_COLINK_END)
        if text not in used:
            break
    used.add(text)
    return text
