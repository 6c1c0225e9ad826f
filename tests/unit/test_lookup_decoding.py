"""What the drafting decoder holds back while it streams (the decoding itself runs on a
real model in tests/integration/test_local_model.py)."""

import numpy as np

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


# --- sampled replies: llama.cpp's chain, and drafts checked by speculative sampling ------


def test_the_sampled_distribution_is_llama_cpps_chain():
    from reins.models.lookup_decoding import Sampled

    row = np.full(100, -50.0, np.float32)
    row[[7, 3, 5, 9]] = [5.0, 4.0, 2.0, 1.0]  # softmax: 0.705, 0.259, 0.035, 0.013 ...
    ids, probs = Sampled(1.0, 0).distribution(row)
    # top-p 0.95 keeps 7 and 3 (0.964); min-p 0.05 would keep 5 only if e^-3 >= 0.05 (no)
    assert ids.tolist() == [7, 3]
    assert np.allclose(probs, [np.e / (np.e + 1), 1 / (np.e + 1)])
    ids, probs = Sampled(0.5, 0).distribution(row)  # the temperature comes last
    assert ids.tolist() == [7, 3] and np.allclose(probs[0], np.e**2 / (np.e**2 + 1))
    flat = np.zeros(100, np.float32)  # all alike: top-k 40, then top-p 0.95 of them
    assert len(Sampled(1.0, 0).distribution(flat)[0]) == 38


def test_a_checked_draft_leaves_each_token_as_likely_as_a_draw_without_it():
    from reins.models.lookup_decoding import Sampled

    rng = np.random.default_rng(5)
    rows = rng.normal(0, 1.5, (2, 12)).astype(np.float32)
    sampler = Sampled(0.8, 1)
    ids, probs = sampler.distribution(rows[0])
    first = dict(zip(ids.tolist(), probs.tolist(), strict=True))
    ids2, probs2 = sampler.distribution(rows[1])
    second = dict(zip(ids2.tolist(), probs2.tolist(), strict=True))
    for draft in (ids.tolist()[0], ids.tolist()[-1], 11 if 11 not in first else 0):
        counts: dict[int, int] = {}
        then: dict[int, int] = {}
        n = 15_000
        for _ in range(n):
            kept, after = sampler.check(rows, [draft])
            token = draft if kept else after
            counts[token] = counts.get(token, 0) + 1
            if kept:
                then[after] = then.get(after, 0) + 1
        for token, p in first.items():
            assert abs(counts.get(token, 0) / n - p) < 0.02, (draft, token)
        assert set(counts) <= set(first)
        kept_n = counts.get(draft, 0)
        for token, p in second.items() if kept_n > 2000 else ():
            assert abs(then.get(token, 0) / kept_n - p) < 0.05  # the next one, from row 2


def test_a_sampled_reply_repeats_with_its_seed():
    from reins.models.lookup_decoding import Sampled

    rows = np.random.default_rng(0).normal(0, 2, (4, 50)).astype(np.float32)

    def draws(seed):
        sampler = Sampled(0.8, seed)
        return [sampler.check(rows, [1, 2, 3]) for _ in range(30)]

    assert draws(7) == draws(7) and draws(7) != draws(8)
