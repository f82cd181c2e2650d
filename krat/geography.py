"""Albania's twelve counties (qarqe) and their sixty-one municipalities (bashki), as of 2015."""

COUNTIES: dict[str, list[str]] = {
    "Berat": ["Berat", "Kuçovë", "Poliçan", "Skrapar", "Ura Vajgurore"],
    "Dibër": ["Bulqizë", "Dibër", "Klos", "Mat"],
    "Durrës": ["Durrës", "Krujë", "Shijak"],
    "Elbasan": ["Belsh", "Cërrik", "Elbasan", "Gramsh", "Librazhd", "Peqin", "Prrenjas"],
    "Fier": ["Divjakë", "Fier", "Lushnjë", "Mallakastër", "Patos", "Roskovec"],
    "Gjirokastër": ["Dropull", "Gjirokastër", "Këlcyrë", "Libohovë", "Memaliaj", "Përmet", "Tepelenë"],
    "Korçë": ["Devoll", "Kolonjë", "Korçë", "Maliq", "Pogradec", "Pustec"],
    "Kukës": ["Has", "Kukës", "Tropojë"],
    "Lezhë": ["Kurbin", "Lezhë", "Mirditë"],
    "Shkodër": ["Fushë-Arrëz", "Malësi e Madhe", "Pukë", "Shkodër", "Vau i Dejës"],
    "Tiranë": ["Kamëz", "Kavajë", "Rrogozhinë", "Tiranë", "Vorë"],
    "Vlorë": ["Delvinë", "Finiq", "Himarë", "Konispol", "Sarandë", "Selenicë", "Vlorë"],
}


def prefecture_name(county: str) -> str:
    return f"Prefektura e Qarkut {county}"


def slug_for(name: str) -> str:
    """An ASCII slug that keeps ë and ç readable: Dibër → diber, Kuçovë → kucove."""
    from django.utils.text import slugify

    return slugify(name.translate(str.maketrans("ëËçÇ", "eEcC")))
