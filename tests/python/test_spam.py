import csv
import json
import math
import subprocess

import pytest

import saring


@pytest.fixture(scope="module")
def data(data_dir):
    texts, labels = saring.read_labeled_csv(str(data_dir / "spam" / "reports_labeled.csv"), "text", "label")
    return texts, labels


@pytest.fixture(scope="module")
def model(data):
    texts, labels = data
    return saring.SpamModel.train(texts, labels)


def test_normalize_text():
    t = saring.normalize_text("GRATISSS pulsa 10rb, klik yg ini!! h4diah gk")
    assert t.normalized == "gratis pulsa 10rb klik yang ini hadiah tidak"
    assert t.tokens[0] == "gratis"
    assert t.stats.upper_letters == 8
    bad = saring.normalize_text(b"jalan \xff rusak")
    assert bad.stats.invalid_utf8 == 1
    assert bad.normalized == "jalan rusak"
    cut = saring.normalize_text("x" * 50, max_bytes=20)
    assert cut.stats.truncated


def test_rules():
    codes = [c for c, *_ in saring.spam_rules("SELAMAT anda menang hadiah hub 0812-3456-7890 klik bit.ly/x")]
    assert {"SPAM_URL", "SPAM_PHONE", "SPAM_PROMO_WORDS"} <= set(codes)
    assert saring.spam_rules("Jalan rusak parah di depan sekolah dekat pasar") == []
    ctx = [c for c, *_ in saring.spam_rules("jalan rusak di depan pasar", near_duplicates=5, reporter_recent=10)]
    assert "SPAM_NEAR_DUPLICATE_TEXT" in ctx and "SPAM_REPORTER_FLOOD" in ctx
    assert len(saring.spam_rule_codes()) == 16


def test_train_predict_and_score(model, data):
    texts, labels = data
    p = model.predict_many(texts)
    assert saring.roc_auc(labels, p) > 0.99
    assert model.predict("Promo gratis pulsa 100rb klik link ini sekarang juga") > 0.5
    assert model.predict("Jalan berlubang di depan kantor kelurahan belum diperbaiki") < 0.5
    s = saring.score_spam("SELAMAT! Anda menang hadiah Rp 50.000.000 klik bit.ly/hadiah", model)
    assert s["model_used"] and s["probability"] > 0.8
    assert s["ngrams"] and isinstance(s["ngrams"][0][0], str)
    codes = [r.code for r in s["reasons"]]
    assert "SPAM_URL" in codes and "SPAM_MODEL" in codes
    assert all(0.0 <= r.score <= 1.0 for r in s["reasons"])


def test_bad_input_is_scored(model):
    for text in ["", b"\x00\x01\xff\xfe" * 100, "x" * 100000, "\U0001F525" * 50]:
        s = saring.score_spam(text, model)
        assert 0.0 <= s["probability"] <= 1.0 and math.isfinite(s["probability"])
    assert saring.score_spam("x" * 100000)["truncated"]


def test_train_errors():
    with pytest.raises(ValueError):
        saring.SpamModel.train(["a", "b"], [1, 1])
    with pytest.raises(ValueError):
        saring.SpamModel.train(["a", "b"], [0, 1], hash_bits=40)


def test_save_load_update(model, tmp_path):
    path = str(tmp_path / "m.model")
    model.save(path)
    back = saring.SpamModel.load(path)
    text = "Laporan banjir di kolam renang umum sudah surut"
    assert back.predict(text) == model.predict(text)
    before = back.predict(text)
    for _ in range(20):
        back.update(text, True, 0.5)
    assert back.predict(text) > before
    assert back.updates == 20
    raw = bytearray(model.to_bytes())
    raw[len(raw) // 2] ^= 1
    with pytest.raises(ValueError) as info:
        saring.SpamModel.from_bytes(bytes(raw))
    assert info.value.code == "corrupt"
    with pytest.raises(OSError):
        saring.SpamModel.load(str(tmp_path / "missing.model"))


def test_near_duplicate_index():
    index = saring.NearDuplicateTextIndex()
    h = saring.text_simhash("Slot gacor maxwin hari ini deposit 10rb bonus 100 persen daftar sekarang")
    assert h is not None and saring.text_simhash("banjir") is None
    for i in range(4):
        index.add(f"r{i}", h, 100 + i)
    assert index.count_near(h) == 4
    assert index.count_near(h, since=102) == 2
    assert len(index) == 4
    assert index.find_near(h, limit=2) == ["r0", "r1"]


def test_reporter_state():
    state = saring.ReporterState(flood_window_seconds=600)
    for i in range(6):
        state.record_report("u1", 1000 + i * 60)
    state.record_moderation("u1", True)
    assert state.activity("u1", 1300) == (6, 1, 1)
    assert len(state) == 1


def test_csv_parser():
    header, rows = saring.parse_csv('a,b\n"x, ""y""",1\n')
    assert header == ["a", "b"] and rows == [['x, "y"', "1"]]
    with pytest.raises(ValueError):
        saring.parse_csv('a,b\n"open,1\n')


def test_cli_train_and_score(cli, data_dir, tmp_path):
    model = tmp_path / "cli.model"
    subprocess.run([cli, "spam", "train", "--data", str(data_dir / "spam" / "reports_labeled.csv"), "--text-col", "text",
                    "--label-col", "label", "--out", str(model)], check=True, capture_output=True)
    reports = tmp_path / "r.jsonl"
    reports.write_text(json.dumps({"id": "r1", "time": "2026-11-28T08:15:00+07:00", "lat": -6.2, "lon": 106.8,
                                   "text": "Promo gratis pulsa 100rb klik bit.ly/x"}) + "\n")
    out = subprocess.run([cli, "spam", "score", "--model", str(model), str(reports)], check=True,
                         capture_output=True, text=True).stdout
    line = json.loads(out.splitlines()[0])
    assert line["id"] == "r1" and line["scores"]["spam"] > 0.5
    assert any(r["code"] == "SPAM_URL" for r in line["reasons"])


def test_reporter_state_round_trip():
    state = saring.ReporterState(flood_window_seconds=600)
    for i in range(6):
        state.record_report("u1", 1000 + i * 60)
    state.record_moderation("u1", True)
    state.record_report("u2", 1200)
    back = saring.ReporterState.deserialize(state.serialize(), flood_window_seconds=600)
    assert len(back) == 2
    assert back.activity("u1", 1300) == (6, 1, 1)
    assert back.activity("u2", 1300) == (1, 0, 0)
    back.prune(5000)  # everything is older than the window now; u1 keeps its moderation tally
    assert back.activity("u1", 5000) == (0, 1, 1)
    with pytest.raises(saring.Error) as e:
        saring.ReporterState.deserialize(b"not a reporter state")
    assert e.value.code == "corrupt"


def test_binary_metrics_and_cross_validation(data_dir):
    labels = [1, 1, 0, 0, 1, 0]
    scores = [0.9, 0.4, 0.2, 0.6, 0.8, 0.1]
    m = saring.binary_metrics(labels, scores, threshold=0.5)
    # tp: 0.9, 0.8; fp: 0.6; fn: 0.4
    assert m["true_positives"] == 2 and m["false_positives"] == 1
    assert m["positives"] == 3 and m["negatives"] == 3
    assert m["precision"] == pytest.approx(2 / 3) and m["recall"] == pytest.approx(2 / 3)
    assert m["f1"] == pytest.approx(2 / 3) and m["accuracy"] == pytest.approx(4 / 6)
    assert m["roc_auc"] == pytest.approx(saring.roc_auc(labels, scores))
    with pytest.raises(ValueError):
        saring.binary_metrics([1, 0], [0.5])

    texts, labels = saring.read_labeled_csv(str(data_dir / "spam" / "reports_labeled.csv"), "text", "label")
    p = saring.cross_validate_spam(texts, labels, folds=3, seed=7)
    assert len(p) == len(texts) and all(0.0 <= x <= 1.0 for x in p)
    assert saring.binary_metrics(labels, p)["roc_auc"] > 0.8
    assert p == saring.cross_validate_spam(texts, labels, folds=3, seed=7)  # seeded: deterministic
    with pytest.raises(ValueError):
        saring.cross_validate_spam(texts, labels, folds=1)


def test_read_labeled_csv_delimiter(tmp_path):
    f = tmp_path / "semi.csv"
    f.write_text("text;label\npromo gratis klik bit.ly/x;1\njalan rusak di depan sekolah;0\n")
    texts, labels = saring.read_labeled_csv(str(f), "text", "label", delimiter=";")
    assert texts == ["promo gratis klik bit.ly/x", "jalan rusak di depan sekolah"] and labels == [1, 0]
    with pytest.raises(saring.Error, match="one character"):
        saring.read_labeled_csv(str(f), "text", "label", delimiter=";;")


def test_cli_score_context_from_earlier_lines(cli, tmp_path):
    # The same pasted text three times, and one reporter sending six reports in ten minutes:
    # the context rules fire from the lines above, as the filter fires them from its state.
    pasted = "Tolong perbaiki lampu jalan yang mati di depan pasar sejak minggu lalu"
    lines = []
    for i in range(3):
        lines.append({"id": f"p{i}", "reporter": f"x{i}", "time": f"2026-11-28T08:1{i}:00+07:00",
                      "lat": -6.2, "lon": 106.8, "text": pasted})
    for i in range(6):
        lines.append({"id": f"f{i}", "reporter": "u1", "time": f"2026-11-28T09:0{i}:00+07:00",
                      "lat": -6.2, "lon": 106.8, "text": f"laporan nomor {i} tentang sampah menumpuk di gang {i}"})
    f = tmp_path / "ctx.jsonl"
    f.write_text("\n".join(json.dumps(x) for x in lines) + "\n")

    def codes(extra):
        p = subprocess.run([cli, "spam", "score", *extra, str(f)], capture_output=True, text=True)
        assert p.returncode == 0, p.stderr
        return {o["id"]: {r["code"] for r in o["reasons"]} for o in map(json.loads, p.stdout.splitlines())}

    with_ctx = codes([])
    assert "SPAM_NEAR_DUPLICATE_TEXT" not in with_ctx["p1"]
    assert "SPAM_NEAR_DUPLICATE_TEXT" in with_ctx["p2"]
    assert "SPAM_REPORTER_FLOOD" not in with_ctx["f4"]
    assert "SPAM_REPORTER_FLOOD" in with_ctx["f5"]
    alone = codes(["--no-context"])
    assert not any("SPAM_NEAR_DUPLICATE_TEXT" in c or "SPAM_REPORTER_FLOOD" in c for c in alone.values())
    # A narrow window forgets the reports that are too old to count.
    narrow = codes(["--flood-window", "2m", "--near-window", "30s"])
    assert "SPAM_REPORTER_FLOOD" not in narrow["f5"] and "SPAM_NEAR_DUPLICATE_TEXT" not in narrow["p2"]
    p = subprocess.run([cli, "spam", "score", "--near-window", "7x", str(f)], capture_output=True, text=True)
    assert p.returncode == 2 and "--near-window" in p.stderr


def test_class_weights_from_python_and_cli(cli, data_dir, tmp_path):
    # SpamTrainOptions' class weights, settable from Python and the CLI as from C++: weighting one
    # class far above the other moves every prediction towards it.
    csv = data_dir / "spam" / "reports_labeled.csv"
    texts, labels = saring.read_labeled_csv(str(csv), "text", "label")
    pro_spam = saring.SpamModel.train(texts, labels, spam_weight=20.0, normal_weight=0.05, max_iterations=30)
    pro_normal = saring.SpamModel.train(texts, labels, spam_weight=0.05, normal_weight=20.0, max_iterations=30)
    a, b = pro_spam.predict_many(texts), pro_normal.predict_many(texts)
    assert sum(a) > sum(b) and sum(x > y for x, y in zip(a, b)) > 0.9 * len(texts)
    with pytest.raises(saring.Error):
        saring.SpamModel.train(texts, labels, spam_weight=-1.0)

    reports = tmp_path / "r.jsonl"
    reports.write_text("\n".join(json.dumps({"id": f"r{i}", "time": "2026-11-28T08:15:00+07:00", "lat": -6.2,
                                             "lon": 106.8, "text": t}) for i, t in enumerate(texts[:20])) + "\n")
    probs = []
    for spam_w, normal_w in (("20", "0.05"), ("0.05", "20")):
        model = tmp_path / f"w{spam_w}.model"
        subprocess.run([cli, "spam", "train", "--data", str(csv), "--text-col", "text", "--label-col", "label",
                        "--spam-weight", spam_w, "--normal-weight", normal_w, "--max-iter", "30", "--out", str(model)],
                       check=True, capture_output=True)
        out = subprocess.run([cli, "spam", "score", "--no-context", "--model", str(model), str(reports)],
                             check=True, capture_output=True, text=True).stdout
        probs.append([json.loads(x)["scores"]["spam"] for x in out.splitlines()])
    assert sum(probs[0]) > sum(probs[1])
    bad = subprocess.run([cli, "spam", "train", "--data", str(csv), "--spam-weight", "-1", "--out",
                          str(tmp_path / "x.model")], capture_output=True, text=True)
    assert bad.returncode == 2 and "spam_weight" in bad.stderr


def _write_lists(directory, slang="xq\tgratis\n", promo="zorblat\n", money="rekening\n", abuse="bangsat\n"):
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "slang_id.tsv").write_text(slang)
    (directory / "promo_id.txt").write_text(promo)
    (directory / "money_id.txt").write_text(money)
    (directory / "abuse_id.txt").write_text(abuse)
    return directory


def test_custom_lexicons_from_python(data, tmp_path):
    # SpamLexicons from_text/load_dir, and every call that takes word lists in C++ takes them here.
    lex = saring.SpamLexicons.from_text("xq\tgratis\n", "zorblat\n", "rekening\n", "bangsat\n")
    assert lex.slang("xq") == "gratis" and lex.slang("yg") is None
    assert lex.is_promo("ZORBLAT") and lex.is_money("rekening") and lex.is_abuse("bangsat")
    assert not lex.is_promo("hadiah") and saring.SpamLexicons.builtin().is_promo("hadiah")
    assert (lex.slang_size, lex.term_size) == (1, 3)
    assert lex.fingerprint != saring.SpamLexicons.builtin().fingerprint
    assert saring.SpamLexicons.load_dir(str(_write_lists(tmp_path / "lists"))).fingerprint == lex.fingerprint
    assert saring.SpamLexicons.empty().slang_size == 0

    assert saring.normalize_text("xq pulsa", lexicons=lex).normalized == "gratis pulsa"
    assert saring.normalize_text("xq pulsa").normalized == "xq pulsa"
    assert "SPAM_PROMO_WORDS" in [c for c, *_ in saring.spam_rules("zorblat zorblat untuk warga", lexicons=lex)]
    assert "SPAM_PROMO_WORDS" not in [c for c, *_ in saring.spam_rules("zorblat zorblat untuk warga")]
    scored = saring.score_spam("zorblat zorblat untuk warga", lexicons=lex)
    assert "SPAM_PROMO_WORDS" in [r["code"] for r in scored["rules"]]

    texts, labels = data
    model = saring.SpamModel.train(texts, labels, lexicons=lex, max_iterations=20)
    assert model.lexicon_fingerprint == lex.fingerprint == model.lexicons.fingerprint
    assert model.predict("pulsa xq") == pytest.approx(model.predict("pulsa gratis"))
    blob = model.to_bytes()
    with pytest.raises(saring.Error) as e:
        saring.SpamModel.from_bytes(blob)  # the built-in lists: not what it was trained with
    assert e.value.code == "invalid_argument" and "word lists" in str(e.value)
    back = saring.SpamModel.from_bytes(blob, lexicons=lex)
    assert back.predict("pulsa xq") == pytest.approx(model.predict("pulsa xq"))
    path = tmp_path / "custom.model"
    model.save(str(path))
    with pytest.raises(saring.Error):
        saring.SpamModel.load(str(path))
    assert saring.SpamModel.load(str(path), lexicons=lex).to_bytes() == blob
    p = saring.cross_validate_spam(texts, labels, folds=3, max_iterations=10, lexicons=lex)
    assert len(p) == len(texts) and p != saring.cross_validate_spam(texts, labels, folds=3, max_iterations=10)

    # Broken lists: named errors, never empty lists.
    with pytest.raises(saring.Error) as e:
        saring.SpamLexicons.from_text("xq gratis\n", "", "", "")
    assert e.value.code == "parse" and "line 1" in str(e.value)
    with pytest.raises(saring.IoError):
        saring.SpamLexicons.load_dir(str(tmp_path / "missing"))
    (tmp_path / "lists" / "abuse_id.txt").unlink()
    with pytest.raises(saring.IoError) as e:
        saring.SpamLexicons.load_dir(str(tmp_path / "lists"))
    assert "abuse_id.txt" in str(e.value)


def test_cli_lexicons(cli, data_dir, tmp_path):
    # `--lexicons DIR` on spam train/score/eval; a model refuses lists it was not trained with.
    csv = str(data_dir / "spam" / "reports_labeled.csv")
    lists = _write_lists(tmp_path / "lists")
    reports = tmp_path / "r.jsonl"
    reports.write_text(json.dumps({"id": "r1", "time": "2026-11-28T08:15:00+07:00", "lat": -6.2, "lon": 106.8,
                                   "text": "zorblat zorblat untuk warga kita"}) + "\n")

    def codes(args):
        out = subprocess.run([cli, "spam", "score", *args, str(reports)], check=True, capture_output=True,
                             text=True).stdout
        return [r["code"] for r in json.loads(out.splitlines()[0])["reasons"]]

    assert "SPAM_PROMO_WORDS" in codes(["--lexicons", str(lists)])
    assert "SPAM_PROMO_WORDS" not in codes([])

    model = tmp_path / "custom.model"
    subprocess.run([cli, "spam", "train", "--data", csv, "--lexicons", str(lists), "--max-iter", "20",
                    "--out", str(model)], check=True, capture_output=True)
    assert saring.SpamModel.load(str(model), lexicons=saring.SpamLexicons.load_dir(str(lists))) is not None
    bad = subprocess.run([cli, "spam", "score", "--model", str(model), str(reports)], capture_output=True, text=True)
    assert bad.returncode == 2 and "word lists" in bad.stderr and "[invalid_argument]" in bad.stderr
    assert "SPAM_MODEL" in codes(["--model", str(model), "--lexicons", str(lists)])
    bad = subprocess.run([cli, "spam", "eval", "--data", csv, "--model", str(model)], capture_output=True, text=True)
    assert bad.returncode == 2 and "word lists" in bad.stderr
    ok = subprocess.run([cli, "spam", "eval", "--data", csv, "--model", str(model), "--lexicons", str(lists)],
                        capture_output=True, text=True)
    assert ok.returncode == 0 and "roc_auc" in ok.stdout
    cv = subprocess.run([cli, "spam", "eval", "--data", csv, "--cv", "3", "--max-iter", "10", "--lexicons",
                         str(lists)], capture_output=True, text=True)
    assert cv.returncode == 0 and "roc_auc" in cv.stdout

    # Broken directories: exit 2, the option, file and line named; no model written.
    (tmp_path / "broken").mkdir()
    _write_lists(tmp_path / "broken", promo="zorblat\nsatu dua tiga\n")
    (tmp_path / "partial").mkdir()
    (tmp_path / "partial" / "slang_id.tsv").write_text("")
    for directory, code, words in ((tmp_path / "broken", "[parse]", ["promo list line 2"]),
                                   (tmp_path / "partial", "[io]", ["promo_id.txt"]),
                                   (tmp_path / "missing", "[io]", ["not a directory"]),
                                   (lists / "slang_id.tsv", "[io]", ["not a directory"])):
        for args in (["score", str(reports)], ["train", "--data", csv, "--out", str(tmp_path / "never.model")],
                     ["eval", "--data", csv, "--cv", "3"]):
            r = subprocess.run([cli, "spam", args[0], "--lexicons", str(directory), *args[1:]], capture_output=True,
                               text=True)
            assert r.returncode == 2 and code in r.stderr and "--lexicons" in r.stderr, (args, r.stderr)
            assert all(w in r.stderr for w in words), r.stderr
    assert not (tmp_path / "never.model").exists()


def test_train_takes_text_and_rule_options(data):
    # SpamTrainOptions' text and rule options and thread count, as from C++; both live in the model.
    texts, labels = data
    plain = saring.SpamModel.train(texts, labels, max_iterations=20, threads=1)
    assert plain.text_options.apply_slang and plain.predict("gk") == pytest.approx(plain.predict("tidak"))
    no_slang = saring.SpamModel.train(texts, labels, max_iterations=20, threads=1,
                                      text_options=saring.TextNormalizeOptions(apply_slang=False))
    assert not no_slang.text_options.apply_slang
    assert no_slang.predict("gk") != pytest.approx(no_slang.predict("tidak"))
    assert not saring.SpamModel.from_bytes(no_slang.to_bytes()).text_options.apply_slang
    two = saring.SpamModel.train(texts, labels, max_iterations=20, threads=2)
    assert two.predict_many(texts) == pytest.approx(plain.predict_many(texts), abs=1e-6)

    rules = saring.SpamRuleOptions()
    assert rules.weights["SPAM_URL"] > 0 and set(rules.group_caps) >= {"link", "lure"}
    rules.weights = {"SPAM_URL": 0.0}
    rules.short_text_chars = 3
    assert rules.weights["SPAM_URL"] == 0.0 and rules.weights["SPAM_PHONE"] > 0
    ruled = saring.SpamModel.train(texts, labels, max_iterations=20, rule_options=rules)
    assert ruled.rule_options.weights["SPAM_URL"] == 0.0 and ruled.rule_options.short_text_chars == 3
    # Without a model, score_spam's rule options weigh the rules.
    url = "lihat bit.ly/abc untuk info lengkap"
    assert "SPAM_URL" in [r["code"] for r in saring.score_spam(url)["rules"]]
    assert saring.score_spam(url, rule_options=rules)["probability"] < saring.score_spam(url)["probability"]
    long_text = "jalan rusak " * 10
    assert not saring.score_spam(long_text)["truncated"]
    assert saring.score_spam(long_text, text_options=saring.TextNormalizeOptions(max_bytes=20))["truncated"]

    with pytest.raises(saring.Error) as e:
        rules.weights = {"SPAM_NOPE": 1.0}
    assert "SPAM_NOPE" in str(e.value)
    with pytest.raises(saring.Error):
        rules.group_caps = {"nope": 1.0}
    with pytest.raises(saring.Error):
        saring.TextNormalizeOptions(max_bytes=0)
    bad = saring.SpamRuleOptions()
    bad.all_caps_share = 2.0
    with pytest.raises(saring.Error):
        saring.SpamModel.train(texts, labels, rule_options=bad)
    with pytest.raises(saring.Error):
        saring.SpamModel.train(texts, labels, threads=-1)
