"""difflib's similarity, computed faster and within the edit's time limit.

Everything here gives exactly what difflib gives (the matchers' behaviour is tuned on
difflib's numbers), only sooner:

  * `Matcher` is difflib.SequenceMatcher with a find_longest_match that starts each row at
    the sub-range it searches (bisect) instead of walking every earlier occurrence, and that
    checks the deadline. Same blocks, same order, same ties.
  * `match_count(a, b)` is the number of characters difflib's ratio() counts as matching
    (autojunk off, no junk), so `ratio(a, b)` equals SequenceMatcher(None, a, b,
    autojunk=False).ratio(). Long sub-ranges find their longest common substring by a
    binary search over its length with rolling hashes (every hit verified on the text)
    instead of difflib's quadratic table. `Matches(a, text)` does the same for many
    windows of one text, sharing the searches they have in common.
  * Upper bounds on that ratio, to rule windows out before computing it: the multiset
    intersection of characters (exactly difflib's quick_ratio, for every window of a file
    at once with numpy: `WindowCounts`), and the longest common subsequence (bit-parallel:
    `lcs_length`, and `SpanLCS` for all the windows of a stretch at once), which bounds
    difflib's matches because its blocks are a common subsequence.
"""

from __future__ import annotations

import difflib
from bisect import bisect_left

import numpy as np

from reins.tools.edits.budget import check

_CHECK_WORK = 20_000  # table cells between deadline checks
_CHECK_CHARS = 255  # characters fed to a bit-parallel LCS between checks (a mask: 2^k - 1)
HASH_MIN_SIDE = 150  # both sides at least this long: find the longest match by hashing
KNOWN_MIN = 8  # matches at least this long are remembered as lower bounds


def longest_run(a, b2j, alo: int, ahi: int, blo: int, bhi: int) -> tuple[int, int, int]:
    """difflib's longest-match table (no junk): (i, j, size) of the longest common run of
    a[alo:ahi] and b[blo:bhi], earliest in a, then in b. b2j: positions of each element
    in b, sorted. Each row scans only the positions inside [blo, bhi)."""
    besti, bestj, bestsize = alo, blo, 0
    j2len: dict[int, int] = {}
    work = 0
    for i in range(alo, ahi):
        newj2len: dict[int, int] = {}
        found = b2j.get(a[i])
        if found:
            lo = bisect_left(found, blo)
            hi = bisect_left(found, bhi, lo)
            work += hi - lo + 8
            if work > _CHECK_WORK:
                check()
                work = 0
            j2lenget = j2len.get
            for j in found[lo:hi]:
                k = newj2len[j] = j2lenget(j - 1, 0) + 1
                if k > bestsize:
                    besti, bestj, bestsize = i - k + 1, j - k + 1, k
        j2len = newj2len
    return besti, bestj, bestsize


class Matcher(difflib.SequenceMatcher):
    """difflib.SequenceMatcher, same results; each row of find_longest_match scans only the
    occurrences inside [blo, bhi), and long searches stop at the deadline."""

    def find_longest_match(self, alo=0, ahi=None, blo=0, bhi=None):
        a, b, b2j, isbjunk = self.a, self.b, self.b2j, self.bjunk.__contains__
        if ahi is None:
            ahi = len(a)
        if bhi is None:
            bhi = len(b)
        check()
        besti, bestj, bestsize = longest_run(a, b2j, alo, ahi, blo, bhi)
        # difflib's extensions over junk (none when there is no junk and no popular element)
        while (
            besti > alo
            and bestj > blo
            and not isbjunk(b[bestj - 1])
            and a[besti - 1] == b[bestj - 1]
        ):
            besti, bestj, bestsize = besti - 1, bestj - 1, bestsize + 1
        while (
            besti + bestsize < ahi
            and bestj + bestsize < bhi
            and not isbjunk(b[bestj + bestsize])
            and a[besti + bestsize] == b[bestj + bestsize]
        ):
            bestsize += 1
        while (
            besti > alo and bestj > blo and isbjunk(b[bestj - 1]) and a[besti - 1] == b[bestj - 1]
        ):
            besti, bestj, bestsize = besti - 1, bestj - 1, bestsize + 1
        while (
            besti + bestsize < ahi
            and bestj + bestsize < bhi
            and isbjunk(b[bestj + bestsize])
            and a[besti + bestsize] == b[bestj + bestsize]
        ):
            bestsize = bestsize + 1
        return difflib.Match(besti, bestj, bestsize)


# --- exact difflib matches between two strings -------------------------------------------

_MASK = (1 << 64) - 1
_BASE = 0x9E3779B97F4A7C15  # odd, so it has an inverse modulo 2^64
_BASE_INV = pow(_BASE, -1, 1 << 64)


def _codes(text: str) -> np.ndarray:
    return np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)


class _Hashes:
    """Position-independent hashes of every substring of a text, mod 2^64:
    h(i, k) = sum(text[i + u] * BASE^-u for u < k) = (G[i + k] - G[i]) * BASE^i."""

    def __init__(self, text: str):
        n = len(text)
        codes = _codes(text).astype(np.uint64)
        with np.errstate(over="ignore"):
            inv = np.full(n, _BASE_INV, dtype=np.uint64)
            inv[:1] = 1
            inv_powers = np.cumprod(inv, dtype=np.uint64)  # BASE^-t
            fwd = np.full(n + 1, _BASE, dtype=np.uint64)
            fwd[:1] = 1
            self.powers = np.cumprod(fwd, dtype=np.uint64)  # BASE^t
            self.prefix = np.zeros(n + 1, dtype=np.uint64)
            np.cumsum(codes * inv_powers, dtype=np.uint64, out=self.prefix[1:])

    def of(self, lo: int, hi: int, k: int) -> np.ndarray:
        """Hashes of the substrings of length k starting in [lo, hi - k]."""
        with np.errstate(over="ignore"):
            return (self.prefix[lo + k : hi + 1] - self.prefix[lo : hi - k + 1]) * self.powers[
                lo : hi - k + 1
            ]


class Matches:
    """difflib's matches between a string a and pieces of a text (no junk, autojunk off).

    `count(lo, hi)` is how many characters SequenceMatcher(None, a, text[lo:hi],
    autojunk=False) matches: the same blocks, found in the same order. Positions are the
    text's own, so the searches of one piece are remembered for the next: windows of a
    file that overlap share all but the searches that touch their ends."""

    EAGER_TEXT = 4096  # shorter texts index every character up front

    def __init__(self, a: str, text: str):
        self.a, self.b = a, text
        self._b2j: dict[str, list[int]] | None = None
        if len(text) <= self.EAGER_TEXT:
            self._b2j = {}
            for j, ch in enumerate(text):
                self._b2j.setdefault(ch, []).append(j)
        self._hashes: tuple[_Hashes, _Hashes] | None = None
        self._longest: dict[tuple[int, int, int, int], tuple[int, int, int]] = {}
        self._known: list[tuple[int, int, int]] = []  # long matches found, for lower bounds
        self._known_arrays: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None

    def _positions(self) -> dict[str, list[int]]:
        if self._b2j is None:  # a long text: only the characters a has, with numpy
            codes = _codes(self.b)
            self._b2j = {ch: np.flatnonzero(codes == ord(ch)).tolist() for ch in set(self.a)}
        return self._b2j

    def longest(self, alo: int, ahi: int, blo: int, bhi: int, cap: int) -> tuple[int, int, int]:
        """difflib's find_longest_match: the longest common substring, ending earliest in a,
        then earliest in b. `cap`: no match is longer (the enclosing range's longest)."""
        key = (alo, ahi, blo, bhi)
        found = self._longest.get(key)
        if found is None:
            if ahi - alo >= HASH_MIN_SIDE and bhi - blo >= HASH_MIN_SIDE:
                found = self._longest_hashed(alo, ahi, blo, bhi, cap)
                if found[2] >= KNOWN_MIN:
                    self._known.append(found)
            else:
                found = self._longest_table(alo, ahi, blo, bhi)
            self._longest[key] = found
        return found

    def _known_inside(self, alo: int, ahi: int, blo: int, bhi: int) -> int:
        """The longest common substring of a[alo:ahi] and b[blo:bhi] is at least this
        long: the longest piece of a match found before that lies inside both ranges."""
        if not self._known:
            return 0
        if self._known_arrays is None or len(self._known_arrays[0]) != len(self._known):
            i, j, k = (np.array(x, dtype=np.int64) for x in zip(*self._known, strict=True))
            self._known_arrays = (i, j, k)
        i, j, k = self._known_arrays
        first = np.maximum(np.maximum(alo - i, blo - j), 0)
        last = np.minimum(np.minimum(ahi - i, bhi - j), k)
        return int(max(0, (last - first).max()))

    def _longest_table(self, alo: int, ahi: int, blo: int, bhi: int) -> tuple[int, int, int]:
        return longest_run(self.a, self._positions(), alo, ahi, blo, bhi)

    def _first_common(self, alo, ahi, blo, bhi, k) -> int | None:
        """The first start in a[alo:ahi] of a length-k substring that occurs in b[blo:bhi]."""
        if self._hashes is None:
            self._hashes = (_Hashes(self.a), _Hashes(self.b))
        ha, hb = self._hashes
        wanted, present = ha.of(alo, ahi, k), np.sort(hb.of(blo, bhi, k))
        at = np.minimum(np.searchsorted(present, wanted), len(present) - 1)
        hits = np.flatnonzero(present[at] == wanted)
        a, b = self.a, self.b
        for n, i in enumerate(hits.tolist()):
            if not (n & _CHECK_CHARS):
                check()
            if b.find(a[alo + i : alo + i + k], blo, bhi) != -1:  # not a hash collision
                return alo + i
        return None

    def _longest_hashed(self, alo, ahi, blo, bhi, cap) -> tuple[int, int, int]:
        # Lengths with a common substring are 0..K: search for K, from below when a match
        # found before already shows some length (usually K itself: one probe above it
        # settles it). Then the match ending first in a is the one starting first (all
        # have length K), and in b the first occurrence of that text.
        low = self._known_inside(alo, ahi, blo, bhi)
        high, first = min(ahi - alo, bhi - blo, cap), None
        step = 1 if low else 0  # 0: plain bisection
        while low < high:
            check()
            mid = min(high, low + step) if step else (low + high + 1) // 2
            at = self._first_common(alo, ahi, blo, bhi, mid)
            if at is None:
                high, step = mid - 1, 0
            else:
                low, first = mid, at
                step *= 2
        if low == 0:
            return alo, blo, 0
        if first is None:  # the length was known, not where it first occurs
            first = self._first_common(alo, ahi, blo, bhi, low)
            assert first is not None
        return first, self.b.find(self.a[first : first + low], blo, bhi), low

    def count(self, lo: int = 0, hi: int | None = None) -> int:
        """The sum of difflib's matching block sizes (get_matching_blocks' recursion)
        between a and text[lo:hi]."""
        hi = len(self.b) if hi is None else hi
        la = len(self.a)
        queue = [(0, la, lo, hi, min(la, hi - lo))]
        total = 0
        while queue:
            alo, ahi, blo, bhi, cap = queue.pop()
            i, j, k = self.longest(alo, ahi, blo, bhi, cap)
            if k:
                total += k
                if alo < i and blo < j:
                    queue.append((alo, i, blo, j, k))
                if i + k < ahi and j + k < bhi:
                    queue.append((i + k, ahi, j + k, bhi, k))
        return total

    def ratio(self, lo: int = 0, hi: int | None = None) -> float:
        """SequenceMatcher(None, a, text[lo:hi], autojunk=False).ratio(), exactly."""
        hi = len(self.b) if hi is None else hi
        length = len(self.a) + hi - lo
        return 2.0 * self.count(lo, hi) / length if length else 1.0


def match_count(a: str, b: str) -> int:
    """Characters matched by difflib.SequenceMatcher(None, a, b, autojunk=False)."""
    return Matches(a, b).count()


def ratio(a: str, b: str) -> float:
    """difflib.SequenceMatcher(None, a, b, autojunk=False).ratio(), exactly."""
    length = len(a) + len(b)
    return 2.0 * match_count(a, b) / length if length else 1.0


# --- upper bounds ----------------------------------------------------------------------------


def _masks(text: str, alphabet) -> dict[str, int]:
    """For each character, the bits of the positions of text that hold it."""
    codes = _codes(text)
    masks: dict[str, int] = {}
    for ch in alphabet:
        bits = codes == ord(ch)
        if bits.any():
            masks[ch] = int.from_bytes(np.packbits(bits, bitorder="little").tobytes(), "little")
    return masks


def lcs_length(a: str, b: str) -> int:
    """Length of the longest common subsequence (bit-parallel, Hyyrö): an upper bound on
    difflib's matches."""
    m = len(b)
    if not a or not m:
        return 0
    masks = _masks(b, set(a))
    v = (1 << m) - 1
    for n, ch in enumerate(a):
        if not (n & _CHECK_CHARS):
            check()
        match = masks.get(ch)
        if match:
            u = v & match
            v = (v + u) | (v - u)
    return m - (v & ((1 << m) - 1)).bit_count()


class SpanLCS:
    """Longest common subsequences of one target with the pieces of a text that start or
    end at given places, each direction in a single pass: LCS(target, text[S:e]) for
    every e, and LCS(target, text[s:E]) for every s. A window text[s:e] inside [S, E) has
    LCS at most the smaller of the two (a longer text never has a shorter one): a bound for
    many overlapping windows for the price of two."""

    def __init__(self, target: str):
        self.size = len(target)
        self.full = (1 << self.size) - 1
        alphabet = set(target)
        self.forward = _masks(target, alphabet)
        self.backward = _masks(target[::-1], alphabet)

    def _run(self, text: str, masks: dict[str, int], stops: list[int], step: int):
        """Feed text[stops[0]:stops[-1]] (step 1) or text[stops[-1]:stops[0]] backwards
        (step -1); the LCS so far at each stop."""
        v, full, size = self.full, self.full, self.size
        out = [0]
        get = masks.get
        for a, b in zip(stops, stops[1:], strict=False):
            piece = text[a:b] if step == 1 else text[b:a][::-1]
            for at in range(0, len(piece), _CHECK_CHARS + 1):
                check()
                for ch in piece[at : at + _CHECK_CHARS + 1]:
                    match = get(ch)
                    if match:
                        u = v & match
                        v = (v + u) | (v - u)
            out.append(size - (v & full).bit_count())
        return out

    def from_start(self, text: str, start: int, ends: list[int]) -> list[int]:
        """LCS(target, text[start:e]) for each e of ends (ascending, from start on)."""
        return self._run(text, self.forward, [start, *ends], 1)[1:]

    def to_end(self, text: str, end: int, starts: list[int]) -> list[int]:
        """LCS(target, text[s:end]) for each s of starts (descending, up to end)."""
        return self._run(text, self.backward, [end, *starts], -1)[1:]


class WindowCounts:
    """Character counts of every window of consecutive lines of a file, joined by `sep`,
    against one target text: the multiset intersection (difflib's quick_ratio numerator)
    for all windows of a width in one numpy pass."""

    MAX_CELLS = 4_000_000  # lines x characters counted at once (memory)

    def __init__(self, lines: list[str], target: str, sep: str):
        alphabet = sorted(set(target))
        codes_wanted = np.array([ord(c) for c in alphabet], dtype=np.uint32)
        self.wanted = np.array([target.count(c) for c in alphabet], dtype=np.int64)
        self.sep_column = alphabet.index(sep) if sep in alphabet else None
        self.lines = n = len(lines)
        lengths = np.fromiter((len(t) for t in lines), dtype=np.int64, count=n)
        self.length_sums = np.concatenate(([0], np.cumsum(lengths)))
        codes = _codes("".join(lines))
        k = len(alphabet)
        if k and len(codes):
            column = np.searchsorted(codes_wanted, codes)
            column[column == k] = 0
            keep = codes_wanted[column] == codes
            # each counted character as one number: line * k + column, in line order
            self.cells = np.repeat(np.arange(n, dtype=np.int64), lengths)[keep] * k + column[keep]
        else:
            self.cells = np.zeros(0, dtype=np.int64)
        self.columns = k
        self._cumulative: dict[tuple[int, int], np.ndarray] = {}

    def _chunks(self) -> list[tuple[int, int]]:
        step = max(1, self.MAX_CELLS // max(1, self.lines))
        return [(c, min(self.columns, c + step)) for c in range(0, self.columns, step)]

    def _cumulative_counts(self, first: int, last: int) -> np.ndarray:
        """Counts of characters first..last - 1 in lines[:i], for every i."""
        cached = self._cumulative.get((first, last))
        if cached is not None:
            return cached
        k, width = self.columns, last - first
        column = self.cells % k
        chosen = (column >= first) & (column < last)
        flat = (self.cells[chosen] // k) * width + (column[chosen] - first)
        per_line = np.bincount(flat, minlength=self.lines * width).reshape(self.lines, width)
        cumulative = np.zeros((self.lines + 1, width), dtype=np.int64)
        np.cumsum(per_line, axis=0, out=cumulative[1:])
        if len(self._chunks()) == 1:
            self._cumulative[(first, last)] = cumulative  # reused by the next width
        return cumulative

    def intersections(self, width: int, separators: np.ndarray | int) -> np.ndarray:
        """For each window [i, i + width): sum over characters of min(target count, window
        count), where the window also holds `separators` copies of `sep`."""
        total = np.zeros(max(0, self.lines - width + 1), dtype=np.int64)
        for first, last in self._chunks():
            check()
            cumulative = self._cumulative_counts(first, last)
            counts = cumulative[width:] - cumulative[:-width]
            if self.sep_column is not None and first <= self.sep_column < last:
                counts[:, self.sep_column - first] += separators
            total += np.minimum(counts, self.wanted[first:last]).sum(axis=1)
        return total

    def text_lengths(self, width: int) -> np.ndarray:
        """Characters of the lines of each window, separators not included."""
        return self.length_sums[width:] - self.length_sums[:-width]
