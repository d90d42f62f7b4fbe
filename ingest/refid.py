"""Canonical WikiLeaks reference ids: two-digit year, canonical origin, serial without leading zeros.

"08PARIS1616" is the id of the cable whose classification line reads "PARIS 001616" and whose date
is in 2008. Origins are spelled many ways in the corpus ("SECSTATE", "RIO DE JAN", "PORT-AU-PRINCE")
and WikiLeaks published some ids with junk glued in ("09SECTION01OF03SANJOSE525",
"06EFTOANKARA4972"); both are repaired here.
"""

from __future__ import annotations

import re
from functools import lru_cache

# Station names as they appear in reference ids. Ported from cablemap (BSD, heuer/cablemap,
# cablemap.core/cablemap/core/consts.py `_STATIONS`), minus its typo entry "DAMASCCUS".
STATIONS = frozenset(
    """
    ABIDJAN ABUDHABI ABUJA ACCRA ADDISABABA AITTAIPEI ALGIERS AMMAN AMSTERDAM ANKARA ASHGABAT ASMARA
    ASTANA ASUNCION ATHENS ADANA ALMATY APIA AUCKLAND ANTANANARIVO ALEXANDRIA
    BAGHDAD BAKU BAMAKO BANDARSERIBEGAWAN BANGKOK BANJUL BARCELONA BASRAH BEIJING BEIRUT BELGRADE
    BERLIN BERN BISHKEK BOGOTA BRASILIA BRATISLAVA BRIDGETOWN BRUSSELS BUCHAREST BUDAPEST BUENOSAIRES
    BUJUMBURA BRAZZAVILLE BELIZE BELFAST BELMOPAN BONN BANGUI BENIN
    CAIRO CALCUTTA CANBERRA CAPETOWN CARACAS CASABLANCA CHENNAI CHISINAU CIUDADJUAREZ COLOMBO CONAKRY
    COPENHAGEN CURACAO CALGARY CHIANGMAI CHENGDU COTONOU CDGENEVA CHARLESTON CDCATLANTAGA CDC
    DAKAR DAMASCUS DARESSALAAM DHAKA DJIBOUTI DOHA DUBAI DUBLIN DUSHANBE DHAHRAN DILI DURBAN
    DUSSELDORF USDOJ
    FREETOWN FUKUOKA FSINFATC FRANKFURT FLORENCE FESTTWO
    GABORONE GENEVA GUATEMALA GUADALAJARA GUAYAQUIL GUANGZHOU GEORGETOWN GRENADA
    HAMBURG HANOI HARARE HAVANA HAMILTON HELSINKI HERMOSILLO HALIFAX HOCHIMINHCITY HONGKONG HILLAH
    HYDERABAD
    IRANRPODUBAI ISLAMABAD ISTANBUL IZMIR
    JEDDAH JERUSALEM JAKARTA JOHANNESBURG
    KABUL KAMPALA KATHMANDU KHARTOUM KIEV KIGALI KINSHASA KUALALUMPUR KUWAIT KYIV KOLKATA KINGSTON
    KARACHI KRAKOW KOLONIA KIRKUK KOROR KADUNA
    LAGOS LAPAZ LAHORE LILONGWE LIMA LISBON LJUBLJANA LONDON LUANDA LUXEMBOURG LIBREVILLE LUSAKA
    LEIPZIG LENINGRAD LOME
    MALABO MADRID MANAGUA MANAMA MAPUTO MBABANE MEXICO MILAN MINSK MONROVIA MONTERREY MONTEVIDEO
    MONTREAL MOSCOW MUMBAI MUNICH MUSCAT MELBOURNE MANILA MATAMOROS MASERU MOGADISHU MARSEILLE MERIDA
    MAJURO MOSUL MADRAS MONTEREY
    NAIROBI NAPLES NASSAU NEWDELHI NIAMEY NICOSIA NDJAMENA NAHA NUEVOLAREDO NAGOYA NOUAKCHOTT NOGALES
    OSLO OTTAWA OUAGADOUGOU OSAKAKOBE
    PANAMA PARAMARIBO PARIS PARTO PESHAWAR PHNOMPENH PORTAUPRINCE PRAGUE PRETORIA PRISTINA PORTLOUIS
    PORTOFSPAIN PODGORICA PORTMORESBY PERTH PONTADELGADA PRAIA PARISFR
    QUITO QUEBEC
    RABAT RANGOON RECIFE REYKJAVIK RIGA RIODEJANEIRO RIYADH ROME RPODUBAI
    SANAA SANJOSE SANSALVADOR SANTIAGO SANTODOMINGO SAOPAULO SARAJEVO SEOUL SHANGHAI SHENYANG
    SINGAPORE SKOPJE SOFIA STATE STOCKHOLM STRASBOURG STPETERSBURG SUVA SAPPORO SECDEF SYDNEY SURABAYA
    TALLINN TASHKENT TAIPEI TBILISI TEGUCIGALPA TEHRAN TELAVIV THEHAGUE TIJUANA TOKYO TRIPOLI TUNIS
    TORONTO THESSALONIKI TIRANA
    ULAANBAATAR UNVIEVIENNA USNATO USUNNEWYORK USEUBRUSSELS USOSCE UNROME USTRGENEVA USDAFAS USDOC
    USCBP UNESCOPARISFR UNESCOPARIS
    VATICAN VIENNA VILNIUS VLADIVOSTOK VALLETTA VANCOUVER VIENTIANE
    WARSAW WELLINGTON WINDHOEK WASHDC WHITEHOUSE
    YAOUNDE YEREVAN YEKATERINBURG
    ZAGREB
    """.split()
)

# Abbreviations and misspellings of origins seen in the corpus. Ported from cablemap (BSD,
# heuer/cablemap, cablemap.core/cablemap/core/c14n.py `_STATION_C14N`).
ORIGIN_ALIASES = {
    "AUBJA": "ABUJA", "RANGON": "RANGOON", "TEGUC": "TEGUCIGALPA", "TEGUZ": "TEGUCIGALPA",
    "KATHAMNDU": "KATHMANDU", "KATHMANUD": "KATHMANDU", "NARIOBI": "NAIROBI", "ABDIDJAN": "ABIDJAN",
    "JERSUALEM": "JERUSALEM", "JERUSALM": "JERUSALEM", "KINSHSA": "KINSHASA", "ABIDJDAN": "ABIDJAN",
    "DUESSELDORF": "DUSSELDORF", "JAK": "JAKARTA", "PETERSBURG": "STPETERSBURG", "TBLISI": "TBILISI",
    "KHARTOUNM": "KHARTOUM", "KHARTOM": "KHARTOUM", "CALCUTT": "CALCUTTA", "CAL": "CALCUTTA",
    "DAM": "DAMASCUS", "DAMASCCUS": "DAMASCUS", "ANTAN": "ANTANANARIVO", "TANA": "ANTANANARIVO",
    "ANTANANARI": "ANTANANARIVO", "ATENS": "ATHENS", "ASHGABT": "ASHGABAT", "LJBULJANA": "LJUBLJANA",
    "LJUBJLANA": "LJUBLJANA", "COTON0U": "COTONOU", "FREEETOWN": "FREETOWN",
    "ATLANTA": "CDCATLANTAGA", "ATLANGAGA": "CDCATLANTAGA", "ATLANTAGA": "CDCATLANTAGA",
    "CDCATLANTA": "CDCATLANTAGA", "CDC": "CDCATLANTAGA", "CDCATLANTAGAUSA": "CDCATLANTAGA",
    "ADDIS": "ADDISABABA", "ADDISABAB": "ADDISABABA", "ANK": "ANKARA", "ANAKRA": "ANKARA",
    "ANARA": "ANKARA", "USUNESCOPARISFR": "UNESCOPARISFR", "PARISFR": "UNESCOPARISFR",
    "UNVIE": "UNVIEVIENNA", "UNVIEVIEN": "UNVIEVIENNA", "UNVIENNA": "UNVIEVIENNA",
    "STAT": "STATE", "STAE": "STATE", "TATE": "STATE", "STATAE": "STATE", "SECSTATE": "STATE",
    "SECTSTATE": "STATE", "SECTATE": "STATE", "SECTATWASHDC": "STATE", "SECSTATEWASHDC": "STATE",
    "SECSATATE": "STATE", "SATTE": "STATE", "SECDEFWASH": "SECDEF", "WASHDC": "STATE",
    "USNATOANDUSNATO": "USNATO", "RIO": "RIODEJANEIRO", "RIODEJAN": "RIODEJANEIRO",
    "RIODEJANIERO": "RIODEJANEIRO", "RIODEJANERIO": "RIODEJANEIRO", "POS": "PORTOFSPAIN",
    "PAUP": "PORTAUPRINCE", "PAP": "PORTAUPRINCE", "PORTA": "PORTAUPRINCE", "SANJSE": "SANJOSE",
    "PANANA": "PANAMA", "PANAM": "PANAMA", "MADRIDSP": "MADRID", "SURBAYA": "SURABAYA",
    "DAR": "DARESSALAAM", "BRUSSELSBE": "BRUSSELS", "USEUBRUSS": "USEUBRUSSELS",
    "USEU": "USEUBRUSSELS", "USEUBRUSEELS": "USEUBRUSSELS", "USUN": "USUNNEWYORK",
    "USUNNY": "USUNNEWYORK", "USUNNEYORK": "USUNNEWYORK", "NEWYORK": "USUNNEWYORK",
    "USUNNEW": "USUNNEWYORK", "HALIF": "HALIFAX", "KUALALUMP": "KUALALUMPUR", "KL": "KUALALUMPUR",
    "WELLINGOTN": "WELLINGTON", "WELLLINGTON": "WELLINGTON", "BKK": "BANGKOK", "KINSTON": "KINGSTON",
    "BISHTEK": "BISHKEK", "VAT": "VATICAN", "SAOPAUO": "SAOPAULO", "SAOPAUL": "SAOPAULO",
    "SCOPAULO": "SAOPAULO", "PAULO": "SAOPAULO", "SAOPULO": "SAOPAULO", "HAGUE": "THEHAGUE",
    "PHNOMPEN": "PHNOMPENH", "PHNOMPEHN": "PHNOMPENH", "MVD": "MONTEVIDEO", "TRIPOLII": "TRIPOLI",
    "BRASILA": "BRASILIA", "BRAZIL": "BRASILIA", "BRASIIA": "BRASILIA", "BRAZILIA": "BRASILIA",
    "BRASIILIA": "BRASILIA", "MEXICOCITY": "MEXICO", "MEX": "MEXICO", "BA": "BUENOSAIRES",
    "BUENSOAIRES": "BUENOSAIRES", "BUENOSAIREDS": "BUENOSAIRES", "BUENESAIRES": "BUENOSAIRES",
    "BUENOSAIRE": "BUENOSAIRES", "BSB": "BANDARSERIBEGAWAN", "BANDAR": "BANDARSERIBEGAWAN",
    "BANDARSERI": "BANDARSERIBEGAWAN", "USDA": "USDAFAS", "USDAFASWASHDC": "USDAFAS",
    "USDOCWASHDC": "USDOC", "DEPTOFCOMMERCE": "USDOC", "DOC": "USDOC", "USCUSTOMSA": "USCBP",
    "BEIJINJG": "BEIJING", "BEIJIG": "BEIJING", "BEIJINGCH": "BEIJING", "MANAUGUA": "MANAGUA",
    "MANAUGA": "MANAGUA", "TGG": "TEGUCIGALPA", "QUEBECCITY": "QUEBEC", "ASUN": "ASUNCION",
    "BASRA": "BASRAH", "TALLIN": "TALLINN", "SDO": "SANTODOMINGO", "SANTODOMINIGO": "SANTODOMINGO",
    "SD": "SANTODOMINGO", "0TTAWA": "OTTAWA", "SANTIAG": "SANTIAGO", "DELHI": "NEWDELHI",
    "NEWDEHLI": "NEWDELHI", "HCMC": "HOCHIMINHCITY", "HCM": "HOCHIMINHCITY",
    "HOCHIMINH": "HOCHIMINHCITY", "HOCHIMIN": "HOCHIMINHCITY", "TAIPEI": "AITTAIPEI",
    "HK": "HONGKONG", "MUMB": "MUMBAI", "DEPTOFJUST": "USDOJ",
}

# Addressee words that are not part of the post's name: "AMEMBASSY HANOI", "USMISSION GENEVA".
_ENVELOPE = re.compile(r"USMISSION|AMEMBASSY|EMBASSY")
# "SECTION 01 OF 03" glued between year and origin, often garbled: "SECTIN01OF02", "SCTION02OF02",
# "SECTION0QF05", "01OF02". It always ends in two digits followed by the origin's first letter.
_SECTION = re.compile(r"(?<=^\d\d)[A-Z]{0,8}?[0-9Q]{1,2}[A-Z]{0,2}\d\d(?=[A-Z])")
_YEAR = re.compile(r"\d{4}(?=[A-Z])|\d\d")
_ORIGIN_SERIAL = re.compile(r"([A-Z0-9]*?[A-Z])(\d+)")
_NOT_IN_ORIGIN = re.compile(r"[^A-Z0-9]")


def canonicalize_id(raw: str) -> str:
    """The canonical form of a reference id: "05RIO123" -> "05RIODEJANEIRO123".

    Also takes spaced ids ("09 PARIS 001040") and the malformed ids WikiLeaks published
    ("09SECTION01OF03SANJOSE525" -> "09SANJOSE525", "07OSLO000160ZDK164" -> "07OSLO160").
    Text without a leading year is returned upper-cased with its spaces removed.
    """
    text = _NOT_IN_ORIGIN.sub("", raw.upper())
    text = _SECTION.sub("", text, count=1)
    digits = _YEAR.match(text)
    if not digits:
        return text
    year = _two_digit_year(digits.group())
    rest = text[digits.end() :]
    m = _ORIGIN_SERIAL.match(rest)
    if not m:
        return year + canonicalize_origin(rest) if rest else text
    # Whatever follows the first serial is junk: "ZFR2585", "TOSEC140301".
    return f"{year}{canonicalize_origin(m.group(1))}{int(m.group(2))}"


def make_reference_id(year: int, origin: str, serial: str) -> str:
    """The reference id of a cable from its year and classification line: (2008, "PARIS", "001616") -> "08PARIS1616"."""
    if not serial.strip().isdigit():
        raise ValueError(
            f"the serial {serial!r} of a {origin} cable is not a number; pass the digits after the post's name"
        )
    return f"{year % 100:02d}{canonicalize_origin(origin)}{int(serial)}"


def canonicalize_origin(raw: str) -> str:
    """The canonical station name for an origin ("RIO DE JAN" -> "RIODEJANEIRO"); unknown names are kept."""
    name = _NOT_IN_ORIGIN.sub("", raw.upper())
    known = find_station(name, fuzzy_from=3)
    if known:
        return known
    # Junk glued before the name, as in "EFTOANKARA", "FSCCHARLESTON", "NOFORNMOGADISHU".
    suffixes = [s for s in STATIONS if len(s) >= 4 and name.endswith(s) and len(name) - len(s) >= 2]
    if suffixes:
        return max(suffixes, key=len)
    return _ENVELOPE.sub("", name) or name


def find_station(name: str, *, fuzzy_from: int) -> str | None:
    """The canonical station `name` stands for, or None.

    `name` is upper case without spaces. Misspellings one letter away from a station (two for
    names of eight letters or more) count when `name` has at least `fuzzy_from` letters and one
    station alone is that close.
    """
    stripped = _ENVELOPE.sub("", name)
    for candidate in (name, stripped):
        alias = ORIGIN_ALIASES.get(candidate, candidate)
        if alias in STATIONS:
            return alias
    if len(stripped) < fuzzy_from:
        return None
    return _nearest_station(stripped)


@lru_cache(maxsize=4096)
def _nearest_station(name: str) -> str | None:
    allowed = 2 if len(name) >= 8 else 1
    best: list[str] = []
    best_distance = allowed + 1
    for station in STATIONS:
        if abs(len(station) - len(name)) > allowed:
            continue
        distance = _edit_distance(name, station, allowed)
        if distance > allowed:
            continue
        if distance < best_distance:
            best, best_distance = [station], distance
        elif distance == best_distance:
            best.append(station)
    return best[0] if len(best) == 1 else None


def _edit_distance(a: str, b: str, limit: int) -> int:
    """Damerau-Levenshtein distance (adjacent swaps count once), or limit + 1 once it exceeds limit."""
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cost = 0 if ca == cb else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                current[j] = min(current[j], previous2[j - 2] + 1)
        if min(current) > limit:
            return limit + 1
        previous2, previous = previous, current
    return min(previous[-1], limit + 1)


def _two_digit_year(digits: str) -> str:
    """"08" -> "08", "2005" -> "05"; a doubled year such as "7575" (75LIBREVILLE1895) keeps its first half."""
    if len(digits) == 4 and digits[:2] in ("19", "20"):
        return digits[2:]
    return digits[:2]
