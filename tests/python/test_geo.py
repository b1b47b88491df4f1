import json
import math
import subprocess

import numpy as np
import pytest

import saring


@pytest.fixture(scope="module")
def jakarta():
    return saring.AreaSet.jakarta()


def report(lat, lon, **kw):
    fields = {"id": kw.pop("id", "r1"), "time": kw.pop("time", "2026-11-28T08:15:00+07:00"), "lat": lat, "lon": lon}
    fields.update(kw)
    return saring.Report.from_json(json.dumps(fields))


def test_known_places(jakarta):
    chain = jakarta.lookup(-6.1754, 106.8272)  # Monas
    assert [a.code for a in chain] == ["31", "31.71", "31.71.01", "31.71.01.1001"]
    assert chain[-1].name == "Gambir"
    assert jakarta.lookup(-6.1087, 106.8859)[-1].name == "Tanjung Priok"
    assert jakarta.lookup(-5.7453, 106.6140)[1].code == "31.01"  # Pulau Pramuka, Kepulauan Seribu
    assert jakarta.lookup(-6.02, 106.85) == []  # Jakarta Bay
    assert jakarta.in_water(-6.02, 106.85)
    assert 20000 < jakarta.distance_to_service_area_m(-6.5971, 106.8060) < 30000  # Bogor
    assert jakarta.size("kelurahan") == 267
    with pytest.raises(ValueError, match="read-only"):
        jakarta.add_geojson("{}", "x")


def test_find_many_matches_find_and_geos(jakarta):
    rng = np.random.default_rng(5)
    lat = rng.uniform(-6.38, -6.08, 3000)
    lon = rng.uniform(106.68, 106.98, 3000)
    idx = jakarta.find_many("kelurahan", lat, lon)
    assert idx.dtype == np.int32 and idx.shape == (3000,)
    assert (idx >= 0).sum() > 1200
    for i in range(0, 3000, 37):
        one = jakarta.find("kelurahan", lat[i], lon[i])
        assert idx[i] == (-1 if one is None else one)
        geos = jakarta.find_all_geos("kelurahan", lat[i], lon[i])
        assert (idx[i] == -1) == (len(geos) == 0)
    with pytest.raises(ValueError):
        jakarta.find_many("kelurahan", lat, lon[:10])
    with pytest.raises(ValueError):
        jakarta.find_many("dusun", lat, lon)


def test_distance_to_level_matches_geos(jakarta):
    # Points around and beyond the city: inside gives 0, outside the grid's answer equals GEOS's.
    rng = np.random.default_rng(11)
    lat = rng.uniform(-6.6, -5.9, 200)
    lon = rng.uniform(106.5, 107.2, 200)
    outside = 0
    for level in ("kota", "kelurahan"):
        for a, b in zip(lat, lon):
            d = jakarta.distance_to_level_m(level, a, b)
            assert d == jakarta.distance_to_level_geos_m(level, a, b)
            assert (d == 0) == (jakarta.find(level, a, b) is not None)
            outside += d > 0
    assert outside > 50
    assert 20000 < jakarta.distance_to_level_m("kota", -6.5971, 106.8060) < 30000  # Bogor
    assert math.isnan(jakarta.distance_to_level_m("kota", math.nan, 106.8))
    with pytest.raises(ValueError):
        jakarta.distance_to_level_m("dusun", -6.2, 106.8)


def test_nan_and_infinity(jakarta):
    assert jakarta.lookup(math.nan, 106.8) == []
    assert jakarta.lookup(-6.2, math.inf) == []
    r = saring.GeotagChecker(jakarta).evaluate(report(91.0, 106.8))
    assert "GEO_INVALID_COORDINATES" in r.codes


def test_broken_geojson_names_the_feature():
    s = saring.AreaSet()
    with pytest.raises(ValueError, match="not valid JSON"):
        s.add_geojson("{", "x.geojson")
    bowtie = json.dumps({"type": "Feature", "properties": {"kode": "7", "nama": "Bow", "level": "kelurahan"},
                         "geometry": {"type": "Polygon", "coordinates": [[[0, 0], [2, 2], [2, 0], [0, 2], [0, 0]]]}})
    with pytest.raises(ValueError, match=r"feature #0 \(7 Bow\).*invalid polygon"):
        s.add_geojson(bowtie, "bow.geojson", repair=False)
    s.add_geojson(bowtie, "bow.geojson")
    assert len(s.repair_notes) == 1 and s.area("kelurahan", 0).repaired
    with pytest.raises(OSError):
        s.add_geojson_file("/nonexistent.geojson")


def test_geotag_reasons(jakarta):
    checker = saring.GeotagChecker(jakarta)
    assert checker.evaluate(report(-6.1754, 106.8272)).plausibility == 1.0
    assert checker.evaluate(report(0.0, 0.0)).codes == ["GEO_NULL_ISLAND"]
    swapped = checker.evaluate(report(106.8272, -6.1754))
    assert "GEO_SWAPPED_LATLON" in swapped.codes
    depok = checker.evaluate(report(-6.4025, 106.7942))
    assert depok.find("GEO_OUTSIDE_SERVICE_AREA").value > 2000
    assert "GEO_IN_SEA" in checker.evaluate(report(-6.02, 106.85)).codes
    mock = checker.evaluate(report(-6.1754, 106.8272, client={"mock_location": True}))
    assert mock.codes == ["GEO_MOCK_LOCATION"] and 0 < mock.plausibility < 1
    emu = checker.evaluate(report(37.421998, -122.084))
    assert "GEO_EMULATOR_POSITION" in emu.codes
    reasons = emu.reasons()
    assert all(r.group == "geotag" for r in reasons)


def test_options_and_history(jakarta):
    opts = saring.GeotagOptions()
    opts.max_speed_kmh = 100
    checker = saring.GeotagChecker(jakarta, opts)
    history = saring.GeoHistory()
    empty_bytes = history.memory_bytes
    a = report(-6.1754, 106.8272, id="a", reporter="u", time="2026-11-28T08:00:00+07:00")
    history.commit(a)
    assert history.reporter_count == 1 and history.coordinate_count == 1
    assert history.memory_bytes > empty_bytes
    b = report(-6.3000, 106.8272, id="b", reporter="u", time="2026-11-28T08:05:00+07:00")  # 14 km in 5 min
    r = checker.evaluate(b, history=history)
    assert r.find("GEO_IMPOSSIBLE_TRAVEL").value > 100
    opts.weight_outside = 2.0
    with pytest.raises(ValueError):
        saring.GeotagChecker(jakarta, opts)


def test_exif_from_synthetic_jpeg(data_dir, jakarta):
    path = data_dir / "geo" / "synthetic_gps_monas.jpg"
    e = saring.read_photo_exif_file(str(path))
    assert e.has_exif and e.make == "SaringCam"
    assert e.gps.lat == pytest.approx(-6.175392, abs=1e-6)
    assert e.gps_accuracy_m == pytest.approx(4.7)
    assert e.offset_minutes == 420
    same = saring.read_photo_exif(path.read_bytes())
    assert same.gps.lon == pytest.approx(e.gps.lon)
    with pytest.raises(ValueError):
        saring.read_photo_exif(path.read_bytes(), max_bytes=10)
    checker = saring.GeotagChecker(jakarta)
    far = report(-6.2000, 106.8450)
    assert "GEO_PHOTO_GPS_MISMATCH" in checker.evaluate(far, photos=[e]).codes
    near = report(-6.17540, 106.82716)
    assert checker.evaluate(near, photos=[e]).codes == []


def test_cli(cli, tmp_path, data_dir):
    lines = [
        {"id": "monas", "time": "2026-11-28T08:15:00+07:00", "lat": -6.1754, "lon": 106.8272,
         "photos": [str(data_dir / "geo" / "synthetic_gps_monas.jpg")]},
        {"id": "bogor", "time": "2026-11-28T08:15:00+07:00", "lat": -6.5971, "lon": 106.8060},
    ]
    f = tmp_path / "in.jsonl"
    f.write_text("\n".join(json.dumps(x) for x in lines) + "\nnot json\n")
    p = subprocess.run([cli, "geo", str(f)], capture_output=True, text=True)
    assert p.returncode == 1  # the broken line is reported, the others are judged
    assert "line 3" in p.stderr
    out = [json.loads(x) for x in p.stdout.splitlines()]
    assert out[0]["id"] == "monas" and out[0]["scores"]["geotag"] == 0.0
    assert out[0]["geotag"]["plausibility"] == 1.0
    assert out[0]["areas"][-1]["name"] == "Gambir"
    assert out[1]["reasons"][0]["code"] == "GEO_OUTSIDE_SERVICE_AREA"
    assert out[1]["areas"] == []


def test_cli_geotag_score_means_what_the_verdict_means(cli, tmp_path):
    # REPORT_FORMAT.md: `saring geo` writes the verdict's subset, so scores.geotag must carry the
    # verdict's meaning (a risk: higher is worse) and value, not the plausibility.
    line = {"id": "bogor", "time": "2026-11-28T08:15:00+07:00", "lat": -6.5971, "lon": 106.8060}
    f = tmp_path / "in.jsonl"
    f.write_text(json.dumps(line) + "\n")
    p = subprocess.run([cli, "geo", "--no-photos", str(f)], capture_output=True, text=True)
    assert p.returncode == 0, p.stderr
    geo = json.loads(p.stdout)
    verdict = json.loads(saring.Filter().submit(saring.Report.from_json(json.dumps(line))).to_json())
    assert verdict["scores"]["geotag"] >= 0.9
    assert geo["scores"]["geotag"] == pytest.approx(verdict["scores"]["geotag"], abs=1e-9)
    assert geo["geotag"]["plausibility"] == pytest.approx(1.0 - verdict["scores"]["geotag"], abs=1e-9)


def test_cli_level_distances_and_stats(cli, tmp_path):
    lines = [
        {"id": "bogor", "reporter": "r1", "time": "2026-11-28T08:15:00+07:00", "lat": -6.5971, "lon": 106.8060},
        {"id": "gambir", "reporter": "r2", "time": "2026-11-28T08:16:00+07:00", "lat": -6.1754, "lon": 106.8272},
        {"id": "pole", "time": "2026-11-28T08:17:00+07:00", "lat": 95.0, "lon": 106.8},
    ]
    f = tmp_path / "in.jsonl"
    f.write_text("\n".join(json.dumps(x) for x in lines) + "\n")
    p = subprocess.run([cli, "geo", "--distance-to", "kabupaten_kota", "--distance-to", "kelurahan", "--stats",
                        "--no-photos", str(f)], capture_output=True, text=True)
    assert p.returncode == 0, p.stderr
    out = [json.loads(x) for x in p.stdout.splitlines()]
    jakarta = saring.AreaSet.jakarta()
    for o, x in zip(out[:2], lines[:2]):
        d = o["geotag"]["distance_to_level_m"]
        assert list(d) == ["kabupaten_kota", "kelurahan"]
        assert d["kabupaten_kota"] == jakarta.distance_to_level_m("kabupaten_kota", x["lat"], x["lon"])
        assert d["kelurahan"] == jakarta.distance_to_level_m("kelurahan", x["lat"], x["lon"])
    assert out[0]["geotag"]["distance_to_level_m"]["kabupaten_kota"] > 20000  # Bogor lies south of the city
    assert out[1]["geotag"]["distance_to_level_m"] == {"kabupaten_kota": 0.0, "kelurahan": 0.0}
    # Out-of-range coordinates are judged but have no distance.
    assert out[2]["geotag"]["distance_to_level_m"] == {"kabupaten_kota": None, "kelurahan": None}
    assert "3 reports judged" in p.stderr and "2 reporters, 2 coordinates" in p.stderr
    # Without the option the field is absent, as before.
    plain = subprocess.run([cli, "geo", "--no-photos", str(f)], capture_output=True, text=True)
    assert all("distance_to_level_m" not in json.loads(x)["geotag"] for x in plain.stdout.splitlines())
    bad = subprocess.run([cli, "geo", "--distance-to", "kampung", str(f)], capture_output=True, text=True)
    assert bad.returncode == 2 and "unknown area level 'kampung'" in bad.stderr and bad.stdout == ""


def test_cli_config_sets_every_geotag_option_and_the_areas(cli, tmp_path):
    # `saring geo --config/--set` reads the filter config's "geotag" section, so every GeotagOptions
    # field and the areas are settable from the CLI, and geo judges as `saring run --config` does.
    kota = {"type": "FeatureCollection", "features": [{
        "type": "Feature", "properties": {"kode": "32.73", "nama": "Kota Bandung"},
        "geometry": {"type": "Polygon", "coordinates": [[[107.55, -6.97], [107.72, -6.97], [107.72, -6.84],
                                                         [107.55, -6.84], [107.55, -6.97]]]}}]}
    (tmp_path / "kota.geojson").write_text(json.dumps(kota))
    cfg = tmp_path / "saring.json"
    cfg.write_text(json.dumps({"geotag": {"areas": [{"path": "kota.geojson", "level": "kabupaten_kota"}]}}))
    lines = [{"id": "bdg", "time": "2026-10-01T08:00:00+07:00", "lat": -6.9147, "lon": 107.6098},
             {"id": "jkt", "time": "2026-10-01T08:05:00+07:00", "lat": -6.1754, "lon": 106.8272}]
    src = tmp_path / "in.jsonl"
    src.write_text("".join(json.dumps(x) + "\n" for x in lines))

    def geo(*extra):
        p = subprocess.run([cli, "geo", "--no-photos", *extra, str(src)], capture_output=True, text=True)
        assert p.returncode == 0, p.stderr
        return {o["id"]: o for o in map(json.loads, p.stdout.splitlines())}

    plain = geo()
    assert plain["bdg"]["reasons"][0]["code"] == "GEO_OUTSIDE_SERVICE_AREA" and plain["jkt"]["reasons"] == []
    configured = geo("--config", str(cfg))
    assert [(a["level"], a["name"]) for a in configured["bdg"]["areas"]] == [("kabupaten_kota", "Kota Bandung")]
    assert configured["bdg"]["reasons"] == []
    assert [r["code"] for r in configured["jkt"]["reasons"]] == ["GEO_OUTSIDE_SERVICE_AREA"]
    run = subprocess.run([cli, "run", "--no-progress", "--config", str(cfg), str(src)], capture_output=True, text=True,
                         check=True)
    verdicts = {v["id"]: v for v in map(json.loads, run.stdout.splitlines())}
    for rid in ("bdg", "jkt"):
        assert configured[rid]["scores"]["geotag"] == pytest.approx(verdicts[rid]["scores"]["geotag"], abs=1e-9)
        assert configured[rid]["areas"] == verdicts[rid]["areas"]
    # Any GeotagOptions field by --set: 5 decimals required, the pins have 4.
    strict = geo("--set", "geotag.min_decimals=5")
    assert "GEO_LOW_PRECISION" in [r["code"] for r in strict["jkt"]["reasons"]]
    assert "GEO_LOW_PRECISION" not in [r["code"] for r in plain["jkt"]["reasons"]]
    bad = subprocess.run([cli, "geo", "--set", "geotag.no_such_option=1", str(src)], capture_output=True, text=True)
    assert bad.returncode == 2 and "geotag.no_such_option" in bad.stderr
    # --areas names the areas instead of the config (a feature without a level property needs one
    # from somewhere: here the file's features carry it); --water alone keeps the bundled levels.
    kota["features"][0]["properties"]["level"] = "kabupaten_kota"
    (tmp_path / "kota_level.geojson").write_text(json.dumps(kota))
    by_flag = geo("--areas", str(tmp_path / "kota_level.geojson"))
    assert by_flag["bdg"]["areas"] == configured["bdg"]["areas"] and by_flag["bdg"]["reasons"] == []
    assert [r["code"] for r in by_flag["jkt"]["reasons"]] == ["GEO_OUTSIDE_SERVICE_AREA"]
    lake = {"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {}, "geometry": {
        "type": "Polygon", "coordinates": [[[106.0, -5.0], [106.1, -5.0], [106.1, -4.9], [106.0, -4.9], [106.0, -5.0]]]}}]}
    (tmp_path / "lake.geojson").write_text(json.dumps(lake))
    water_only = geo("--water", str(tmp_path / "lake.geojson"))
    assert water_only["jkt"]["areas"] == plain["jkt"]["areas"] and water_only["jkt"]["reasons"] == []
    missing = subprocess.run([cli, "geo", "--areas", str(tmp_path / "nope.geojson"), str(src)], capture_output=True,
                             text=True)
    assert missing.returncode == 2 and "nope.geojson" in missing.stderr
