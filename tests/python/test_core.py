import json

import pytest

import saring


def test_report_round_trip():
    r = saring.Report.from_json('{"id":"r1","time":"2026-11-28T08:15:00+07:00","lat":-6.2,"lon":106.8,'
                                '"category":"sampah","text":"Sampah menumpuk"}')
    assert r.id == "r1"
    assert r.time.offset_minutes == 420
    assert r.lat == pytest.approx(-6.2)
    again = saring.Report.from_json(r.to_json())
    assert again.text == "Sampah menumpuk"


def test_bad_report_raises_value_error_with_code():
    with pytest.raises(ValueError) as info:
        saring.Report.from_json('{"id":"r1","time":"2026-11-28T08:15:00Z","lon":1}')
    assert "lat" in str(info.value)
    assert info.value.code == "parse"


def test_report_extra_fields_and_line_numbers():
    r = saring.Report.from_json('{"id":"r1","time":"2026-11-28T08:15:00+07:00","lat":-6.2,"lon":106.8,'
                                '"channel":"web","client":{"app":"3.2.1","os":"android 14"}}')
    assert r.client.app == "3.2.1"
    assert json.loads(r.extra_json) == {"channel": "web", "client": {"os": "android 14"}}
    out = json.loads(r.to_json())
    assert out["channel"] == "web" and out["client"] == {"app": "3.2.1", "os": "android 14"}
    r.extra_json = '{"ticket": 17}'
    assert json.loads(r.to_json())["ticket"] == 17
    r.extra_json = "{broken"
    with pytest.raises(saring.Error, match="extra_json"):
        r.to_json()
    with pytest.raises(saring.Error, match="line 7: report field 'lat'"):
        saring.Report.from_json('{"id":"r1","time":"2026-11-28T08:15:00Z","lon":1}', line_no=7)


def test_verdict_json():
    v = saring.Verdict()
    v.id = "x"
    v.decision = "review"
    v.reasons = [saring.Reason("SPAM_URL", "spam", 0.4, "a link")]
    back = saring.Verdict.from_json(v.to_json())
    assert back.decision == "review"
    assert back.reasons[0].code == "SPAM_URL"
    with pytest.raises(ValueError):
        v.decision = "perhaps"
    with pytest.raises(saring.Error, match="line 3: verdict field 'areas\\[0\\].level'"):
        saring.Verdict.from_json('{"id":"x","decision":"accept","areas":[{"level":"county"}]}', line_no=3)


def test_hash_types():
    a = saring.Hash256.from_hex("f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22")
    b = saring.Hash256.from_hex("f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b23")
    assert a.distance(b) == 1
    assert a.hex().startswith("f8f8")
    assert len({a, b, a}) == 2
    with pytest.raises(ValueError):
        saring.Hash64.from_hex("nothex")
    assert saring.Hash64(0xff).distance(saring.Hash64(0x0f)) == 4
    assert saring.parse_duration("2h") == 7200
