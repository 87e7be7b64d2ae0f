"""Hindi words whose everyday Roman spelling no rule gives.

The rules in :mod:`tadka.lang.hi.romanize` would turn नहीं into "nahin", हूँ into "hun", में into
"mein" but वह into "vah" and माँ into "maan". People type "nahi", "hoon", "woh", "maa": spelling in
chat follows habit, not phonology, for the most frequent words. This table holds the spellings most
people use for about 200 of the most frequent Hindi words (written for tadka from common usage);
everything else goes through the corpora lexicon and then the rules.
"""

from __future__ import annotations

#: Devanagari word → Roman spelling most people type.
COMMON: dict[str, str] = {
    # auxiliaries and copula
    "है": "hai", "हैं": "hain", "हूँ": "hoon", "हूं": "hoon", "हो": "ho", "था": "tha", "थी": "thi",
    "थे": "the", "थीं": "thi", "होगा": "hoga", "होगी": "hogi", "होंगे": "honge", "हुआ": "hua",
    "हुई": "hui", "हुए": "hue", "रहा": "raha", "रही": "rahi", "रहे": "rahe",
    # negation, question words, particles
    "नहीं": "nahi", "नही": "nahi", "ना": "na", "न": "na", "मत": "mat", "क्या": "kya", "क्यों": "kyun",
    "क्यूँ": "kyun", "क्यूं": "kyun", "कैसे": "kaise", "कैसा": "kaisa", "कैसी": "kaisi", "कहाँ": "kahan",
    "कहां": "kahan", "कब": "kab", "कौन": "kaun", "कितना": "kitna", "कितने": "kitne", "कितनी": "kitni",
    "कोई": "koi", "किसी": "kisi", "कुछ": "kuch", "भी": "bhi", "ही": "hi", "तो": "to", "जी": "ji",
    "हाँ": "haan", "हां": "haan", "अरे": "arre", "वाह": "waah", "बस": "bas", "सिर्फ़": "sirf",
    "सिर्फ": "sirf", "शायद": "shayad", "ज़रूर": "zaroor", "जरूर": "zaroor", "बिल्कुल": "bilkul",
    # pronouns
    "मैं": "main", "मै": "main", "मुझे": "mujhe", "मुझको": "mujhko", "मेरा": "mera", "मेरी": "meri",
    "मेरे": "mere", "हम": "hum", "हमें": "hume", "हमारा": "hamara", "हमारी": "hamari", "हमारे": "hamare",
    "तुम": "tum", "तुम्हें": "tumhe", "तुम्हारा": "tumhara", "तुम्हारी": "tumhari", "तुम्हारे": "tumhare",
    "तू": "tu", "तुझे": "tujhe", "तेरा": "tera", "तेरी": "teri", "तेरे": "tere", "आप": "aap",
    "आपको": "aapko", "आपका": "aapka", "आपकी": "aapki", "आपके": "aapke", "वह": "woh", "वो": "wo",
    "यह": "yeh", "ये": "ye", "उसे": "use", "उसको": "usko", "उसका": "uska", "उसकी": "uski", "उसके": "uske",
    "उन्हें": "unhe", "उनका": "unka", "उनकी": "unki", "उनके": "unke", "इसे": "ise", "इसका": "iska",
    "इसकी": "iski", "इसके": "iske", "इन्हें": "inhe", "इनका": "inka", "उस": "us", "इस": "is", "उन": "un",
    "इन": "in", "जो": "jo", "अपना": "apna", "अपनी": "apni", "अपने": "apne", "ख़ुद": "khud", "खुद": "khud",
    "सब": "sab", "सबको": "sabko", "सबसे": "sabse",
    # postpositions and conjunctions
    "में": "mein", "से": "se", "के": "ke", "की": "ki", "का": "ka", "को": "ko", "ने": "ne", "पर": "par",
    "पे": "pe", "तक": "tak", "लिए": "liye", "लिये": "liye", "साथ": "saath", "बाद": "baad",
    "पहले": "pehle", "और": "aur", "या": "ya", "कि": "ki", "लेकिन": "lekin", "मगर": "magar",
    "अगर": "agar", "तब": "tab", "जब": "jab", "फिर": "phir", "क्योंकि": "kyunki", "इसलिए": "isliye",
    "वरना": "warna", "जैसे": "jaise", "वैसे": "waise", "ऐसे": "aise", "ऐसा": "aisa", "वैसा": "waisa",
    "जैसा": "jaisa",
    # adverbs and adjectives
    "बहुत": "bahut", "अच्छा": "accha", "अच्छी": "acchi", "अच्छे": "acche", "ठीक": "theek",
    "ज़्यादा": "zyada", "ज्यादा": "zyada", "थोड़ा": "thoda", "थोड़ी": "thodi", "थोड़े": "thode",
    "अभी": "abhi", "कभी": "kabhi", "सभी": "sabhi", "यहाँ": "yahan", "यहां": "yahan", "वहाँ": "wahan",
    "वहां": "wahan", "कहीं": "kahin", "आज": "aaj", "कल": "kal", "परसों": "parson", "बड़ा": "bada",
    "बड़ी": "badi", "बड़े": "bade", "छोटा": "chhota", "छोटी": "chhoti", "छोटे": "chhote", "सही": "sahi",
    "ग़लत": "galat", "गलत": "galat", "ज़रा": "zara", "जल्दी": "jaldi", "सच": "sach", "सच्ची": "sacchi",
    "बढ़िया": "badhiya", "नया": "naya", "नई": "nayi", "नए": "naye",
    # numbers
    "एक": "ek", "दो": "do", "तीन": "teen", "चार": "chaar", "पाँच": "paanch", "पांच": "paanch",
    "छह": "chhah", "छः": "chhah", "सात": "saat", "आठ": "aath", "नौ": "nau", "दस": "das", "सौ": "sau",
    "हज़ार": "hazaar", "हजार": "hazaar", "लाख": "lakh", "करोड़": "crore",
    # frequent nouns and verbs
    "भाई": "bhai", "बहन": "behen", "माँ": "maa", "मां": "maa", "पापा": "papa", "यार": "yaar",
    "दोस्त": "dost", "बात": "baat", "काम": "kaam", "घर": "ghar", "दिन": "din", "रात": "raat",
    "समय": "samay", "वक़्त": "waqt", "वक्त": "waqt", "पैसे": "paise", "पैसा": "paisa", "रुपये": "rupaye",
    "रुपए": "rupaye", "ज़िंदगी": "zindagi", "जिंदगी": "zindagi", "दुनिया": "duniya", "लोग": "log",
    "प्यार": "pyaar", "पता": "pata", "मतलब": "matlab", "शुक्रिया": "shukriya", "धन्यवाद": "dhanyavaad",
    "नमस्ते": "namaste", "चाहिए": "chahiye", "चाहिये": "chahiye", "सकता": "sakta", "सकती": "sakti",
    "सकते": "sakte", "करो": "karo", "करना": "karna", "करें": "karein", "किया": "kiya", "कर": "kar",
    "गया": "gaya", "गई": "gayi", "गए": "gaye", "जाओ": "jao", "आओ": "aao", "चलो": "chalo", "देखो": "dekho",
    "सुनो": "suno", "बोलो": "bolo", "बताओ": "batao", "दिया": "diya", "लिया": "liya", "कहा": "kaha",
    "समझ": "samajh", "रहना": "rehna", "कहना": "kehna", "रुको": "ruko", "वाला": "wala", "वाली": "wali",
    "वाले": "wale",
}
