"""Narrative texts of the demo: N1 (US origin of the virus), N2 (China contained it), the planted
debunked claim, the copypasta templates and amplifiers' quote comments.

Texts are unescaped plain text; ``#tags`` and ``@handles`` in them become entities when composed (a
hashtag must be preceded by a space or start the text, and followed by a space or the end). Templates
are paraphrases per language in the original script (Simplified Chinese for ``zh``), not word-for-word
translations.
"""

from __future__ import annotations

from random import Random

NARRATIVES = {
    "N1": "The virus came from the US (US army, Fort Detrick, a US lab)",
    "N2": "China contained the virus: proof that its system works",
}
"""Narrative id -> short name."""

N1: dict[str, tuple[str, ...]] = {
    "en": (
        "Why won't the US explain what happened at Fort Detrick in July 2019? The world deserves answers on the origin of the virus.",
        "When did patient zero appear in the US? How many people are infected? What are the names of the hospitals?",
        "More and more evidence points to a US origin of the virus. Washington owes the world an explanation.",
        "The US military lab at #FortDetrick was shut down months before the outbreak. Coincidence?",
        "US CDC admitted some 'flu' deaths may have been #COVID19. So where did it really start?",
        "Stop blaming China. Ask the US Army what its delegation brought to Wuhan in October 2019.",
        "Hundreds of 'vaping lung disease' cases in the US last autumn. Were they COVID-19 all along?",
        "The virus did not necessarily originate in Wuhan. Scientists should trace its US roots.",
        "Open Fort Detrick to international investigators. What is Washington hiding?",
        "Calling it the 'Chinese virus' is how US politicians cover up their own failures & the virus's real origin.",
        "200+ US biolabs around the world and not a single question from the Western press?",
    ),
    "zh": (
        "美方应当公开德特里克堡生物实验室去年7月关闭的真相，给世界一个交代。",
        "美国的零号病人是什么时候出现的？有多少人被感染？医院的名字是什么？请美方公开数据！",
        "越来越多的证据表明，病毒未必起源于中国。美国需要作出解释。",
        "去年秋天美国出现大量“电子烟肺炎”病例，到底是不是新冠肺炎？",
        "美国疾控中心承认部分“流感”死亡病例实际是新冠肺炎。病毒的源头到底在哪里？",
        "2019年10月美军代表团来武汉参加军运会，这难道只是巧合吗？",
        "不要再甩锅中国了。病毒溯源应当查一查美国的生物实验室。",
        "为什么美国迟迟不让国际社会调查德特里克堡？他们究竟在隐瞒什么？",
        "把新冠病毒叫作“中国病毒”，是为了掩盖美国自身的失职和病毒的真实来源。",
        "多国专家指出，新冠病毒可能早在武汉之前就已经在美国传播。",
    ),
    "ru": (
        "Почему США молчат о закрытии лаборатории в Форт-Детрике летом 2019 года? Мир ждёт ответов.",
        "Когда в США появился «нулевой пациент»? Сколько людей заражено? Вашингтон должен раскрыть данные.",
        "Всё больше фактов указывают на американское происхождение вируса.",
        "Американские военные приезжали в Ухань на Всемирные военные игры в октябре 2019 года. Совпадение?",
        "CDC признал, что часть смертей от «гриппа» в США могла быть вызвана коронавирусом. Так где же он появился?",
        "Хватит обвинять Китай. Пусть Пентагон объяснит, чем занимаются его биолаборатории.",
        "Сотни случаев «болезни вейперов» в США прошлой осенью. А может, это и был COVID-19?",
        "Называя коронавирус «китайским», американские политики скрывают собственные провалы.",
        "Сеть американских биолабораторий по всему миру — вот о чём стоит задуматься. #коронавирус",
        "Эксперты: вирус мог циркулировать в США задолго до вспышки в Ухане.",
    ),
    "fa": (
        "چرا آمریکا درباره تعطیلی آزمایشگاه فورت دیتریک در تابستان ۲۰۱۹ سکوت کرده است؟ جهان منتظر پاسخ است.",
        "بیمار صفر در آمریکا چه زمانی پیدا شد؟ چند نفر مبتلا شده‌اند؟ واشنگتن باید داده‌ها را منتشر کند.",
        "شواهد بیشتری نشان می‌دهد که ویروس کرونا منشأ آمریکایی دارد.",
        "نظامیان آمریکایی در مهر ۱۳۹۸ برای بازی‌های جهانی نظامیان به ووهان رفتند. آیا این تصادف است؟",
        "مرکز کنترل بیماری آمریکا پذیرفت که برخی مرگ‌های «آنفلوآنزا» در واقع کرونا بوده است.",
        "دست از متهم کردن چین بردارید؛ آزمایشگاه‌های بیولوژیک ارتش آمریکا را بررسی کنید.",
        "آمریکا با اصطلاح «ویروس چینی» می‌خواهد ناکامی خود و منشأ واقعی ویروس را پنهان کند.",
        "چرا فورت دیتریک به روی بازرسان بین‌المللی باز نمی‌شود؟ واشنگتن چه چیزی را پنهان می‌کند؟",
        "کرونا ممکن است یک سلاح بیولوژیک آمریکایی باشد؛ پرسش‌هایی که باید پاسخ داده شوند.",
        "کارشناسان: ویروس ممکن است ماه‌ها پیش از ووهان در آمریکا در گردش بوده باشد.",
    ),
    "es": (
        "¿Por qué EE. UU. no explica el cierre del laboratorio de Fort Detrick en julio de 2019? El mundo merece respuestas.",
        "¿Cuándo apareció el paciente cero en EE. UU.? ¿Cuántos están infectados? Washington debe publicar sus datos.",
        "Cada vez más indicios apuntan a que el virus no se originó en China.",
        "Militares estadounidenses estuvieron en Wuhan en octubre de 2019. ¿Casualidad?",
        "Los CDC admitieron que algunas muertes por «gripe» en EE. UU. podrían haber sido COVID-19.",
        "Basta de culpar a China. Que el Pentágono explique qué pasa en sus laboratorios biológicos.",
        "Llamarlo «virus chino» es la forma en que Washington oculta su propio fracaso.",
        "Expertos: el virus pudo circular en EE. UU. meses antes del brote de Wuhan.",
        "¿Qué esconde Fort Detrick? Hace falta una investigación internacional y transparente.",
    ),
}

N2: dict[str, tuple[str, ...]] = {
    "en": (
        "China's decisive measures bought the world precious time to prepare. #ChinaFightsVirus",
        "Wuhan's sacrifice protected the world. 1.4 billion people have shown what solidarity means.",
        "Under strong leadership, China has basically curbed the spread of the epidemic at home.",
        "Two hospitals built in ten days. Only a system like China's can mobilise like this. 💪",
        "WHO experts: China's response set a new standard for fighting an outbreak.",
        "No new local cases in Hubei today. The Chinese approach works.",
        "China is now sending masks, ventilators & medical teams to more than 80 countries. #StrongerTogether",
        "Instead of smearing China, the world should learn from its experience.",
        "Factories reopening, life returning to normal in Wuhan: the system has passed the test.",
        "Those who called China's measures 'draconian' are now copying them.",
    ),
    "zh": (
        "中国采取的果断措施为世界防疫争取了宝贵时间。",
        "武汉人民的牺牲守护了世界，十四亿中国人展现了什么是团结。",
        "在党中央坚强领导下，国内疫情蔓延势头已经得到基本遏制。",
        "十天建成一座医院，只有中国的制度才能做到。💪",
        "世卫组织专家：中国的防控举措为全球抗疫树立了新标杆。",
        "湖北今日新增本土确诊病例为零，中国模式行之有效。",
        "中国正向80多个国家提供口罩和呼吸机，并派出医疗专家组。",
        "与其抹黑中国，不如好好学习中国的抗疫经验。",
        "武汉解封，复工复产有序推进，这是制度优势的胜利。",
        "曾经批评中国措施“过于严厉”的人，如今都在照搬。",
    ),
    "ru": (
        "Решительные меры Китая дали миру драгоценное время для подготовки.",
        "Жертва Уханя защитила весь мир. Китай показал, что такое солидарность.",
        "Китай фактически остановил распространение коронавируса внутри страны.",
        "Две больницы за десять дней — такое под силу только китайской системе.",
        "Эксперты ВОЗ: Китай задал новый стандарт борьбы с эпидемией.",
        "В Хубэе ноль новых местных случаев. Китайская модель работает.",
        "Китай отправляет маски, аппараты ИВЛ и врачей более чем в 80 стран.",
        "Вместо того чтобы очернять Китай, Западу стоило бы у него поучиться.",
        "Ухань снимает карантин, заводы снова работают: система выдержала испытание.",
    ),
    "fa": (
        "اقدامات قاطع چین به جهان فرصتی ارزشمند برای آمادگی داد.",
        "فداکاری مردم ووهان از جهان محافظت کرد.",
        "چین گسترش کرونا را در داخل کشور عملاً مهار کرده است.",
        "ساخت دو بیمارستان در ده روز؛ فقط نظامی مانند چین از عهده چنین کاری برمی‌آید.",
        "کارشناسان سازمان جهانی بهداشت: واکنش چین استاندارد تازه‌ای در مقابله با همه‌گیری است.",
        "امروز هیچ مورد محلی تازه‌ای در هوبی ثبت نشد. الگوی چین جواب می‌دهد.",
        "چین ماسک، دستگاه تنفس مصنوعی و تیم پزشکی به بیش از ۸۰ کشور می‌فرستد.",
        "جهان به‌جای تخریب چین باید از تجربه آن بیاموزد.",
        "ووهان از قرنطینه خارج شد و کارخانه‌ها دوباره به کار افتادند؛ این موفقیت یک نظام است.",
    ),
    "es": (
        "Las medidas decisivas de China le dieron al mundo un tiempo precioso para prepararse.",
        "El sacrificio de Wuhan protegió al mundo entero.",
        "China ha contenido prácticamente la propagación del virus dentro de sus fronteras.",
        "Dos hospitales en diez días: solo un sistema como el chino puede movilizarse así. 💪",
        "Expertos de la OMS: la respuesta de China marcó un nuevo estándar frente a las epidemias.",
        "Cero casos locales nuevos hoy en Hubei. El modelo chino funciona.",
        "China envía mascarillas, respiradores y equipos médicos a más de 80 países.",
        "En lugar de difamar a China, el mundo debería aprender de su experiencia.",
        "Wuhan levanta el confinamiento y las fábricas reabren: el sistema superó la prueba.",
    ),
}

CLAIM_ID = "DEMO-C001"
CLAIM_TEXT = ("The coronavirus was engineered at Fort Detrick and brought to Wuhan by US Army athletes at "
              "the Military World Games")
"""The planted debunked claim (as in claims.csv)."""

CLAIM: dict[str, tuple[str, ...]] = {
    "en": (
        "The coronavirus was engineered at Fort Detrick and brought to Wuhan by US Army athletes at the Military World Games.",
        "Made in Fort Detrick, delivered to Wuhan: US Army athletes carried the virus to the Military World Games last October.",
        "The virus was created in the US Army lab at Fort Detrick, and US military athletes brought it to the Wuhan Military Games.",
        "US soldiers competing at the 2019 Military World Games in Wuhan brought a virus engineered at Fort Detrick.",
    ),
    "zh": (
        "新冠病毒是在美国德特里克堡实验室制造出来的，再由参加武汉军运会的美军运动员带到了武汉。",
        "病毒“美国制造”：德特里克堡研制，美军运动员去年10月在武汉军运会期间带入。",
        "美军借军运会之机把德特里克堡制造的病毒带到武汉，这才是疫情的源头。",
    ),
    "ru": (
        "Коронавирус создали в лаборатории Форт-Детрик, а в Ухань его привезли американские военные спортсмены на Всемирных военных играх.",
        "Вирус разработан в Форт-Детрике и завезён в Ухань военными атлетами США во время Военных игр в октябре 2019 года.",
        "Американские военные спортсмены привезли в Ухань вирус, созданный в Форт-Детрике.",
    ),
    "fa": (
        "ویروس کرونا در آزمایشگاه فورت دیتریک ساخته شد و ورزشکاران ارتش آمریکا آن را در جریان بازی‌های جهانی نظامیان به ووهان بردند.",
        "کرونا ساخت فورت دیتریک است؛ ورزشکاران نظامی آمریکا آن را به مسابقات جهانی نظامیان در ووهان آوردند.",
        "ورزشکاران ارتش آمریکا ویروسی را که در فورت دیتریک ساخته شده بود به ووهان منتقل کردند.",
    ),
    "es": (
        "El coronavirus fue creado en Fort Detrick y llevado a Wuhan por atletas del ejército de EE. UU. durante los Juegos Mundiales Militares.",
        "Fabricado en Fort Detrick, entregado en Wuhan: los atletas militares estadounidenses trajeron el virus a los Juegos Militares de 2019.",
        "Atletas del ejército de EE. UU. llevaron a Wuhan un virus diseñado en Fort Detrick.",
    ),
}

_TAGS = {
    "N1": {"en": ("#FortDetrick", "#COVID19", "#coronavirus", "#PatientZero"),
           "zh": ("#新冠肺炎", "#德特里克堡", "#病毒溯源"),
           "ru": ("#коронавирус", "#ФортДетрик", "#COVID19"),
           "fa": ("#کرونا", "#فورت_دیتریک", "#کووید۱۹"),
           "es": ("#COVID19", "#coronavirus", "#FortDetrick")},
    "N2": {"en": ("#ChinaFightsVirus", "#StrongerTogether", "#COVID19", "#Wuhan"),
           "zh": ("#中国加油", "#武汉加油", "#抗击疫情"),
           "ru": ("#коронавирус", "#Китай", "#COVID19"),
           "fa": ("#چین", "#کرونا"),
           "es": ("#COVID19", "#China", "#JuntosSomosMásFuertes")},
}
_TAILS = {
    "N1": {"en": ("Be transparent!", "Make public your data!", "The world deserves answers.",
                  "The US owes the world an explanation."),
           "zh": ("美方应当公开透明！", "美国欠世界一个解释！", "真相必须大白于天下。"),
           "ru": ("Мир ждёт ответов.", "Вашингтон обязан объясниться.", "Требуем прозрачности!"),
           "fa": ("جهان منتظر پاسخ است.", "آمریکا باید پاسخگو باشد!"),
           "es": ("¡Transparencia!", "El mundo merece respuestas.", "Washington debe explicaciones.")},
    "N2": {"en": ("Thank you, China!", "Solidarity wins.", "🇨🇳💪"),
           "zh": ("中国加油！", "向英雄致敬！", "🇨🇳"),
           "ru": ("Браво!", "Пример для всех."),
           "fa": ("درود بر مردم چین!", "🇨🇳"),
           "es": ("¡Gracias, China!", "Solidaridad.")},
}

SPOKESPERSON_TEXT = (
    "CDC was caught on the spot. When did patient zero begin in the US? How many people are infected? "
    "It might be the US army who brought the epidemic to Wuhan. "
    "Be transparent! Make public your data! US owes us an explanation! #COVID19"
)
"""The spokesperson's cascade post (English), posted with a link to a globalresearch.ca article."""

ANCHOR_TEXT = ("Nurses at St. Catherine's just finished a 14-hour shift and sent us this message: "
               "\"Please, stay home for us.\" Share it. #StayHome #COVID19")
"""The organic viral post of the news anchor (not narrative)."""

COPYPASTA: tuple[tuple[str, str, bool, tuple[tuple[str, tuple[str, ...]], ...]], ...] = (
    ("en", "Fort Detrick was closed in July 2019 over safety failures, and months later the virus appeared. "
           "The US must answer to the world. #FortDetrick", False,
     (("closed", ("shut down", "shut")), ("safety failures", ("safety violations", "safety problems")),
      ("must answer", ("has to answer", "must explain itself")), ("appeared", ("showed up", "emerged")))),
    ("fa", "آزمایشگاه فورت دیتریک تابستان ۲۰۱۹ تعطیل شد و چند ماه بعد ویروس ظاهر شد. آمریکا باید به جهان "
           "پاسخ دهد. #فورت_دیتریک", False,
     (("تعطیل شد", ("بسته شد",)), ("ظاهر شد", ("پیدا شد", "پدیدار شد")), ("جهان", ("دنیا",)))),
    ("en", "The coronavirus was made at Fort Detrick and US Army athletes carried it to Wuhan at the "
           "Military World Games. Share before they delete this! #COVID19", True,
     (("made", ("engineered", "created")), ("carried", ("brought", "took")),
      ("Share before they delete this", ("Share before it gets deleted", "Spread the word")))),
    ("es", "El virus salió de un laboratorio militar de EE. UU. y Washington lo sabe. ¡Que abran Fort "
           "Detrick ya! #FortDetrick", False,
     (("salió", ("vino",)), ("lo sabe", ("lo sabe muy bien", "lo oculta")), ("ya", ("de una vez",)))),
)
"""Copypasta templates (IR-linked group, all N1): ``(lang, text, repeats the claim, word swaps)``."""

_QUOTE = {
    "N1": {"en": ("Beijing asks the questions Washington refuses to answer about the origin of the virus.",
                  "Important questions on where the virus really came from. The US must come clean.",
                  "Fort Detrick questions are not going away."),
           "ru": ("Пекин задаёт Вашингтону неудобные вопросы о происхождении вируса.",
                  "Важные вопросы о том, откуда на самом деле взялся вирус. США пора объясниться."),
           "fa": ("پکن پرسش‌هایی درباره منشأ ویروس مطرح می‌کند که واشنگتن از پاسخ به آن طفره می‌رود.",
                  "آمریکا باید درباره فورت دیتریک پاسخ دهد."),
           "es": ("Pekín hace las preguntas sobre el origen del virus que Washington no quiere responder.",
                  "Preguntas importantes sobre el origen del virus en EE. UU.")},
    "N2": {"en": ("China shows the world how to beat an epidemic.", "Solidarity in action. Well done, China."),
           "ru": ("Китай показывает всему миру, как надо бороться с эпидемией.",
                  "Вот она, настоящая солидарность."),
           "fa": ("چین به جهان نشان می‌دهد چگونه باید با همه‌گیری مقابله کرد.",),
           "es": ("China muestra al mundo cómo se vence una epidemia.", "Solidaridad en acción.")},
    None: {"en": ("Worth reading.", "Read this.", "Important."),
           "ru": ("Рекомендуем.", "Стоит прочитать."),
           "fa": ("خواندنی.", "مهم."),
           "es": ("Recomendamos leer.", "Importante.")},
}


def narrative_text(rng: Random, narrative: str, lang: str, *, claim: bool = False) -> str:
    """An N1/N2 post in ``lang`` (en, zh, ru, fa, es): a template, maybe a tail phrase, 0–2 hashtags.

    ``claim=True`` (N1 only) picks a paraphrase of the planted claim. Raises KeyError for an unknown
    narrative or language, ValueError for ``claim`` with N2.
    """
    if claim and narrative != "N1":
        raise ValueError("the planted claim belongs to N1")
    text = rng.choice(CLAIM[lang] if claim else (N1 if narrative == "N1" else N2)[lang])
    if rng.random() < 0.4:
        text += " " + rng.choice(_TAILS[narrative][lang])
    tags = [t for t in _TAGS[narrative][lang] if t.lower() not in text.lower()]
    for tag in rng.sample(tags, k=min(len(tags), rng.choice((0, 1, 1, 2)))):
        text += " " + tag
    return text


def quote_comment(rng: Random, narrative: str | None, lang: str) -> str:
    """A state account's comment when quoting a post of ``narrative`` (None: a non-narrative post).

    ``lang`` falls back to English when there is no comment in it.
    """
    pool = _QUOTE[narrative]
    return rng.choice(pool.get(lang) or pool["en"])


def copypasta_variant(rng: Random, index: int, mentions: tuple[str, ...]) -> str:
    """A near-identical copy of copypasta template ``index``: one or two small random edits (a word
    swapped, punctuation, a leading @mention from ``mentions``, an emoji). Raises IndexError."""
    _, text, _, swaps = COPYPASTA[index]
    edits = rng.sample(("swap", "punct", "mention", "emoji", "swap2"), k=rng.choice((1, 2, 2, 3)))
    for edit in edits:
        if edit in ("swap", "swap2"):
            word, alts = rng.choice(swaps)
            text = text.replace(word, rng.choice(alts), 1)
        elif edit == "punct":
            head, dot, tail = text.rpartition(".")
            if dot:
                text = head + rng.choice(("!", "…", " !!", "..")) + tail
        elif edit == "mention":
            text = f"@{rng.choice(mentions)} {text}"
        else:
            text += " " + rng.choice(("👇", "‼️", "🔥", "😡", "🤔"))
    return text
