"""saring's clustering against scikit-learn's DBSCAN(metric="haversine", algorithm="ball_tree")."""
import numpy as np
import pytest

import saring

sklearn_cluster = pytest.importorskip("sklearn.cluster")

R = 6371008.8


def sklearn_labels(lat, lon, eps_m, min_pts):
    X = np.radians(np.c_[lat, lon])
    return sklearn_cluster.DBSCAN(eps=eps_m / R, min_samples=min_pts, metric="haversine",
                                  algorithm="ball_tree").fit(X).labels_


def same_partition(a, b):
    a, b = np.asarray(a), np.asarray(b)
    if a.shape != b.shape or not np.array_equal(a < 0, b < 0):
        return False
    pairs = set(zip(a[a >= 0].tolist(), b[b >= 0].tolist()))
    return len(pairs) == len({p[0] for p in pairs}) == len({p[1] for p in pairs})


def check(lat, lon, eps_m, min_pts):
    lat = np.asarray(lat, dtype=float)
    lon = np.asarray(lon, dtype=float)
    ref = sklearn_labels(lat, lon, eps_m, min_pts)
    got = saring.dbscan(lat, lon, eps_m, min_pts)
    # Identical labels, numbering included (clusters are numbered in scikit-learn's order).
    np.testing.assert_array_equal(got, ref)
    return got


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("eps_m,min_pts", [(50, 3), (25, 5), (120, 2), (10, 1)])
def test_random_uniform(seed, eps_m, min_pts):
    rng = np.random.default_rng(seed)
    lat = -6.2 + rng.uniform(-0.01, 0.01, 3000)
    lon = 106.8 + rng.uniform(-0.01, 0.01, 3000)
    check(lat, lon, eps_m, min_pts)


@pytest.mark.parametrize("seed", range(4))
def test_clustered_blobs(seed):
    rng = np.random.default_rng(100 + seed)
    centres = rng.uniform([-6.3, 106.7], [-6.1, 106.9], size=(40, 2))
    which = rng.integers(0, 40, 4000)
    pts = centres[which] + rng.normal(0, 0.0004, (4000, 2))
    pts = np.vstack([pts, rng.uniform([-6.3, 106.7], [-6.1, 106.9], size=(1000, 2))])
    labels = check(pts[:, 0], pts[:, 1], 50, 4)
    assert labels.max() >= 20  # many clusters, not one blob


def test_all_points_equal():
    lat = np.full(400, -6.2)
    lon = np.full(400, 106.8)
    assert (check(lat, lon, 1.0, 5) == 0).all()
    assert (check(lat, lon, 1.0, 401) == -1).all()


@pytest.mark.parametrize("min_pts", [2, 3])
def test_chain_eps_apart(min_pts):
    # Points exactly eps apart (as exactly as doubles allow): the boundary comparison decides.
    eps_m = 50.0
    step = np.degrees(eps_m / R)
    lat = -6.2 + np.arange(300) * step
    lon = np.full(300, 106.8)
    check(lat, lon, eps_m, min_pts)
    lon2 = 106.8 + np.arange(300) * step / np.cos(np.radians(-6.2))
    check(np.full(300, -6.2), lon2, eps_m, min_pts)


def test_antimeridian():
    rng = np.random.default_rng(7)
    lat = rng.uniform(-0.003, 0.003, 3000)
    lon = np.where(rng.random(3000) < 0.5, rng.uniform(179.997, 180.0, 3000), rng.uniform(-180.0, -179.997, 3000))
    labels = check(lat, lon, 40, 3)
    # Clusters straddle the line: some cluster has members on both sides.
    east = set(labels[(lon > 0) & (labels >= 0)].tolist())
    west = set(labels[(lon < 0) & (labels >= 0)].tolist())
    assert east & west


@pytest.mark.parametrize("pole", [90.0, -90.0])
def test_pole(pole):
    rng = np.random.default_rng(8)
    lat = pole - np.sign(pole) * rng.uniform(0, 0.002, 2000)
    lon = rng.uniform(-180, 180, 2000)
    lat = np.append(lat, pole)  # the pole itself
    lon = np.append(lon, 0.0)
    check(lat, lon, 30, 3)


def test_space_time_and_category_differ_from_space_only():
    rng = np.random.default_rng(9)
    n = 2000
    lat = -6.2 + rng.normal(0, 0.0005, n)
    lon = 106.8 + rng.normal(0, 0.0005, n)
    times = rng.integers(0, 7 * 86400, n)
    cats = rng.integers(0, 3, n).astype(np.int32)
    space = saring.dbscan(lat, lon, 30, 4)
    st = saring.dbscan(lat, lon, 30, 4, times=times, eps_time=3600)
    stc = saring.dbscan(lat, lon, 30, 4, times=times, eps_time=3600, categories=cats)
    assert st.max() > space.max()
    for label in set(stc[stc >= 0].tolist()):
        members = stc == label
        assert len(set(cats[members].tolist())) == 1
        assert np.ptp(times[members]) >= 0
    # Points of an ST cluster are all core-reachable within an hour chain; a cluster never mixes
    # points that are noise in space-only clustering.
    assert not ((st >= 0) & (space < 0)).any()


def test_bad_input_raises_with_index():
    with pytest.raises(ValueError, match="point 2"):
        saring.dbscan(np.array([0.0, 1.0, np.nan]), np.array([0.0, 1.0, 2.0]), 10, 2)
    with pytest.raises(ValueError, match="point 0"):
        saring.dbscan(np.array([91.0]), np.array([0.0]), 10, 2)
    with pytest.raises(ValueError):
        saring.dbscan(np.array([0.0, 1.0]), np.array([0.0]), 10, 2)
    with pytest.raises(ValueError):
        saring.dbscan(np.zeros((2, 2)), np.zeros((2, 2)), 10, 2)
    with pytest.raises(ValueError, match="eps_m"):
        saring.dbscan(np.zeros(3), np.zeros(3), -1, 2)
    with pytest.raises(ValueError):
        saring.dbscan(np.zeros(3), np.zeros(3), 10, 2, border="first")


def test_incremental_equals_batch_nearest_core():
    rng = np.random.default_rng(10)
    n = 600
    centres = rng.uniform([-6.205, 106.795], [-6.195, 106.805], size=(6, 2))
    pts = centres[rng.integers(0, 6, n)] + rng.normal(0, 0.0003, (n, 2))
    c = saring.IncrementalClusterer(40, 3)
    held = []
    events = {"created": 0, "merged": 0, "split": 0, "dissolved": 0}
    for i in range(n):
        for e in c.insert(f"r{i}", pts[i, 0], pts[i, 1], time=i):
            events[e.kind] += 1
        held.append(i)
        if len(held) > 200:
            for e in c.expire_oldest():
                events[e.kind] += 1
            held.pop(0)
        if i % 20 == 0 or i > n - 5:
            idx = np.array(held)
            batch = saring.dbscan(pts[idx, 0], pts[idx, 1], 40, 3, border="nearest-core")
            inc = [label for _, label in c.labels()]
            assert same_partition(batch, inc), f"step {i}"
    assert events["created"] > 0 and events["merged"] > 0
    assert len(c) == 200


def test_incremental_api():
    c = saring.IncrementalClusterer(20, 2, eps_time=600, same_category=True)
    assert c.insert("a", -6.2, 106.8, time=0, category="banjir") == []
    ev = c.insert("b", -6.2, 106.8001, time=60, category="banjir")
    assert [e.kind for e in ev] == ["created"]
    incident = ev[0].incident
    assert c.incident_of("a") == c.incident_of("b") == incident
    c.insert("c", -6.2, 106.8001, time=60, category="sampah")  # other category: noise
    assert c.incident_of("c") == -1
    c.insert("d", -6.2, 106.8001, time=4000, category="banjir")  # too late: noise
    assert c.incident_of("d") == -1
    assert "a" in c and len(c) == 4 and c.cluster_count == 1
    assert c.is_core("a")
    assert [p[0] for p in c.points()] == ["a", "b", "c", "d"]
    ev = c.expire_before(30)
    assert [e.kind for e in ev] == ["dissolved"]
    with pytest.raises(ValueError):
        c.insert("b", 0.0, 0.0)
    with pytest.raises(ValueError):
        c.insert("x", float("nan"), 0.0)
    with pytest.raises(ValueError):
        c.remove("nope")
    with pytest.raises(ValueError):
        saring.IncrementalClusterer(0, 2)
    n = c.insert_many(["e", "f", "g"], np.array([1.0, 1.0, 1.0]), np.array([2.0, 2.0, 2.0]),
                      np.array([5000, 5001, 5002]), 100)
    assert n == 1  # b, c, d expire as noise (no event); e, f, g found one incident
    assert len(c) == 3
    assert c.incident_of("e") == c.incident_of("g") >= 0


def test_geodesic_and_index():
    d = saring.haversine_m(0.0, 0.0, 1.0, 0.0)
    assert d == pytest.approx(R * np.pi / 180)
    v = saring.geodesic_distance_m(0.0, 0.0, 1.0, 0.0, model="vincenty")
    assert v == pytest.approx(110574.4, abs=0.5)
    with pytest.raises(ValueError):
        saring.geodesic_distance_m(0.0, 0.0, 95.0, 0.0)
    rng = np.random.default_rng(11)
    lat = -6.2 + rng.uniform(-0.005, 0.005, 2000)
    lon = 106.8 + rng.uniform(-0.005, 0.005, 2000)
    ix = saring.GeoRadiusIndex(lat, lon, 100.0)
    assert len(ix) == 2000
    got = ix.query(lat[0], lon[0], 80.0)
    from sklearn.neighbors import BallTree
    tree = BallTree(np.radians(np.c_[lat, lon]), metric="haversine")
    ref = sorted(tree.query_radius(np.radians([[lat[0], lon[0]]]), r=80.0 / R)[0].tolist())
    assert got == ref
    assert 0 in got


def test_cli_matches_sklearn(tmp_path, cli):
    import subprocess
    rng = np.random.default_rng(12)
    lat = -6.2 + rng.normal(0, 0.001, 1500)
    lon = 106.8 + rng.normal(0, 0.001, 1500)
    f = tmp_path / "pts.csv"
    f.write_text("id,lat,lon\n" + "".join(f"r{i},{lat[i]!r},{lon[i]!r}\n" for i in range(len(lat))))
    out = subprocess.run([cli, "cluster", "--eps-m", "30", "--min-pts", "4", str(f)],
                         capture_output=True, text=True, check=True).stdout.splitlines()
    assert out[0] == "id,label"
    got = np.array([int(line.split(",")[1]) for line in out[1:]])
    np.testing.assert_array_equal(got, sklearn_labels(lat, lon, 30, 4))
    bad = tmp_path / "bad.csv"
    bad.write_text("id,lat,lon\nok,1,2\nnope,1,nan\n")
    res = subprocess.run([cli, "cluster", "--eps-m", "30", "--min-pts", "4", str(bad)], capture_output=True, text=True)
    assert res.returncode == 2
    assert "bad.csv:3" in res.stderr


def test_cli_incremental_stream_matches_python(tmp_path, cli):
    """`saring cluster --window/--window-time` streams the rows through the incremental clusterer:
    each report's incident on arrival, and the events, as the Python clusterer gives them."""
    import json
    import subprocess
    rng = np.random.default_rng(21)
    n = 500
    centres = rng.uniform([-6.205, 106.795], [-6.195, 106.805], size=(5, 2))
    pts = centres[rng.integers(0, 5, n)] + rng.normal(0, 0.0003, (n, 2))
    times = np.cumsum(rng.integers(0, 120, n))
    f = tmp_path / "stream.csv"
    f.write_text("id,lat,lon,time\n" + "".join(
        f"r{i},{pts[i, 0]!r},{pts[i, 1]!r},{int(times[i])}\n" for i in range(n)))
    for flags, window, span in ((["--window", "150"], 150, None), (["--window-time", "3h"], None, 3 * 3600)):
        ev_file = tmp_path / "events.jsonl"
        out = subprocess.run([cli, "cluster", "--eps-m", "40", "--min-pts", "3", *flags, "--events", str(ev_file),
                              str(f)], capture_output=True, text=True, check=True).stdout.splitlines()
        assert out[0] == "id,incident"
        c = saring.IncrementalClusterer(40, 3)
        expected, expected_events = [], []
        for i in range(n):
            step = []
            if span is not None:
                step += c.expire_before(int(times[i]) - span)
            if window is not None:
                while len(c) >= window:
                    step += c.expire_oldest()
            step += c.insert(f"r{i}", pts[i, 0], pts[i, 1], time=int(times[i]))
            expected.append(f"r{i},{c.incident_of(f'r{i}')}")
            expected_events += [{"report": f"r{i}", "kind": e.kind, "incident": e.incident, "others": list(e.others)}
                                for e in step]
        assert out[1:] == expected, flags
        got_events = [json.loads(line) for line in ev_file.read_text().splitlines()]
        assert got_events == expected_events, flags
        kinds = {e["kind"] for e in got_events}
        assert "created" in kinds and len(kinds) >= 2, (flags, kinds)  # the stream also merges/splits/ends
    # Bad use: a time window without a time column, --events without a window, scikit-learn borders.
    no_time = tmp_path / "no_time.csv"
    no_time.write_text("id,lat,lon\na,-6.2,106.8\n")
    res = subprocess.run([cli, "cluster", "--eps-m", "40", "--min-pts", "3", "--window-time", "1h", str(no_time)],
                         capture_output=True, text=True)
    assert res.returncode == 2 and "time column" in res.stderr
    res = subprocess.run([cli, "cluster", "--eps-m", "40", "--min-pts", "3", "--events", str(tmp_path / "e"), str(f)],
                         capture_output=True, text=True)
    assert res.returncode == 2 and "--events needs" in res.stderr
    res = subprocess.run([cli, "cluster", "--eps-m", "40", "--min-pts", "3", "--window", "9", "--border", "sklearn",
                          str(f)], capture_output=True, text=True)
    assert res.returncode == 2 and "nearest-core" in res.stderr
    dup = tmp_path / "dup.csv"
    dup.write_text("id,lat,lon\na,-6.2,106.8\na,-6.2,106.8\n")
    res = subprocess.run([cli, "cluster", "--eps-m", "40", "--min-pts", "3", "--window", "9", str(dup)],
                         capture_output=True, text=True)
    assert res.returncode == 2 and "dup.csv:3" in res.stderr  # the reader names the repeated id's line


def test_read_points_feeds_dbscan_as_the_cli_does(tmp_path, cli):
    # The CLI's checked reader, from Python: same rows, same labels as `saring cluster`.
    import subprocess
    rng = np.random.default_rng(3)
    n = 600
    lat = -6.2 + rng.normal(0, 0.0008, n)
    lon = 106.8 + rng.normal(0, 0.0008, n)
    t = 1764300000 + rng.integers(0, 4 * 3600, n)
    cats = rng.choice(["banjir", "sampah"], n)
    f = tmp_path / "pts.csv"
    f.write_text("category,id,lat,lon,time\n" +
                 "".join(f"{cats[i]},r{i},{lat[i]!r},{lon[i]!r},{t[i]}\n" for i in range(n)))
    p = saring.read_points(str(f))
    assert p["ids"][:2] == ["r0", "r1"] and p["lat"].dtype == np.float64 and p["time"].dtype == np.int64
    np.testing.assert_array_equal(p["lat"], lat)
    np.testing.assert_array_equal(p["time"], t)
    assert p["category"][:3] == list(cats[:3])
    assert len(set(p["category_codes"].tolist())) == 2
    labels = saring.dbscan(p["lat"], p["lon"], 40, 4, times=p["time"], eps_time=3600, categories=p["category_codes"])
    out = subprocess.run([cli, "cluster", "--eps-m", "40", "--min-pts", "4", "--eps-time", "1h", "--by-category", str(f)],
                         capture_output=True, text=True, check=True).stdout.splitlines()
    cli_labels = np.array([int(line.split(",")[1]) for line in out[1:]])
    np.testing.assert_array_equal(labels, cli_labels)
    assert labels.max() >= 1

    only = saring.parse_points('{"id":"a","time":"2026-11-28T08:15:00+07:00","lat":-6.2,"lon":106.8}\n')
    assert only["ids"] == ["a"] and only["time"][0] == 1795828500 and only["category"] is None
    with pytest.raises(saring.Error, match="mem.csv.*3"):
        saring.parse_points("id,lat,lon\nok,1,2\nnope,1,nan\n", "mem.csv")
    with pytest.raises(saring.IoError):
        saring.read_points(str(tmp_path / "missing.csv"))
