import pathlib

import numpy as np
import pytest

import saring

BRIDGE_PDQ = "d8f8f0cee0f4a84f0637022a078f67f0b36e2ed596621e1d33e6339c4e9c9b22"


@pytest.fixture(scope="module")
def hash_dir(data_dir) -> pathlib.Path:
    return data_dir / "hash"


def test_pdq_from_path_bytes_and_array_agree(hash_dir):
    path = hash_dir / "bridge-mods" / "aaa-orig.jpg"
    by_path = saring.pdq_hash(str(path))
    assert by_path.hash.hex() == BRIDGE_PDQ
    assert by_path.quality == 100
    assert saring.pdq_hash(path).hash == by_path.hash  # os.PathLike
    assert saring.pdq_hash(path.read_bytes()).hash == by_path.hash
    rgb = saring.decode_image(path)
    assert rgb.dtype == np.uint8 and rgb.ndim == 3 and rgb.shape[2] == 3
    assert saring.pdq_hash(rgb).hash == by_path.hash
    bgr = np.ascontiguousarray(rgb[:, :, ::-1])
    assert saring.pdq_hash(bgr, channel_order="bgr").hash == by_path.hash
    assert saring.pdq_hash(bgr, channel_order="rgb").hash != by_path.hash
    # A strided view (every row of a wider array) and a non-contiguous one are accepted.
    wide = np.zeros((rgb.shape[0], rgb.shape[1] + 7, 3), np.uint8)
    wide[:, : rgb.shape[1]] = rgb
    assert saring.pdq_hash(wide[:, : rgb.shape[1]]).hash == by_path.hash
    assert saring.pdq_hash(bgr[:, :, ::-1], channel_order="rgb").hash == by_path.hash


def test_matches_reference_golden_file(hash_dir):
    lines = (hash_dir / "expected_reference.txt").read_text().split("\n")
    for line in [l for l in lines if l][:12]:
        hexhash, quality, rel = line.split()
        h = saring.pdq_hash(str(hash_dir / rel))
        assert h.hash.hex() == hexhash, rel
        assert h.quality == int(quality), rel


def test_all_hashes_and_grey_arrays(hash_dir):
    h = saring.hash_image(str(hash_dir / "bridge-mods" / "aaa-orig.jpg"))
    assert h.phash.hex() == "3545b9384c3fc6eb"  # OpenCV img_hash.PHash's value
    assert len(h.dhash.hex()) == 16
    assert h.width > 0 and h.height > 0
    grey = np.tile(np.arange(90, dtype=np.uint8) * 2, (80, 1))
    assert saring.dhash(grey).hex() == "ffffffffffffffff"
    assert saring.phash(grey).distance(saring.phash(grey)) == 0
    assert isinstance(saring.pdq_hash(grey).quality, int)


def test_dihedral_variants(hash_dir):
    variants, quality = saring.pdq_dihedral(str(hash_dir / "reg-test-input" / "dih" / "bridge-1-original.jpg"))
    assert list(variants) == saring.DIHEDRAL_NAMES
    assert quality == 100
    rotated = saring.pdq_hash(str(hash_dir / "reg-test-input" / "dih" / "bridge-2-rotate-90.jpg"))
    assert variants["rotate90"].distance(rotated.hash) <= 20
    assert min(v.distance(rotated.hash) for name, v in variants.items() if name != "rotate90") > 60
    arr = saring.decode_image(hash_dir / "reg-test-input" / "dih" / "bridge-1-original.jpg")
    mirrored = saring.pdq_hash(np.ascontiguousarray(arr[:, ::-1]))
    assert variants["flipy"].distance(mirrored.hash) <= 20


def test_bad_inputs_raise(hash_dir, tmp_path):
    with pytest.raises(ValueError) as info:
        saring.pdq_hash(b"definitely not an image")
    assert info.value.code == "decode"
    with pytest.raises(OSError):
        saring.pdq_hash(str(tmp_path / "missing.jpg"))
    with pytest.raises(TypeError):
        saring.pdq_hash(np.zeros((10, 10), np.float32))
    with pytest.raises(ValueError):
        saring.pdq_hash(np.zeros((10, 10, 4), np.uint8))
    with pytest.raises(ValueError):
        saring.pdq_hash(np.zeros((10, 10, 3), np.uint8), channel_order="rgba")
    with pytest.raises(TypeError):
        saring.pdq_hash(12345)
    data = (hash_dir / "bridge-mods" / "aaa-orig.jpg").read_bytes()
    with pytest.raises(ValueError) as info:
        saring.pdq_hash(data[: len(data) // 2])
    assert info.value.code == "decode"
    with pytest.raises(ValueError) as info:
        saring.pdq_hash(data, options=saring.DecodeOptions(max_pixels=1000))
    assert info.value.code == "limit_exceeded"
    with pytest.raises(ValueError):
        saring.DecodeOptions(jpeg_scale_denom=3)


def test_probe_and_reduced_decode(hash_dir):
    data = (hash_dir / "reg-test-input" / "exif-rotn" / "exif-rotn-1.jpg").read_bytes()
    fmt, w, h = saring.probe_image(data[:65536])
    assert fmt == "jpeg"
    small = saring.decode_image(data, options=saring.DecodeOptions(jpeg_scale_denom=8))
    assert small.shape[1] == (w + 7) // 8 and small.shape[0] == (h + 7) // 8
    full = saring.pdq_hash(data)
    fast = saring.pdq_hash(data, options=saring.DecodeOptions(jpeg_scale_denom=8))
    assert 0 < full.hash.distance(fast.hash) <= 40


def test_video_frames_and_similarity(hash_dir, tmp_path):
    a = saring.decode_image(hash_dir / "bridge-mods" / "aaa-orig.jpg", saring.DecodeOptions(jpeg_scale_denom=2))
    b = saring.decode_image(hash_dir / "reg-test-input" / "pen-and-coaster.png")
    a = np.ascontiguousarray(a[:240, :320])
    b = np.ascontiguousarray(b[:240, :320])
    path = str(tmp_path / "clip.avi")
    saring._saring._write_video(path, [a] * 20 + [b] * 20, 10.0, "MJPG")
    frames = saring.hash_video(path)
    assert [round(f.time_seconds) for f in frames] == [0, 1, 2, 3]
    photo = saring.pdq_hash(a)
    assert saring.photo_video_similarity(photo, frames) == pytest.approx(0.5)
    assert saring.video_similarity(frames[:2], frames) == (1.0, 0.5)
    assert len(saring.hash_video(path, interval_seconds=0.5, max_frames=3)) == 3
    # VideoOptions' caps, as from C++: duration, file size and frame size.
    assert [round(f.time_seconds) for f in saring.hash_video(path, max_duration_seconds=1.5)] == [0, 1]
    with pytest.raises(saring.Error) as e:
        saring.hash_video(path, max_input_bytes=1000)
    assert e.value.code == "limit_exceeded"
    with pytest.raises(saring.Error) as e:
        saring.hash_video(path, max_frame_pixels=320 * 240 - 1)
    assert e.value.code == "limit_exceeded"
    with pytest.raises(saring.Error):
        saring.hash_video(path, max_duration_seconds=0)
    with pytest.raises(ValueError):
        saring.hash_video(str(hash_dir / "SOURCES.md"))


def _write_png(path, rgb):
    # A plain RGB PNG (filter 0 rows, one IDAT), so a test photo is exactly the frame it came from.
    import struct
    import zlib

    h, w, _ = rgb.shape

    def chunk(tag, data):
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data) & 0xFFFFFFFF)

    raw = b"".join(b"\x00" + rgb[y].tobytes() for y in range(h))
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)) +
                     chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


@pytest.fixture()
def clips(hash_dir, tmp_path):
    a = saring.decode_image(hash_dir / "bridge-mods" / "aaa-orig.jpg", saring.DecodeOptions(jpeg_scale_denom=2))
    b = saring.decode_image(hash_dir / "reg-test-input" / "pen-and-coaster.png")
    a = np.ascontiguousarray(a[:240, :320])
    b = np.ascontiguousarray(b[:240, :320])
    half = tmp_path / "half.avi"      # 2 s of a, then 2 s of b
    only_a = tmp_path / "only_a.avi"  # 2 s of a
    saring._saring._write_video(str(half), [a] * 20 + [b] * 20, 10.0, "MJPG")
    saring._saring._write_video(str(only_a), [a] * 20, 10.0, "MJPG")
    photo = tmp_path / "a.png"
    _write_png(photo, a)
    return {"half": half, "only_a": only_a, "photo": photo, "a": a}


def test_cli_video_compare(cli, clips, tmp_path):
    import json
    import subprocess

    def compare(*args):
        r = subprocess.run([cli, "video", "compare", *map(str, args)], capture_output=True, text=True)
        return r.returncode, [json.loads(x) for x in r.stdout.splitlines()], r.stderr

    # Photo against videos: the fraction of usable frames that match, as photo_video_similarity.
    rc, lines, _ = compare(clips["photo"], clips["half"], clips["only_a"])
    assert rc == 0 and len(lines) == 2
    assert lines[0]["query_kind"] == "photo" and lines[0]["target"] == str(clips["half"])
    assert lines[0]["target_frames"] == 4 and lines[0]["similarity"] == pytest.approx(0.5)
    assert lines[1]["similarity"] == pytest.approx(1.0)
    photo = saring.pdq_hash(str(clips["photo"]))
    assert lines[0]["query_pdq"] == photo.hash.hex()
    assert lines[0]["similarity"] == pytest.approx(
        saring.photo_video_similarity(photo, saring.hash_video(str(clips["half"]))))
    # Video against video, both directions, as video_similarity.
    rc, lines, _ = compare(clips["only_a"], clips["half"])
    assert rc == 0 and lines[0]["query_kind"] == "video"
    assert (lines[0]["query_matched"], lines[0]["target_matched"]) == (pytest.approx(1.0), pytest.approx(0.5))
    assert (lines[0]["query_frames"], lines[0]["target_frames"]) == (2, 4)
    # The rule and the sampling are options: a finer interval samples more frames, --frames lists
    # them, a shorter duration reads fewer; out-of-range rule values are refused (exit 2).
    rc, lines, _ = compare("--interval", "0.5", "--frames", clips["half"], clips["half"])
    assert rc == 0 and lines[0]["target_frames"] == 8 and len(lines[0]["target_frame_hashes"]) == 8
    assert lines[0]["query_matched"] == pytest.approx(1.0)
    rc, lines, _ = compare("--max-duration", "1.5", clips["photo"], clips["half"])
    assert lines[0]["target_frames"] == 2 and lines[0]["similarity"] == pytest.approx(1.0)
    rc, lines, _ = compare("--min-quality", "101", clips["photo"], clips["half"])
    assert rc == 2
    rc, _, err = compare("--max-distance", "-1", clips["photo"], clips["half"])
    assert rc == 2 and "--max-distance" in err

    # Bad targets: an error line each, exit 1, the others still compared.
    text_file = tmp_path / "notes.txt"
    text_file.write_text("not a video\n")
    rc, lines, _ = compare(clips["photo"], text_file, clips["photo"], tmp_path / "missing.mp4", clips["only_a"])
    assert rc == 1 and len(lines) == 4
    assert lines[0]["code"] == "decode" and str(text_file) in lines[0]["error"]
    assert lines[1]["code"] == "invalid_argument" and "is an image" in lines[1]["error"]
    assert lines[2]["code"] == "io"
    assert lines[3]["similarity"] == pytest.approx(1.0)
    rc, lines, _ = compare("--video-max-bytes", "1000", clips["photo"], clips["half"])
    assert rc == 1 and lines[0]["code"] == "limit_exceeded"
    rc, lines, _ = compare("--video-max-frame-pixels", str(320 * 240 - 1), clips["photo"], clips["half"])
    assert rc == 1 and lines[0]["code"] == "limit_exceeded"
    # A bad query leaves nothing to compare: exit 2, the path named.
    rc, lines, err = compare(tmp_path / "missing.jpg", clips["half"])
    assert rc == 2 and lines == [] and "missing.jpg" in err
    rc, lines, err = compare(text_file, clips["half"])
    assert rc == 2 and "notes.txt" in err


def test_cli_hash_video_caps(cli, clips):
    # VideoOptions' caps on `saring hash`, as Python's hash_video has them.
    import json
    import subprocess

    def run(*args):
        r = subprocess.run([cli, "hash", "--json", *map(str, args)], capture_output=True, text=True)
        return r.returncode, [json.loads(x) for x in r.stdout.splitlines()], r.stderr

    rc, lines, _ = run(clips["half"])
    assert rc == 0 and len(lines[0]["frames"]) == 4
    rc, lines, _ = run("--video-max-duration", "1.5", clips["half"])
    assert rc == 0 and [round(f["time"]) for f in lines[0]["frames"]] == [0, 1]
    rc, lines, _ = run("--video-max-bytes", "1000", clips["half"], clips["photo"])
    assert rc == 1 and lines[0]["code"] == "limit_exceeded" and "pdq" in lines[1]
    rc, lines, _ = run("--video-max-frame-pixels", str(320 * 240 - 1), clips["half"])
    assert rc == 1 and lines[0]["code"] == "limit_exceeded"
    rc, lines, _ = run("--video-max-frame-pixels", str(320 * 240), clips["half"])
    assert rc == 0
    # Without the new option, --max-pixels still caps video frames, as before.
    rc, lines, _ = run("--max-pixels", str(320 * 240 - 1), clips["half"])
    assert rc == 1 and lines[0]["code"] == "limit_exceeded"
    rc, _, err = run("--video-max-duration", "0", clips["half"])
    assert rc == 2 and "max_duration_seconds" in err
