import json
import os
import subprocess
import threading

import pytest

import saring


def report(rid, time, lat, lon, category="sampah", text="", reporter=""):
    return saring.Report.from_json(json.dumps({"id": rid, "time": time, "lat": lat, "lon": lon,
                                               "category": category, "text": text, "reporter": reporter}))


def test_duplicate_by_text_and_idempotent():
    f = saring.Filter(saring.FilterOptions.load(overrides=["journal.sync=none"]))
    a = f.submit(report("a", "2026-10-01T08:00:00+07:00", -6.2, 106.8, text="sampah menumpuk di jalan kemang raya"))
    assert a.decision == "accept" and a.incident == "a"
    b = f.submit(report("b", "2026-10-01T09:00:00+07:00", -6.2003, 106.8, text="sampah menumpuk di jalan kemang raya, bau"))
    assert b.decision == "duplicate" and b.duplicate_of == "a"
    assert b.reasons[0].code == "DUP_SIMILAR_TEXT"
    again = f.submit(report("b", "2026-10-09T09:00:00+07:00", 0, 0))
    assert again.to_json() == b.to_json()
    assert f.incident_members("b") == ["a", "b"]


def test_photo_hash_reuse_and_feedback():
    f = saring.Filter()
    h = saring.Hash256.from_hex("f" * 64)
    feats = saring.ReportFeatures([saring.PhotoFeatures(pdq=h)])
    f.submit(report("a", "2026-10-01T08:00:00+07:00", -6.2, 106.8, reporter="u1"), feats)
    far = f.submit(report("b", "2026-10-01T12:00:00+07:00", -6.35, 106.9, reporter="u2"), feats)
    assert far.decision == "review"
    assert "IMG_REUSED_PHOTO_DISTANT" in [r.code for r in far.reasons]
    f.feedback("reject_spam", "b")
    assert f.reporter("u2").rejected == 1
    with pytest.raises(saring.Error):
        f.feedback("reject_spam", "nope")
    with pytest.raises(saring.Error):
        f.feedback("explode", "a")


def test_config_errors_name_the_key():
    with pytest.raises(saring.Error, match="duplicate.radius"):
        saring.FilterOptions.from_json('{"duplicate": {"radius": 3}}')
    o = saring.FilterOptions.load(overrides=["duplicate.radius_m=300"])
    assert json.loads(o.to_json())["duplicate"]["radius_m"] == 300


def test_state_dir_survives_reopen(tmp_path):
    f = saring.Filter(saring.FilterOptions(), str(tmp_path))
    v = f.submit(report("a", "2026-10-01T08:00:00+07:00", -6.2, 106.8))
    del f
    g = saring.Filter(saring.FilterOptions(), str(tmp_path))
    assert g.verdict_of("a").to_json() == v.to_json()
    assert g.stats()["committed"] == 1


def test_threads_submit_concurrently():
    f = saring.Filter()
    def work(t):
        for k in range(100):
            f.submit(report(f"t{t}-{k}", "2026-10-01T08:00:00+07:00", -6.2 + 0.001 * k, 106.8 + 0.01 * t))
    threads = [threading.Thread(target=work, args=(t,)) for t in range(4)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert f.stats()["retained_reports"] == 400


def test_open311_and_similarity():
    rs = saring.parse_open311('[{"service_request_id": 5, "lat": "-6.2", "long": 106.8, '
                              '"requested_datetime": "2026-10-01T08:00:00+07:00", "service_code": "banjir"}]')
    assert rs[0].id == "5" and rs[0].category == "banjir" and rs[0].lat == -6.2
    with pytest.raises(saring.Error, match="service_request_id"):
        saring.parse_open311('[{"lat": 1, "long": 2}]')
    assert saring.text_similarity("Banjir tinggi", "banjir tinggi") == 1.0


def test_geometric_match(data_dir):
    d = data_dir / "filter"
    same = saring.geometric_match(str(d / "scene.jpg"), str(d / "scene_crop.jpg"))
    other = saring.geometric_match(str(d / "scene.jpg"), str(d / "other.jpg"))
    assert same["same_scene"] and not other["same_scene"]
    with pytest.raises(OSError):
        saring.geometric_match(str(d / "missing.jpg"), str(d / "other.jpg"))
    # Bytes and os.PathLike work as paths do, with the same result.
    by_bytes = saring.geometric_match((d / "scene.jpg").read_bytes(), d / "scene_crop.jpg")
    assert by_bytes == same
    # The other GeometricOptions: fewer keypoints give fewer matches; an impossible bar is never met.
    few = saring.geometric_match(str(d / "scene.jpg"), str(d / "scene_crop.jpg"), max_features=60)
    assert few["keypoints_a"] <= 60 and few["good_matches"] < same["good_matches"]
    strict = saring.geometric_match(str(d / "scene.jpg"), str(d / "scene_crop.jpg"), min_inliers=10_000)
    assert not strict["same_scene"] and strict["inliers"] == same["inliers"]
    with pytest.raises(ValueError):
        saring.geometric_match(str(d / "scene.jpg"), str(d / "scene_crop.jpg"), ratio=1.5)
    with pytest.raises(saring.Error):
        saring.geometric_match(b"not a photo", str(d / "other.jpg"))


def test_demo_scores():
    d = saring.find_demo_dir()
    f = saring.Filter()
    verdicts = [f.submit(r) for r in saring.load_demo_reports(d)]
    s = saring.score_demo(verdicts, d)
    assert s["total"] == len(verdicts) > 200
    assert s["duplicate"]["precision"] > 0.9


def test_demo_photos_as_bytes_judged_like_paths():
    """Every demo report with its photos handed over as bytes gets the decision, duplicate_of,
    incident, scores and reason codes it gets with the paths (the ORB checks read the store)."""
    d = saring.find_demo_dir()
    opts = saring.FilterOptions.load(overrides=["journal.sync=none"])
    by_path, by_bytes = saring.Filter(opts), saring.Filter(opts)

    def outcome(v):
        j = json.loads(v.to_json())
        return (j["decision"], j["duplicate_of"], j["incident"], j["scores"], [x["code"] for x in j["reasons"]])

    with_photos = photos = 0
    for r in saring.load_demo_reports(d):
        b = saring.Report.from_json(r.to_json())
        b.photo_bytes = [open(p, "rb").read() for p in r.photos]
        b.photos = []
        with_photos += bool(b.photo_bytes)
        photos += len(b.photo_bytes)
        assert outcome(by_bytes.submit(b)) == outcome(by_path.submit(r)), r.id
    assert with_photos >= 90
    assert by_bytes.stats()["geometric_matches"] > 0
    assert 0 < by_bytes.stats()["stored_photos"] <= photos


def test_cli_run_open311(cli, tmp_path):
    src = tmp_path / "in.json"
    src.write_text(json.dumps([{"service_request_id": "x1", "lat": -6.2, "long": 106.8,
                                "requested_datetime": "2026-10-01T08:00:00+07:00", "description": "banjir"}]))
    out = subprocess.run([cli, "run", "--format", "open311", "--state", str(tmp_path / "st"), str(src)],
                         capture_output=True, text=True, check=True)
    v = json.loads(out.stdout.splitlines()[0])
    assert v["id"] == "x1" and v["decision"] == "accept"
    assert "1 reports" in out.stderr
    assert "state: 1 retained reports, 1 incidents" in out.stderr
    # A second run on the same state starts from it: two reports retained now.
    src2 = tmp_path / "in2.json"
    src2.write_text(json.dumps([{"service_request_id": "x2", "lat": -6.21, "long": 106.81,
                                 "requested_datetime": "2026-10-01T09:00:00+07:00", "description": "jalan rusak"}]))
    again = subprocess.run([cli, "run", "--format", "open311", "--state", str(tmp_path / "st"), str(src2)],
                           capture_output=True, text=True, check=True)
    assert "state: 2 retained reports" in again.stderr
    fb = subprocess.run([cli, "feedback", "--state", str(tmp_path / "st"), "confirm", "x1"], capture_output=True, text=True)
    assert fb.returncode == 0, fb.stderr
    bad = subprocess.run([cli, "run", "--set", "duplicate.radius=5", str(src)], capture_output=True, text=True)
    assert bad.returncode == 2 and "duplicate.radius" in bad.stderr


def test_unreadable_photo_is_named(tmp_path):
    """A photo that cannot be decoded gives no hash, an error naming the file, and IMG_UNREADABLE."""
    bad = tmp_path / "broken.jpg"
    bad.write_bytes(b"\xff\xd8\xff\xe0 not really a jpeg")
    r = saring.Report.from_json(json.dumps({"id": "p1", "time": "2026-10-01T08:00:00+07:00", "lat": -6.2,
                                            "lon": 106.8, "category": "sampah", "photos": [str(bad)]}))
    feats = saring.compute_features(r)
    assert feats.photos[0].pdq is None
    assert "broken.jpg" in feats.photos[0].error
    v = saring.Filter(saring.FilterOptions.load(overrides=["journal.sync=none"])).submit(r)
    codes = [x.code for x in v.reasons]
    assert "IMG_UNREADABLE" in codes
    assert v.decision in ("accept", "review")


def test_photos_as_bytes(data_dir, tmp_path):
    """Photos handed over as bytes are stored in the state and compared like paths (the other angle
    of a scene needs the geometric check, which reads the first report's photo back)."""
    d = data_dir / "filter"
    a = report("a", "2026-10-01T08:00:00+07:00", -6.2, 106.8, category="jalan_rusak")
    a.photo_bytes = [(d / "scene.jpg").read_bytes()]
    b = report("b", "2026-10-01T09:00:00+07:00", -6.2003, 106.8, category="jalan_rusak")
    b.photo_bytes = [saring.PhotoBytes(bytearray((d / "scene_other_angle.jpg").read_bytes()), "angle.jpg")]
    assert b.photo_bytes[0].name == "angle.jpg" and b.photo_bytes[0].data[:2] == b"\xff\xd8"
    assert "photo_bytes" not in a.to_json()  # not part of the JSON form
    state = tmp_path / "state"
    opts = saring.FilterOptions.load(overrides=["journal.sync=none"])
    f = saring.Filter(opts, str(state))
    assert f.submit(a).decision == "accept"
    vb = f.submit(b)
    assert vb.decision == "duplicate" and vb.duplicate_of == "a"
    assert "DUP_SAME_SCENE" in [x.code for x in vb.reasons]
    assert len(list((state / "photos").iterdir())) == 2
    st = f.stats()
    assert st["stored_photos"] == 2
    assert st["stored_photo_bytes"] == sum(p.stat().st_size for p in (state / "photos").iterdir())
    # compute_features hashes the bytes too (after the paths), storing nothing
    feats = saring.compute_features(b)
    assert len(feats.photos) == 1 and feats.photos[0].pdq is not None and feats.photos[0].path == ""
    bad = report("c", "2026-10-01T09:00:00+07:00", -6.25, 106.85)
    bad.photo_bytes = [saring.PhotoBytes(b"not a photo", "upload.jpg")]
    vc = f.submit(bad)
    assert any(x.code == "IMG_UNREADABLE" and "upload.jpg" in x.detail for x in vc.reasons)
    with pytest.raises(TypeError):
        bad.photo_bytes = ["a string is not bytes"]


def test_photo_features_carry_dihedral_hashes_and_exif():
    # What a backend that hashes photos elsewhere hands in: the 8 dihedral hashes (photo reuse then
    # finds a rotated copy) and the EXIF facts (the geotag checks compare the photo's GPS with the pin).
    import numpy as np
    rng = np.random.default_rng(5)
    image = np.kron(rng.integers(0, 256, (16, 16, 3)), np.ones((8, 8, 1))).astype(np.uint8)
    by_name, quality = saring.pdq_dihedral(image)
    variants = list(by_name.values())
    assert quality >= 50 and len(variants) == 8
    assert variants[0].distance(variants[1]) > 20  # a plain PDQ query does not see the rotation

    f = saring.Filter(saring.FilterOptions.load(overrides=["journal.sync=none"]))
    rotated = saring.PhotoFeatures("a.jpg", variants[1], quality)
    f.submit(report("a", "2026-10-01T08:00:00+07:00", -6.2, 106.8, reporter="u1"), saring.ReportFeatures([rotated]))
    b = report("b", "2026-10-01T12:00:00+07:00", -6.35, 106.9, reporter="u2")
    plain = saring.PhotoFeatures("b.jpg", variants[0], quality)
    assert plain.dihedral is None and plain.exif is None
    assert "IMG_REUSED_PHOTO_DISTANT" not in [r.code for r in f.evaluate(b, saring.ReportFeatures([plain])).reasons]
    with_variants = saring.PhotoFeatures("b.jpg", variants[0], quality, dihedral=variants)
    assert [h.hex() for h in with_variants.dihedral] == [h.hex() for h in variants]
    assert "IMG_REUSED_PHOTO_DISTANT" in [r.code for r in f.evaluate(b, saring.ReportFeatures([with_variants])).reasons]
    with pytest.raises(TypeError):
        saring.PhotoFeatures("b.jpg", variants[0], quality, dihedral=variants[:7])

    exif = saring.PhotoExif()
    exif.has_exif = True
    exif.gps = saring.LatLon(-6.2000, 106.8450)  # ~3.4 km from the pin below
    monas = report("c", "2026-10-01T12:00:00+07:00", -6.17540, 106.82716)
    no_exif = f.evaluate(monas, saring.ReportFeatures([saring.PhotoFeatures("c.jpg")]))
    assert "GEO_PHOTO_GPS_MISMATCH" not in [r.code for r in no_exif.reasons]
    far_photo = saring.PhotoFeatures("c.jpg", exif=exif)
    assert far_photo.exif.gps.lat == -6.2
    assert "GEO_PHOTO_GPS_MISMATCH" in [r.code for r in f.evaluate(monas, saring.ReportFeatures([far_photo])).reasons]


def test_cli_errors_name_the_input(cli, tmp_path):
    # saring run names the file in per-line errors, as saring geo and saring spam score do.
    src = tmp_path / "mixed.jsonl"
    src.write_text(json.dumps({"id": "ok", "time": "2026-10-01T08:00:00+07:00", "lat": -6.2, "lon": 106.8}) +
                   "\nnot json\n")
    p = subprocess.run([cli, "run", str(src)], capture_output=True, text=True)
    assert p.returncode == 1
    assert f"saring run: {src}: line 2: report is not valid JSON" in p.stderr
    assert json.loads(p.stdout)["id"] == "ok"
    # Feedback on a state directory that does not exist is a named error, and creates nothing.
    missing = tmp_path / "no-such-state"
    fb = subprocess.run([cli, "feedback", "--state", str(missing), "confirm", "ok"], capture_output=True, text=True)
    assert fb.returncode == 2
    assert f"state directory '{missing}' does not exist" in fb.stderr and "[not_found]" in fb.stderr
    assert not missing.exists()


BANDUNG = {"type": "FeatureCollection", "features": [{
    "type": "Feature", "properties": {"kode": "32.73", "nama": "Kota Bandung"},
    "geometry": {"type": "Polygon", "coordinates": [[[107.55, -6.97], [107.72, -6.97], [107.72, -6.84],
                                                     [107.55, -6.84], [107.55, -6.97]]]}}]}


def test_configured_areas_from_python_and_cli(cli, tmp_path):
    """A city other than Jakarta: its areas come from the config (Python and `saring run --config`)."""
    (tmp_path / "geo").mkdir()
    (tmp_path / "geo" / "kota.geojson").write_text(json.dumps(BANDUNG))
    opts = saring.FilterOptions.from_json(json.dumps({"journal": {"sync": "none"}, "geotag": {
        "areas": [{"path": str(tmp_path / "geo" / "kota.geojson"), "level": "kabupaten_kota"}]}}))
    f = saring.Filter(opts)
    v = f.submit(report("bdg", "2026-10-01T08:00:00+07:00", -6.9147, 107.6098))
    assert v.decision == "accept"
    assert [(a.level, a.code, a.name) for a in v.areas] == [("kabupaten_kota", "32.73", "Kota Bandung")]
    far = f.submit(report("jkt", "2026-10-01T08:05:00+07:00", -6.1754, 106.8272))
    assert "GEO_OUTSIDE_SERVICE_AREA" in [r.code for r in far.reasons]
    # The same through the CLI, with the path relative to the config file.
    cfg = tmp_path / "saring.json"
    cfg.write_text(json.dumps({"geotag": {"areas": [{"path": "geo/kota.geojson", "level": "kabupaten_kota"}]}}))
    src = tmp_path / "in.jsonl"
    src.write_text(json.dumps({"id": "r1", "time": "2026-10-01T08:00:00+07:00", "lat": -6.9147, "lon": 107.6098,
                               "category": "sampah"}) + "\n")
    out = subprocess.run([os.path.abspath(cli), "run", "--config", str(cfg), str(src)], capture_output=True,
                         text=True, check=True, cwd="/")
    line = json.loads(out.stdout.splitlines()[0])
    assert line["decision"] == "accept"
    assert line["areas"][0]["code"] == "32.73"
    missing = subprocess.run([cli, "run", "--set", 'geotag.areas=[{"path": "nope.geojson"}]', str(src)],
                             capture_output=True, text=True)
    assert missing.returncode != 0 and "geotag.areas[0]" in missing.stderr and "nope.geojson" in missing.stderr


def test_cli_inspect_state(cli, tmp_path):
    # The CLI side of verdict_of, reporter, incident_members and stats, on what `saring run` kept.
    state = tmp_path / "st"
    src = tmp_path / "in.jsonl"
    lines = [
        {"id": "a", "reporter": "u1", "time": "2026-10-01T08:00:00+07:00", "lat": -6.2, "lon": 106.8,
         "category": "sampah", "text": "sampah menumpuk di jalan kemang raya"},
        {"id": "b", "reporter": "u2", "time": "2026-10-01T09:00:00+07:00", "lat": -6.2003, "lon": 106.8,
         "category": "sampah", "text": "sampah menumpuk di jalan kemang raya, bau"},
    ]
    src.write_text("".join(json.dumps(x) + "\n" for x in lines))
    run = subprocess.run([cli, "run", "--state", str(state), str(src)], capture_output=True, text=True, check=True)
    verdicts = run.stdout.splitlines()
    assert json.loads(verdicts[1])["decision"] == "duplicate"
    subprocess.run([cli, "feedback", "--state", str(state), "reject_spam", "b"], capture_output=True, check=True)

    def inspect(*args):
        return subprocess.run([cli, "inspect", "--state", str(state), *args], capture_output=True, text=True)

    p = inspect("verdict", "a", "nope", "b")
    assert p.returncode == 1  # one id is not held; the others are still printed
    out = p.stdout.splitlines()
    assert out[0] == verdicts[0] and out[2] == verdicts[1]
    assert json.loads(out[1]) == {"id": "nope", "error": "no report with this id is held"}
    p = inspect("reporter", "u2")
    assert p.returncode == 0, p.stderr
    assert json.loads(p.stdout) == {"reporter": "u2", "reports": 1, "confirmed": 0, "rejected": 1,
                                    "reputation": pytest.approx(1 / 3)}
    assert json.loads(inspect("incident", "a").stdout) == {"id": "a", "members": ["a"]}
    stats = json.loads(inspect("stats").stdout)
    assert stats["retained_reports"] == 2 and stats["committed"] >= 2
    assert stats["stored_photos"] == 0 and stats["stored_photo_bytes"] == 0  # no photos given as bytes
    # Read-only: a later run on the same state still holds exactly the two reports.
    again = subprocess.run([cli, "run", "--state", str(state), str(src)], capture_output=True, text=True, check=True)
    assert again.stdout.splitlines() == verdicts
    assert "state: 2 retained reports" in again.stderr
    bad = inspect("everything")
    assert bad.returncode == 2 and "unknown lookup 'everything'" in bad.stderr
    gone = subprocess.run([cli, "inspect", "--state", str(tmp_path / "none"), "stats"], capture_output=True, text=True)
    assert gone.returncode == 2 and "does not exist" in gone.stderr and not (tmp_path / "none").exists()
