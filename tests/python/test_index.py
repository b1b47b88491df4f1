import numpy as np
import pytest

import saring


def random_hexes(rng, n):
    return [rng.bytes(32).hex() for _ in range(n)]


def brute(hay_bytes, ids, query_bytes, radius):
    d = np.unpackbits(np.bitwise_xor(hay_bytes, query_bytes), axis=1).sum(axis=1)
    rows = [(int(d[i]), ids[i]) for i in np.nonzero(d <= radius)[0]]
    return sorted(rows)


def test_pdq_index_matches_numpy_brute_force():
    rng = np.random.default_rng(1)
    n = 6000
    centres = rng.integers(0, 256, size=(30, 32), dtype=np.uint8)
    hay = centres[np.arange(n) % 30].copy()
    flips = rng.integers(0, 2, size=(n, 256), dtype=np.uint8) & (rng.random((n, 256)) < 0.05)
    hay ^= np.packbits(flips, axis=1)
    ids = [f"r{i}" for i in range(n)]
    index = saring.PdqIndex()
    index.insert_batch(ids, hay, np.arange(n, dtype=np.int64))
    assert len(index) == n
    assert "r5" in index
    queries = hay[:25]
    qi, got_ids, dist, times = index.query_batch(queries, 31)
    assert qi.dtype == np.int64 and dist.dtype == np.int32
    for q in range(len(queries)):
        rows = np.nonzero(qi == q)[0]
        got = [(int(dist[r]), got_ids[r]) for r in rows]
        assert got == brute(hay, ids, queries[q], 31)
        assert all(times[r] == int(got_ids[r][1:]) for r in rows)
    # Single queries take hex and agree with the batch.
    single = index.query(bytes(queries[3]).hex(), 31)
    assert [(m.distance, m.id) for m in single] == brute(hay, ids, queries[3], 31)
    nn = index.nearest(bytes(queries[0]).hex(), 4)
    assert [(m.distance, m.id) for m in nn] == brute(hay, ids, queries[0], 256)[:4]
    qi, got_ids, dist, _ = index.nearest_batch(queries[:2], 3)
    assert list(qi) == [0, 0, 0, 1, 1, 1]


def test_hex_and_array_byte_order_agree():
    rng = np.random.default_rng(2)
    hexes = random_hexes(rng, 10)
    arr = saring.pdq_hashes_to_array(hexes)
    assert arr.shape == (10, 32) and arr.dtype == np.uint8
    assert bytes(arr[4]).hex() == hexes[4]
    index = saring.PdqIndex()
    index.insert_batch([f"h{i}" for i in range(10)], hexes, [0] * 10)
    qi, ids, dist, _ = index.query_batch(arr, 0)
    assert ids == [f"h{i}" for i in range(10)]
    assert list(dist) == [0] * 10
    assert index.query(saring.Hash256.from_hex(hexes[2]), 0)[0].id == "h2"


def test_erase_expire_save_load(tmp_path):
    index = saring.PdqIndex()
    hexes = random_hexes(np.random.default_rng(3), 100)
    for i, h in enumerate(hexes):
        index.insert(f"id{i}", h, 1000 + i)
    assert index.erase("id0")
    assert not index.erase("id0")
    assert index.expire_before(1050) == 49
    assert len(index) == 50
    assert index.memory_bytes() > 0
    path = tmp_path / "x.sidx"
    index.save(path)
    back = saring.PdqIndex.load(path)
    assert len(back) == 50
    assert back.query(hexes[60], 0)[0].id == "id60"
    data = bytearray(path.read_bytes())
    data[40] ^= 1
    path.write_bytes(bytes(data))
    with pytest.raises(ValueError) as info:
        saring.PdqIndex.load(path)
    assert info.value.code == "corrupt"
    assert "checksum" in str(info.value)
    with pytest.raises(OSError):
        saring.PdqIndex.load(tmp_path / "missing.sidx")


def test_dihedral_query_reports_variant():
    rng = np.random.default_rng(4)
    variants = random_hexes(rng, 8)
    index = saring.PdqIndex()
    index.insert("mirrored", variants[6], 7)
    index.insert("other", random_hexes(rng, 1)[0], 8)
    matches = index.query_dihedral(variants, 31)
    assert [(m.id, m.distance, m.variant) for m in matches] == [("mirrored", 0, 6)]
    with pytest.raises(ValueError):
        index.query_dihedral(variants[:7], 31)


def test_hash64_index_with_uint64_array():
    rng = np.random.default_rng(5)
    values = rng.integers(0, 2**63, size=5000, dtype=np.uint64)
    index = saring.Hash64Index(strategy=saring.IndexStrategy.MULTI_INDEX)
    index.insert_batch([str(i) for i in range(5000)], values, np.zeros(5000, dtype=np.int64))
    qi, ids, dist, _ = index.query_batch(values[:5] ^ np.uint64(3), 2)
    for q in range(5):
        assert str(q) in [ids[r] for r in np.nonzero(qi == q)[0]]
    assert all(d <= 2 for d in dist)
    as_bytes = values[:3].byteswap().view(np.uint8).reshape(3, 8)  # big-endian rows
    qi, ids, dist, _ = index.query_batch(as_bytes, 0)
    assert ids[:3] == ["0", "1", "2"]


def test_bad_input_raises_value_error():
    index = saring.PdqIndex()
    with pytest.raises(ValueError):
        index.insert("a", "zz", 0)
    with pytest.raises(ValueError):
        index.insert("", "00" * 32, 0)
    with pytest.raises(ValueError):
        index.query("00" * 32, 300)
    with pytest.raises(ValueError):
        index.query_batch(np.zeros((3, 31), dtype=np.uint8), 5)
    with pytest.raises(ValueError):
        index.insert_batch(["a", "b"], np.zeros((3, 32), dtype=np.uint8), [0, 0, 0])
    with pytest.raises(ValueError):
        saring.Hash64Index().query_batch(np.zeros((2, 4), dtype=np.uint8), 1)
    assert saring.index_kernel_name() in ("avx512-vpopcntdq", "avx2", "popcnt", "portable")


def test_merge_ratio_keeps_results_and_is_validated():
    rng = np.random.default_rng(5)
    n = 40000  # more than two tails of 16,384 rows, so merging happens
    hay = rng.integers(0, 256, size=(n, 32), dtype=np.uint8)
    ids = [f"m{i}" for i in range(n)]
    results = []
    for ratio in (1, 16):
        index = saring.PdqIndex(merge_ratio=ratio)
        for i in range(n):
            index.insert(ids[i], bytes(hay[i]).hex(), i)
        q = hay[123].copy()
        q[0] ^= 0x0F
        got = [(m.distance, m.id) for m in index.query(bytes(q).hex(), 31)]
        assert got == brute(hay, ids, q, 31)
        results.append(got)
    assert results[0] == results[1]
    with pytest.raises(ValueError):
        saring.PdqIndex(merge_ratio=0)


def _index_cli(cli, *args, stdin=None):
    import json
    import subprocess

    r = subprocess.run([cli, "index", *map(str, args)], capture_output=True, text=True, input=stdin)
    return r.returncode, [json.loads(x) for x in r.stdout.splitlines()], r.stderr


def _iso(t):
    import datetime

    return datetime.datetime.fromtimestamp(t, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def test_cli_index_lifecycle(cli, data_dir, tmp_path):
    # `saring index add|erase|expire|query|info`: a persistent index the Python/C++ API reads too.
    hexes = [x.strip() for x in (data_dir / "index" / "haystack.txt").read_text().split() if x.strip()][:300]
    base = 1_764_000_000
    listing = tmp_path / "hay.txt"
    listing.write_text("# id and time per line\n" +
                       "".join(f"{h},p{i},{_iso(base + i * 3600)}\n" for i, h in enumerate(hexes[:200])))
    path = tmp_path / "photos.sidx"
    rc, out, _ = _index_cli(cli, "add", "--index", path, listing)
    assert rc == 0 and out == [{"added": 200, "replaced": 0, "entries": 200}]
    # More from standard input, one id again (replaced), lines without a time take --time.
    more = "".join(f"{h},p{i + 200}\n" for i, h in enumerate(hexes[200:])) + f"{hexes[0]},p0\n"
    rc, out, _ = _index_cli(cli, "add", "--index", path, "--time", _iso(base + 10**6), "-", stdin=more)
    assert rc == 0 and out == [{"added": 100, "replaced": 1, "entries": 300}]
    rc, out, _ = _index_cli(cli, "info", "--index", path)
    assert rc == 0 and out[0]["kind"] == "pdq" and out[0]["entries"] == 300 and out[0]["memory_bytes"] > 0

    # The file is HammingIndex::save's: Python loads it, and queries agree with a brute force.
    index = saring.PdqIndex.load(path)
    assert len(index) == 300 and index.query(hexes[0], 0)[0].time == base + 10**6
    hay = np.array([list(bytes.fromhex(h)) for h in hexes], dtype=np.uint8)
    ids = [f"p{i}" for i in range(300)]
    queries = tmp_path / "q.txt"
    queries.write_text(f"{hexes[5]},q5\n{hexes[250]}\n")
    rc, out, _ = _index_cli(cli, "query", "--index", path, "--radius", "40", queries)
    assert rc == 0
    got = {(m["query"], m["distance"], m["match"]) for m in out}
    want = {("q5", d, i) for d, i in brute(hay, ids, np.frombuffer(bytes.fromhex(hexes[5]), np.uint8), 40)}
    want |= {(2, d, i) for d, i in brute(hay, ids, np.frombuffer(bytes.fromhex(hexes[250]), np.uint8), 40)}
    assert got == want and len(got) > 2
    assert next(m for m in out if m["match"] == "p5")["time"] == _iso(base + 5 * 3600)
    rc, out, _ = _index_cli(cli, "query", "--index", path, "-k", "3", queries)
    assert rc == 0 and len(out) == 6 and out[0]["match"] == "p5" and out[0]["distance"] == 0

    # erase by id; expire by time and by age.
    rc, out, _ = _index_cli(cli, "erase", "--index", path, "p1", "p2", "nope")
    assert rc == 0 and out == [{"erased": 2, "not_found": ["nope"], "entries": 298}]
    rc, out, _ = _index_cli(cli, "expire", "--index", path, "--before", _iso(base + 50 * 3600))
    assert rc == 0 and out[0]["expired"] == 47 and out[0]["entries"] == 251  # p0 was re-added later
    rc, out, _ = _index_cli(cli, "expire", "--index", path, "--older-than", "1d", "--now", _iso(base + 124 * 3600))
    assert rc == 0 and out[0]["expired"] == 50 and out[0]["before"] == _iso(base + 100 * 3600)
    back = saring.PdqIndex.load(path)
    assert len(back) == 201 and "p1" not in back and "p100" in back and "p99" not in back and "p0" in back

    # An index saved by Python, 64-bit hashes: the CLI reads and extends it.
    small = saring.Hash64Index()
    small.insert("a", "00000000000000ff", 5)
    p64 = tmp_path / "d.sidx"
    small.save(p64)
    rc, out, _ = _index_cli(cli, "add", "--index", p64, "-", stdin="00000000000000fe,b,2026-01-01T00:00:00Z\n")
    assert rc == 0 and out[0]["entries"] == 2
    rc, out, _ = _index_cli(cli, "query", "--index", p64, "-", stdin="00000000000000ff\n")
    assert [(m["match"], m["distance"]) for m in out] == [("a", 0), ("b", 1)]
    rc, out, _ = _index_cli(cli, "info", "--index", p64)
    assert out[0]["kind"] == "64"
    # A new 64-bit index from an empty list needs --kind.
    empty = tmp_path / "empty.txt"
    empty.write_text("# nothing\n")
    rc, _, err = _index_cli(cli, "add", "--index", tmp_path / "new.sidx", empty)
    assert rc == 2 and "--kind" in err and not (tmp_path / "new.sidx").exists()
    assert not (tmp_path / "new.sidx.lock").exists()
    rc, out, _ = _index_cli(cli, "add", "--index", tmp_path / "new.sidx", "--kind", "64", empty)
    assert rc == 0 and len(saring.Hash64Index.load(tmp_path / "new.sidx")) == 0


def test_cli_index_writers_refuse_a_locked_index(cli, tmp_path):
    # Writers hold an exclusive flock on FILE.lock; a second writer is refused, readers are not.
    import fcntl

    path = tmp_path / "x.sidx"
    h = "ab" * 32
    assert _index_cli(cli, "add", "--index", path, "-", stdin=f"{h},one\n")[0] == 0
    with open(str(path) + ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        for args, stdin in ((["add", "--index", path, "-"], f"{h},two\n"), (["erase", "--index", path, "one"], None),
                            (["expire", "--index", path, "--before", "2100-01-01T00:00:00Z"], None)):
            rc, out, err = _index_cli(cli, *args, stdin=stdin)
            assert rc == 2 and out == [] and "locked" in err and "[io]" in err, err
        assert _index_cli(cli, "info", "--index", path)[1][0]["entries"] == 1
        assert [m["match"] for m in _index_cli(cli, "query", "--index", path, "-", stdin=h + "\n")[1]] == ["one"]
    # Released (as it is when a writer exits, even by a crash): writers work again.
    rc, out, _ = _index_cli(cli, "add", "--index", path, "-", stdin=f"{h},two\n")
    assert rc == 0 and out[0]["entries"] == 2


def test_cli_index_bad_input(cli, tmp_path):
    path = tmp_path / "x.sidx"
    pdq = "ab" * 32
    assert _index_cli(cli, "add", "--index", path, "-", stdin=f"{pdq},one,2026-11-01T00:00:00Z\n")[0] == 0
    before = path.read_bytes()
    bad_lines = {
        "zz,a": "64 (PDQ) or 16",
        "xy" * 32 + ",a": "",
        pdq: "an id is needed",
        pdq + ",": "empty id",
        pdq + ",a,yesterday": "time",
        pdq + ",a,2026-11-01T00:00:00Z,extra": "at most 3 fields",
        "00" * 8 + ",a": "64-bit",            # a 64-bit hash into a PDQ index
    }
    for line, words in bad_lines.items():
        rc, out, err = _index_cli(cli, "add", "--index", path, "-", stdin=f"{pdq},ok\n{line}\n")
        assert rc == 2 and out == [] and words in err, (line, err)
        assert path.read_bytes() == before  # nothing half-added
    rc, _, err = _index_cli(cli, "add", "--index", path, "-", stdin=f"{pdq},a\n{'00' * 8},b\n")
    assert rc == 2 and "-:2" in err and "mixed" in err
    rc, _, err = _index_cli(cli, "query", "--index", path, "-", stdin="00" * 8 + "\n")
    assert rc == 2 and "64-bit" in err
    rc, _, err = _index_cli(cli, "query", "--index", path, "--radius", "300", "-", stdin=pdq + "\n")
    assert rc != 0
    rc, _, err = _index_cli(cli, "expire", "--index", path)
    assert rc == 2 and "--before" in err
    rc, _, err = _index_cli(cli, "expire", "--index", path, "--older-than", "soon")
    assert rc == 2 and "--older-than" in err
    # Missing and damaged index files.
    for cmd in (["info"], ["erase", "x"], ["expire", "--before", "2026-01-01T00:00:00Z"]):
        rc, _, err = _index_cli(cli, cmd[0], "--index", tmp_path / "missing.sidx", *cmd[1:])
        assert rc == 2 and "missing.sidx" in err and "[io]" in err
    assert not (tmp_path / "missing.sidx.lock").exists()
    damaged = bytearray(before)
    damaged[-5] ^= 1
    path.write_bytes(bytes(damaged))
    for cmd, stdin in ((["info"], None), (["add", "-"], f"{pdq},z\n"), (["query", "-"], pdq + "\n")):
        rc, _, err = _index_cli(cli, cmd[0], "--index", path, *cmd[1:], stdin=stdin)
        assert rc == 2 and "[corrupt]" in err, err
    assert path.read_bytes() == bytes(damaged)
    path.write_text("not an index at all\n")
    rc, _, err = _index_cli(cli, "info", "--index", path)
    assert rc == 2 and "[corrupt]" in err
