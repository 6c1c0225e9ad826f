"""What the drafting decoder holds back while it streams (the decoding itself runs on a
real model in tests/integration/test_local_model.py)."""

from reins.models.lookup_decoding import _first_stop, _held_back


def test_the_start_of_a_stop_string_waits_until_it_is_known_not_to_be_one():
    stops = [b"<|im_end|>", b"\nUser:"]
    assert _held_back(b"print(x)\n", stops) == 1  # "\n" may begin "\nUser:"
    assert _held_back(b"print(x)\nUs", stops) == 3
    assert _held_back(b"print(x)<|im", stops) == 4
    assert _held_back(b"print(x)", stops) == 0
    assert _first_stop(b"done\nUser: more", stops) == 4
    assert _first_stop(b"a<|im_end|>b\nUser:", stops) == 1
    assert _first_stop(b"no stop here", stops) is None


def test_an_unfinished_utf8_character_waits_for_its_last_bytes():
    euro = "€".encode()  # three bytes
    assert _held_back(b"cost: " + euro[:1], []) == 1
    assert _held_back(b"cost: " + euro[:2], []) == 2
    assert _held_back(b"cost: " + euro, []) == 0
    assert _held_back("naïve".encode(), []) == 0
