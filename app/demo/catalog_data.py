"""The demo catalog: categories and products a fresh shop is seeded with.

Pure data (stdlib only) so the seeder, the image generator and the tests can all
import it cheaply. Slugs are stable identifiers: the seeder, image file names
(assets/products/<slug>-<view>.webp) and tests refer to them, so never rename one.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class DemoCategory:
    slug: str
    name: str
    description: str


@dataclass(frozen=True)
class DemoProduct:
    slug: str
    title: str
    description: str
    category: str  # a DemoCategory slug
    price_minor: int  # integer minor units (cents), never floats
    currency: str  # ISO 4217, "USD" for the whole demo
    stock: int
    tags: tuple[str, ...]
    art: str  # name of the drawing recipe in app.demo.artwork
    palette: tuple[str, str]  # main and accent colour of the object, "#rrggbb"


CATEGORIES: tuple[DemoCategory, ...] = (
    DemoCategory(
        "kitchen",
        "Kitchen & Dining",
        "Stoneware, teaware and the everyday pieces that make a kitchen feel like home.",
    ),
    DemoCategory(
        "home",
        "Home & Living",
        "Lamps, plants, candles and soft things for the rooms you spend your evenings in.",
    ),
    DemoCategory(
        "audio",
        "Audio",
        "Headphones, earbuds and speakers tuned for music, calls and movie nights.",
    ),
    DemoCategory(
        "outdoor",
        "Outdoor",
        "Packs, shelter and light for weekend hikes and nights under the stars.",
    ),
    DemoCategory(
        "fashion",
        "Fashion",
        "Easy basics and sneakers made to be worn every day and shared with friends.",
    ),
    DemoCategory(
        "stationery",
        "Stationery",
        "Notebooks and pens for lists, sketches and the ideas that arrive at 2 a.m.",
    ),
    DemoCategory(
        "games",
        "Games & Toys",
        "Board games, dice and building toys for game night and rainy afternoons.",
    ),
)


PRODUCTS: tuple[DemoProduct, ...] = (
    # -- kitchen ---------------------------------------------------------------
    DemoProduct(
        slug="harbor-stoneware-mug",
        title="Harbor Stoneware Mug",
        description=(
            "A generous 350 ml mug thrown from speckled stoneware and dipped in a deep "
            "harbor-blue glaze. The wide handle fits three fingers, and it is dishwasher "
            "and microwave safe."
        ),
        category="kitchen",
        price_minor=1800,
        currency="USD",
        stock=64,
        tags=("mug", "ceramic", "coffee"),
        art="mug",
        palette=("#2f5d7c", "#e9e1d3"),
    ),
    DemoProduct(
        slug="speckled-espresso-cups",
        title="Speckled Espresso Cups, Set of 2",
        description=(
            "Two small 90 ml cups for espresso or a cortado, glazed in oatmeal with a "
            "terracotta dipped base. Thick walls keep the coffee hot for longer."
        ),
        category="kitchen",
        price_minor=2400,
        currency="USD",
        stock=3,
        tags=("coffee", "ceramic", "gift"),
        art="mug",
        palette=("#e6d9c6", "#b5533c"),
    ),
    DemoProduct(
        slug="kyoto-glazed-teapot",
        title="Kyoto Glazed Teapot",
        description=(
            "A 700 ml teapot with a celadon glaze and a removable stainless steel "
            "infuser. The short spout pours cleanly without dripping. Brews four cups."
        ),
        category="kitchen",
        price_minor=4200,
        currency="USD",
        stock=22,
        tags=("tea", "ceramic", "teapot"),
        art="teapot",
        palette=("#4f7f68", "#c9a86a"),
    ),
    DemoProduct(
        slug="copperline-stovetop-kettle",
        title="Copperline Stovetop Kettle",
        description=(
            "A 1.7 litre kettle in copper-finished stainless steel that works on gas, "
            "electric and induction hobs. The heat-proof handle folds back for filling, "
            "and a soft whistle tells you when it is ready."
        ),
        category="kitchen",
        price_minor=5900,
        currency="USD",
        stock=15,
        tags=("kettle", "tea", "stovetop"),
        art="kettle",
        palette=("#c8794a", "#2b2b2b"),
    ),
    DemoProduct(
        slug="nesting-mixing-bowls",
        title="Nesting Mixing Bowls, Set of 3",
        description=(
            "Porcelain mixing bowls in 1, 2 and 3 litre sizes with a sage interior "
            "glaze. They nest neatly in the cupboard and go straight from oven to table."
        ),
        category="kitchen",
        price_minor=3400,
        currency="USD",
        stock=48,
        tags=("bowls", "baking", "ceramic"),
        art="bowls",
        palette=("#f2efe9", "#6f8f72"),
    ),
    DemoProduct(
        slug="terracotta-serving-bowl",
        title="Terracotta Serving Bowl",
        description=(
            "A wide, shallow serving bowl in unglazed terracotta with a cream-glazed "
            "interior. Big enough for a salad for six. Hand wash to keep the clay warm "
            "and matte."
        ),
        category="kitchen",
        price_minor=2900,
        currency="USD",
        stock=0,
        tags=("bowl", "serving", "terracotta"),
        art="bowl",
        palette=("#b8613d", "#f0e4d4"),
    ),
    # -- home ------------------------------------------------------------------
    DemoProduct(
        slug="arc-desk-lamp",
        title="Arc Desk Lamp",
        description=(
            "A steel desk lamp with a weighted base and a tilting brass-lined shade. "
            "Ships with a warm 2700 K LED bulb and a dimmer on the cord."
        ),
        category="home",
        price_minor=6900,
        currency="USD",
        stock=18,
        tags=("lamp", "lighting", "desk"),
        art="lamp",
        palette=("#1f3a4d", "#d9b36c"),
    ),
    DemoProduct(
        slug="potted-monstera",
        title="Potted Monstera, Medium",
        description=(
            "A healthy monstera about 45 cm tall, delivered in a terracotta pot with a "
            "drainage saucer. Happy in bright, indirect light; water once the top few "
            "centimetres of soil are dry."
        ),
        category="home",
        price_minor=3800,
        currency="USD",
        stock=9,
        tags=("plant", "green", "decor"),
        art="plant",
        palette=("#3f7d4e", "#c96f4a"),
    ),
    DemoProduct(
        slug="fig-and-cedar-candle",
        title="Fig & Cedar Soy Candle",
        description=(
            "Hand-poured soy wax with notes of ripe fig, cedarwood and a little black "
            "pepper, in an amber glass jar. Around 45 hours of clean burn from a cotton "
            "wick."
        ),
        category="home",
        price_minor=2200,
        currency="USD",
        stock=75,
        tags=("candle", "fragrance", "gift"),
        art="candle",
        palette=("#f0e6d6", "#8a4b2a"),
    ),
    DemoProduct(
        slug="sea-salt-candle",
        title="Sea Salt & Driftwood Candle",
        description=(
            "A fresh, airy blend of sea salt, sage and driftwood in a frosted blue jar. "
            "Made from coconut and soy wax. Burns for about 40 hours."
        ),
        category="home",
        price_minor=2200,
        currency="USD",
        stock=56,
        tags=("candle", "fragrance"),
        art="candle",
        palette=("#eef3f5", "#3b6f8f"),
    ),
    DemoProduct(
        slug="stonewashed-linen-cushion",
        title="Stonewashed Linen Cushion",
        description=(
            "A 45 x 45 cm cushion in soft stonewashed European linen with piped edges "
            "and a hidden zip. Comes with a feather-blend insert."
        ),
        category="home",
        price_minor=3200,
        currency="USD",
        stock=40,
        tags=("cushion", "linen", "textiles"),
        art="cushion",
        palette=("#c9b79c", "#8a6f4d"),
    ),
    DemoProduct(
        slug="ribbed-glass-bud-vase",
        title="Ribbed Glass Bud Vase",
        description=(
            "Mouth-blown ribbed glass in a soft sea-green tint, 18 cm tall. Made for a "
            "single stem or a few dried grasses on a windowsill."
        ),
        category="home",
        price_minor=1900,
        currency="USD",
        stock=2,
        tags=("vase", "glass", "decor"),
        art="vase",
        palette=("#8fb9b1", "#3e6f68"),
    ),
    # -- audio -----------------------------------------------------------------
    DemoProduct(
        slug="studio-monitor-headphones",
        title="Studio Monitor Headphones",
        description=(
            "Closed-back over-ear headphones with 40 mm drivers and a flat, honest sound "
            "for mixing and long listening sessions. Memory-foam ear pads and a "
            "detachable 3 m cable."
        ),
        category="audio",
        price_minor=12900,
        currency="USD",
        stock=27,
        tags=("headphones", "studio", "wired"),
        art="headphones",
        palette=("#2a2d34", "#b0402f"),
    ),
    DemoProduct(
        slug="kids-volume-safe-headphones",
        title="Kids' Volume-Safe Headphones",
        description=(
            "Lightweight on-ear headphones for ages 3 and up, limited to 85 dB to protect "
            "young ears. The bendable headband survives backpacks and car trips."
        ),
        category="audio",
        price_minor=3900,
        currency="USD",
        stock=52,
        tags=("headphones", "kids"),
        art="headphones",
        palette=("#f2c14e", "#4d9de0"),
    ),
    DemoProduct(
        slug="aero-wireless-earbuds",
        title="Aero Wireless Earbuds",
        description=(
            "True wireless earbuds with active noise cancelling and 7 hours of play per "
            "charge, 28 hours with the pocket-sized case. Sweat resistant and "
            "quick to pair."
        ),
        category="audio",
        price_minor=8900,
        currency="USD",
        stock=60,
        tags=("earbuds", "wireless", "bluetooth"),
        art="earbuds",
        palette=("#f4f4f2", "#9aa4ad"),
    ),
    DemoProduct(
        slug="pebble-pocket-speaker",
        title="Pebble Pocket Speaker",
        description=(
            "A palm-sized Bluetooth speaker wrapped in recycled fabric, with a surprising "
            "amount of bass. Twelve hours of battery and splash-proof for the beach."
        ),
        category="audio",
        price_minor=4900,
        currency="USD",
        stock=34,
        tags=("speaker", "bluetooth", "portable"),
        art="speaker_pill",
        palette=("#e07a5f", "#3d405b"),
    ),
    DemoProduct(
        slug="walnut-bookshelf-speakers",
        title="Walnut Bookshelf Speakers (Pair)",
        description=(
            "A pair of powered bookshelf speakers in real walnut veneer with a silk-dome "
            "tweeter and a 5-inch woofer. Connect by Bluetooth, optical or phono input."
        ),
        category="audio",
        price_minor=24900,
        currency="USD",
        stock=4,
        tags=("speaker", "hifi", "wood"),
        art="speaker_box",
        palette=("#7a5234", "#1d1d1f"),
    ),
    # -- outdoor ---------------------------------------------------------------
    DemoProduct(
        slug="ridgeline-30l-backpack",
        title="Ridgeline 30L Hiking Backpack",
        description=(
            "A 30 litre pack with a ventilated back panel, padded hip belt and a "
            "stretch front pocket for layers. Water-resistant ripstop, with a rain "
            "cover tucked in the base."
        ),
        category="outdoor",
        price_minor=8900,
        currency="USD",
        stock=31,
        tags=("backpack", "hiking", "travel"),
        art="backpack",
        palette=("#3c5a40", "#d98e3a"),
    ),
    DemoProduct(
        slug="commuter-daypack",
        title="Commuter Daypack",
        description=(
            "A clean-lined 20 litre daypack with a padded 16-inch laptop sleeve and a "
            "quick-grab top pocket. Reflective details keep you seen on late rides home."
        ),
        category="outdoor",
        price_minor=6400,
        currency="USD",
        stock=0,
        tags=("backpack", "commute", "laptop"),
        art="backpack",
        palette=("#5f636b", "#c9463d"),
    ),
    DemoProduct(
        slug="basecamp-two-person-tent",
        title="Basecamp Two-Person Tent",
        description=(
            "A freestanding dome tent that pitches in five minutes, with two doors, two "
            "vestibules and a full-coverage rain fly. Packs down to 2.1 kg."
        ),
        category="outdoor",
        price_minor=18900,
        currency="USD",
        stock=7,
        tags=("tent", "camping"),
        art="tent",
        palette=("#e2703a", "#2f4858"),
    ),
    DemoProduct(
        slug="ember-led-lantern",
        title="Ember Rechargeable LED Lantern",
        description=(
            "A warm, dimmable camp lantern that runs for up to 60 hours on low and "
            "charges over USB-C. The folding handle hangs from a tent loop or a branch."
        ),
        category="outdoor",
        price_minor=3400,
        currency="USD",
        stock=88,
        tags=("lantern", "camping", "lighting"),
        art="lantern",
        palette=("#2d4a3e", "#f6c453"),
    ),
    DemoProduct(
        slug="summit-insulated-bottle",
        title="Summit Insulated Bottle, 750 ml",
        description=(
            "Double-walled stainless steel keeps drinks cold for 24 hours or hot for 12. "
            "The leak-proof cap has a carry loop, and the powder coat will not sweat "
            "or slip."
        ),
        category="outdoor",
        price_minor=2900,
        currency="USD",
        stock=120,
        tags=("bottle", "hydration", "travel"),
        art="bottle",
        palette=("#4a7fa7", "#1f2a33"),
    ),
    # -- fashion ---------------------------------------------------------------
    DemoProduct(
        slug="everyday-canvas-sneaker",
        title="Everyday Canvas Sneaker",
        description=(
            "A low-top sneaker in heavy cotton canvas on a natural rubber sole. "
            "Cushioned insole, metal eyelets and a navy heel stripe. Runs true to size."
        ),
        category="fashion",
        price_minor=6500,
        currency="USD",
        stock=44,
        tags=("sneakers", "shoes", "canvas"),
        art="sneaker",
        palette=("#f1ece2", "#2e4a62"),
    ),
    DemoProduct(
        slug="tempo-running-shoe",
        title="Tempo Running Shoe",
        description=(
            "A light, breathable running shoe with a springy foam midsole for daily "
            "miles. The engineered mesh upper hugs the foot without pressure points."
        ),
        category="fashion",
        price_minor=11000,
        currency="USD",
        stock=5,
        tags=("shoes", "running", "sport"),
        art="sneaker",
        palette=("#2b6cb0", "#f6ad55"),
    ),
    DemoProduct(
        slug="organic-cotton-crew-tee",
        title="Organic Cotton Crew Tee",
        description=(
            "A mid-weight tee in certified organic cotton with a relaxed fit and a "
            "ribbed crew neck. Pre-washed so it will not shrink."
        ),
        category="fashion",
        price_minor=2800,
        currency="USD",
        stock=110,
        tags=("t-shirt", "cotton", "basics"),
        art="tshirt",
        palette=("#e9e4da", "#c75c4a"),
    ),
    DemoProduct(
        slug="washed-twill-cap",
        title="Washed Twill Cap",
        description=(
            "A six-panel cap in garment-washed cotton twill with a curved brim and an "
            "adjustable brass buckle. Soft from the first wear."
        ),
        category="fashion",
        price_minor=2400,
        currency="USD",
        stock=67,
        tags=("cap", "hats", "cotton"),
        art="cap",
        palette=("#5b7352", "#efe6d2"),
    ),
    DemoProduct(
        slug="market-canvas-tote",
        title="Market Canvas Tote",
        description=(
            "A roomy tote in 16 oz natural canvas with long handles that sit comfortably "
            "on the shoulder. An inside pocket keeps keys and phone in reach."
        ),
        category="fashion",
        price_minor=2200,
        currency="USD",
        stock=95,
        tags=("tote", "bags", "canvas"),
        art="tote",
        palette=("#efe3cc", "#2f5d50"),
    ),
    # -- stationery ------------------------------------------------------------
    DemoProduct(
        slug="dot-grid-hardcover-notebook",
        title="Dot Grid Hardcover Notebook, A5",
        description=(
            "192 pages of 100 gsm dot-grid paper that takes fountain pen ink without "
            "bleeding. Lay-flat binding, an elastic closure and a ribbon bookmark."
        ),
        category="stationery",
        price_minor=1600,
        currency="USD",
        stock=85,
        tags=("notebook", "paper", "journal"),
        art="notebook",
        palette=("#1f4e5f", "#e3b448"),
    ),
    DemoProduct(
        slug="pocket-field-notes",
        title="Pocket Field Notes, 3-Pack",
        description=(
            "Three pocket-sized notebooks with kraft covers and 48 pages of lined paper "
            "each. Small enough for a back pocket, tough enough for a season outdoors."
        ),
        category="stationery",
        price_minor=1200,
        currency="USD",
        stock=100,
        tags=("notebook", "pocket", "paper"),
        art="notebook",
        palette=("#c2703d", "#f2ead8"),
    ),
    DemoProduct(
        slug="linen-sketchbook",
        title="Linen Sketchbook",
        description=(
            "A square sketchbook bound in sage linen, with 120 gsm cream paper for "
            "pencil, ink and light washes. Stitched so it opens flat across the spread."
        ),
        category="stationery",
        price_minor=2100,
        currency="USD",
        stock=1,
        tags=("sketchbook", "art", "paper"),
        art="notebook",
        palette=("#a7b8a8", "#2e3b32"),
    ),
    DemoProduct(
        slug="brass-fountain-pen",
        title="Brass Fountain Pen",
        description=(
            "A solid brass fountain pen that develops a warm patina as you use it. "
            "Steel fine nib, converter and two ink cartridges included."
        ),
        category="stationery",
        price_minor=5400,
        currency="USD",
        stock=12,
        tags=("pen", "fountain-pen", "writing"),
        art="pen",
        palette=("#b89155", "#1c1c1c"),
    ),
    DemoProduct(
        slug="fine-line-gel-pens",
        title="Fine-Line Gel Pens, Set of 5",
        description=(
            "Smooth 0.5 mm gel pens in five bright colours that dry fast and do not "
            "smudge. Great for planners, notes and colour-coding."
        ),
        category="stationery",
        price_minor=990,
        currency="USD",
        stock=73,
        tags=("pens", "colour", "writing"),
        art="pens",
        palette=("#3a86ff", "#ff006e"),
    ),
    # -- games -----------------------------------------------------------------
    DemoProduct(
        slug="harvest-valley-board-game",
        title="Harvest Valley Board Game",
        description=(
            "Plant, trade and harvest your way to the richest farm in the valley. A "
            "friendly strategy game for 2 to 5 players aged 10 and up; about 45 minutes "
            "a game."
        ),
        category="games",
        price_minor=4400,
        currency="USD",
        stock=26,
        tags=("board-game", "family", "strategy"),
        art="boardgame",
        palette=("#4f772d", "#f2c14e"),
    ),
    DemoProduct(
        slug="night-market-strategy-game",
        title="Night Market Strategy Game",
        description=(
            "Run a lantern-lit food stall and outbid your friends for the best spices. "
            "Quick to learn, with a clever auction twist. For 3 to 6 players."
        ),
        category="games",
        price_minor=3900,
        currency="USD",
        stock=14,
        tags=("board-game", "party", "strategy"),
        art="boardgame",
        palette=("#2b2d42", "#ef6f6c"),
    ),
    DemoProduct(
        slug="resin-dice-set",
        title="Resin Dice Set, 7 Pieces",
        description=(
            "A full polyhedral set for tabletop role-playing, cast in violet resin with "
            "crisp inked pips and numbers. Comes in a drawstring pouch."
        ),
        category="games",
        price_minor=1800,
        currency="USD",
        stock=58,
        tags=("dice", "tabletop", "rpg"),
        art="dice",
        palette=("#7b2cbf", "#f1e9ff"),
    ),
    DemoProduct(
        slug="wooden-stacking-blocks",
        title="Wooden Stacking Blocks, 20 Pieces",
        description=(
            "Twenty smooth beech blocks, some painted in child-safe colours, for towers, "
            "bridges and knocking it all down again. For ages 18 months and up."
        ),
        category="games",
        price_minor=3200,
        currency="USD",
        stock=39,
        tags=("blocks", "kids", "wooden"),
        art="blocks",
        palette=("#e4a672", "#3f88c5"),
    ),
)
