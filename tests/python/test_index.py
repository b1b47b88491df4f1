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
