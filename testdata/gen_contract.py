#!/usr/bin/env python3
"""Generate testdata/contract.json: NumPy ground truth for N-d contractions.

Each case is one call of strider's blasbridge.Matmul or blasbridge.Einsum,

    c = alpha * np.matmul(a, b) + beta * c              (op "matmul")
    c = alpha * np.einsum(spec, a, b) + beta * c        (op "einsum")

with every operand a real NumPy view (reshape in C or F order, transpose,
padded blocks, step slices, reversed axes, broadcast_to, as_strided) of a
freshly allocated contiguous 1-D buffer `base`. The fixture records each
operand's whole base, shape, byte strides and byte offset exactly as NumPy
reports them, the item size of the dtype the case was built in (float64: 8,
float32: 4), alpha, beta, and C's whole base before and after. Comparing the
whole base after checks the elements outside C's view (sentinels) too.

Values: elements of every base outside its views are distinct sentinels
(-1000 - k - 0.5 for A's base, -2000 - ... for B, -3000 - ... for C); the
elements a view reaches are small integers + 0.25, so every product and sum
is exact in float64 and in float32 (the script asserts both), and the Go side
can compare tightly whatever its summation order. alpha and beta are dyadic.

Semantics the fixture pins (beyond plain NumPy):

- beta == 0 means C is not read, as in BLAS: the expected result is
  alpha*(expr), not alpha*(expr) + 0*C. Cases tagged "nan" put NaN in C's
  view before the call; their positions are listed in c.nan (JSON has no
  NaN: the base holds 0 there), and no NaN may survive.
- C sharing memory with an input ("c_aliases": "a" or "b", C then lives in
  that input's base; "b_aliases": "a" puts B in A's base) is computed as
  NumPy's `c[...] = alpha*expr + beta*c` evaluates: the right-hand side into
  a temporary first, from the inputs as they were before the call.
- C must have exactly the shape of the result. NumPy's matmul accepts an
  `out` with extra leading axes of length 1; strider's contract does not
  (case "err_matmul_c_extra_axis", numpy_error "").
- Einsum, like NumPy's, broadcasts an axis of length 1 against the other
  operand's length for the same label (tag "label_broadcast"), ellipsis or
  not: "ij,jk->ik" with a of shape (3, 1) sums b over j. A label repeated
  within one operand ("ii") must have equal lengths there.
- The implicit form "ij,jk" (no "->") is NumPy's: the output is the labels
  that appear once, sorted by character code (uppercase first), after the
  ellipsis axes (tag "implicit").

Error cases ("error" not empty) must leave every base untouched and return an
error wrapping the kind's error: "shape" → blasbridge.ErrShape, "aliased" →
blasbridge.ErrAliasedOutput, "bounds" → adapter.ErrOutOfBounds, "spec" → any
error. "numpy_error" is what NumPy 1.24 raises for the same call ("" where
NumPy cannot express the case: a view outside its buffer, or a writeable
overlapping `out`, which NumPy fills in some order). "bounds" cases are
hand-made descriptions that no NumPy view has (base truncated, offset moved,
stride stretched); adapter.ArrayFromNumPy rejects them, so the Go test builds
the Array as a struct literal.

Rerun from the repo root (Debian's python3-numpy 1.24, no PyPI needed):

    /usr/bin/python3 testdata/gen_contract.py

The output is deterministic (no randomness) and overwrites
testdata/contract.json. If `python3` on PATH lacks numpy (e.g. a pyenv shim),
the script re-executes itself with /usr/bin/python3.
"""
import json
import os
import sys

try:
    import numpy as np
except ImportError:  # pragma: no cover - environment fallback
    if os.path.exists("/usr/bin/python3") and sys.executable != "/usr/bin/python3":
        os.execv("/usr/bin/python3", ["/usr/bin/python3"] + sys.argv)
    raise
from numpy.lib.stride_tricks import as_strided

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from gen_layouts import dumps  # noqa: E402  (one JSON style for every fixture)

OUT = os.path.join(HERE, "contract.json")
DTYPES = {"float64": np.float64, "float32": np.float32}
SENTINEL_BASE = {"a": -1000.0, "b": -2000.0, "c": -3000.0}
SALT = {"a": 1, "b": 2, "c": 3}


def small(k, salt):
    """Small integer + 0.25 for base index k: exact products and sums."""
    return float(((k * 7 + salt * 3) % 11) - 5) + 0.25


class Buf:
    """A fresh 1-D base, and which of its elements some view already owns."""

    def __init__(self, role, n, dtype):
        self.role = role
        self.base = (SENTINEL_BASE[role] - np.arange(n, dtype=np.float64) - 0.5).astype(dtype)
        self.owned = np.zeros(n, dtype=bool)
        self.nan = []


def addresses(view, offset):
    """Base indices of every element of view, in np.ndindex order."""
    it = view.dtype.itemsize
    out = []
    for idx in np.ndindex(view.shape):
        addr = offset + sum(i * s for i, s in zip(idx, view.strides))
        assert addr % it == 0, (idx, addr)
        out.append(addr // it)
    return out


def offset_of(view, base):
    return view.__array_interface__["data"][0] - base.__array_interface__["data"][0]


def build(buf, expr, role, nan=False):
    """The view `expr` over buf.base; fills the addresses it reaches that no
    earlier view owns with small values (NaN if nan), so a view placed in an
    input's base (in place) starts from that input's values where they meet."""
    base = buf.base
    env = {"np": np, "as_strided": as_strided, "base": base}
    view = eval(expr, env)
    assert view.dtype == base.dtype, (role, expr)
    off = offset_of(view, base)
    if view.size:
        assert np.shares_memory(view, base), (role, expr)
    for k in addresses(view, off):
        assert 0 <= k < base.size, (role, expr, k)
        if not buf.owned[k]:
            buf.owned[k] = True
            if nan:
                base[k] = np.nan
                buf.nan.append(k)
            else:
                base[k] = small(k, SALT[role])
    return view


def describe(expr, buf, view):
    base = buf.base
    return {
        "note": expr,
        "base": [0.0 if np.isnan(x) else float(x) for x in base],
        "nan": sorted(set(buf.nan)),
        "shape": list(view.shape),
        "strides": list(view.strides),
        "offset": offset_of(view, base),
    }


def compute(op, spec, a, b):
    """NumPy's value of the expression, from copies of the inputs (so it is
    the temporary NumPy's c[...] = expr would evaluate), checked against a
    second NumPy path (contiguous copies for matmul, optimize=True for
    einsum)."""
    a0, b0 = np.array(a), np.array(b)
    if op == "matmul":
        r = np.matmul(a0, b0)
        r2 = np.matmul(np.ascontiguousarray(a), np.ascontiguousarray(b))
    else:
        r = np.einsum(spec, a0, b0)
        r2 = np.einsum(spec, a0, b0, optimize=True)
    r, r2 = np.asarray(r), np.asarray(r2)
    assert r.shape == r2.shape and np.array_equal(r, r2), (op, spec)
    return r


def numpy_call(op, spec):
    return "np.matmul(a, b)" if op == "matmul" else f"np.einsum({spec!r}, a, b)"


def make_bufs(dtype, a, b, c):
    """Buffers for the operands' specs: (n, expr), or (role, expr) for a view
    in an earlier operand's base."""
    bufs = {}
    for role, spec in (("a", a), ("b", b), ("c", c)):
        if isinstance(spec[0], str):
            bufs[role] = bufs[spec[0]]
        else:
            bufs[role] = Buf(role, spec[0], dtype)
    return bufs


def case(name, op, spec, a, b, c, alpha, beta, dtype="float64", tags=(), nan=False):
    dt = DTYPES[dtype]
    bufs = make_bufs(dt, a, b, c)
    av = build(bufs["a"], a[1], "a")
    bv = build(bufs["b"], b[1], "b")
    cv = build(bufs["c"], c[1], "c", nan=nan)
    assert cv.flags.writeable and (not nan or beta == 0), name
    descs = {r: describe(s[1], bufs[r], v) for r, s, v in (("a", a, av), ("b", b, bv), ("c", c, cv))}
    b_aliases = b[0] if isinstance(b[0], str) else ""
    c_aliases = c[0] if isinstance(c[0], str) else ""
    if c_aliases == "b" and b_aliases:
        c_aliases = b_aliases
    tags = list(tags)
    if nan and "nan" not in tags:
        tags.append("nan")
    if c_aliases and "inplace" not in tags:
        tags.append("inplace")
    if b_aliases and "shared_input" not in tags:
        tags.append("shared_input")

    prod = compute(op, spec, av, bv)
    assert prod.shape == cv.shape, (name, prod.shape, cv.shape)
    # The same in float64 and float32: every value is exact in both.
    other = np.float32 if dt == np.float64 else np.float64
    prod2 = compute(op, spec, av.astype(other), bv.astype(other))
    assert np.array_equal(prod.astype(np.float64), prod2.astype(np.float64)), name
    before = np.array(cv)
    want = bufs["c"].base.copy()
    wv = np.ndarray(cv.shape, dtype=dt, buffer=want, offset=descs["c"]["offset"], strides=cv.strides)
    if beta == 0:
        wv[...] = dt(alpha) * prod  # BLAS: beta == 0 does not read C (NaN there is ignored)
    else:
        wv[...] = dt(alpha) * prod + dt(beta) * before
    exact = (np.float64(alpha) * prod.astype(np.float64)
             + (0 if beta == 0 else np.float64(beta) * before.astype(np.float64)))
    assert np.array_equal(np.asarray(wv, dtype=np.float64), exact), name
    assert not np.isnan(want).any(), name
    # The base copies must agree where several operands share one.
    if b_aliases:
        descs["b"]["base"] = descs["a"]["base"]
        descs["b"]["nan"] = descs["a"]["nan"]
    if c_aliases:
        descs["c"]["base"] = descs[c_aliases]["base"]
    return {
        "name": name,
        "op": op,
        "spec": spec,
        "dtype": dtype,
        "itemsize": np.dtype(dt).itemsize,
        "tags": tags,
        "numpy": numpy_call(op, spec),
        "a": descs["a"],
        "b": descs["b"],
        "c": descs["c"],
        "b_aliases": b_aliases,
        "c_aliases": c_aliases,
        "alpha": alpha,
        "beta": beta,
        "c_after": want.astype(np.float64).tolist(),
        "error": "",
        "numpy_error": "",
    }


def err_case(name, kind, op, spec, a, b, c, alpha=1.0, beta=0.0, tweak=None, numpy_raises=True, note=""):
    """A call that must fail with kind, leaving every base untouched. tweak
    edits the descriptions (for "bounds": a view no NumPy array has)."""
    dt = np.float64
    bufs = make_bufs(dt, a, b, c)
    av = build(bufs["a"], a[1], "a")
    bv = build(bufs["b"], b[1], "b")
    cv = build(bufs["c"], c[1], "c")
    descs = {r: describe(s[1], bufs[r], v) for r, s, v in (("a", a, av), ("b", b, bv), ("c", c, cv))}
    numpy_error = ""
    try:
        out = np.array(cv) if cv.flags.writeable else cv  # leave the base alone
        if op == "matmul":
            np.matmul(av, bv, out=out)
        else:
            np.einsum(spec, av, bv, out=out)
    except ValueError as e:
        numpy_error = f"ValueError: {e}"
    assert bool(numpy_error) == numpy_raises, (name, numpy_error)
    if tweak:
        tweak(descs)
    return {
        "name": name,
        "op": op,
        "spec": spec,
        "dtype": "float64",
        "itemsize": 8,
        "tags": ["error"],
        "numpy": numpy_call(op, spec),
        "a": descs["a"],
        "b": descs["b"],
        "c": descs["c"],
        "b_aliases": "",
        "c_aliases": "",
        "alpha": alpha,
        "beta": beta,
        "c_after": descs["c"]["base"],
        "error": kind,
        "numpy_error": numpy_error,
        "note": note,
    }


def M(name, a, b, c, alpha=1.0, beta=0.0, **kw):
    return case(name, "matmul", "", a, b, c, alpha, beta, **kw)


def E(name, spec, a, b, c, alpha=1.0, beta=0.0, **kw):
    return case(name, "einsum", spec, a, b, c, alpha, beta, **kw)


# Attention: B=2, H=3, S=5, D=4.
Q_BHSD = (120, "base.reshape(2, 3, 5, 4)")
KT_BHSD = (120, "base.reshape(2, 3, 5, 4).transpose(0, 1, 3, 2)")
Q_BSHD = (120, "base.reshape(2, 5, 3, 4).transpose(0, 2, 1, 3)")
KT_BSHD = (120, "base.reshape(2, 5, 3, 4).transpose(0, 2, 3, 1)")
V_BHSD = (120, "base.reshape(2, 3, 5, 4)")
V_BSHD = (120, "base.reshape(2, 5, 3, 4).transpose(0, 2, 1, 3)")
S_BHST = (150, "base.reshape(2, 3, 5, 5)")
S_BHST_PAD = (252, "base.reshape(2, 3, 6, 7)[:, :, :5, 1:6]")
S_BSHT = (150, "base.reshape(2, 5, 3, 5).transpose(0, 2, 1, 3)")
S_BHST_F = (150, "base.reshape((2, 3, 5, 5), order='F')")
BSHD = (120, "base.reshape(2, 5, 3, 4)")


def matmul_cases():
    out = []
    # 2-D, the GEMM layouts again through the N-d entry point.
    out += [
        M("mm2_c_c_c", (12, "base.reshape(3, 4)"), (20, "base.reshape(4, 5)"), (17, "base[1:16].reshape(3, 5)")),
        M("mm2_f_f_f", (12, "base.reshape((3, 4), order='F')"), (20, "base.reshape((4, 5), order='F')"),
          (18, "base[2:17].reshape((3, 5), order='F')"), 1.0, 1.0),
        M("mm2_step_rev_pad", (63, "base.reshape(7, 9)[::2, ::3]"), (15, "base.reshape(3, 5)[::-1, :]"),
          (48, "base.reshape(6, 8)[1:5, 2:7]"), -0.5, 2.5),
        M("mm2_bcast_row", (7, "np.broadcast_to(base[1:5], (3, 4))"), (20, "base.reshape(4, 5)"),
          (15, "base.reshape(3, 5)"), 2.0, 1.0, tags=["bcast_operand"]),
        M("mm2_nan_beta0", (12, "base.reshape(3, 4)"), (20, "base.reshape((4, 5), order='F')"),
          (24, "base.reshape(4, 6)[:3, 1:]"), 1.5, 0.0, nan=True),
        M("mm2_alpha0", (12, "base.reshape(3, 4)"), (20, "base.reshape(4, 5)"), (15, "base.reshape(3, 5).T.T"), 0.0, 2.5),
    ]
    # Batches: missing leading axes and size-1 axes on either side.
    out += [
        M("mm3_c_c_c", (24, "base.reshape(2, 3, 4)"), (40, "base.reshape(2, 4, 5)"), (30, "base.reshape(2, 3, 5)"),
          tags=["batch"]),
        M("mm3_missing_b", (24, "base.reshape(2, 3, 4)"), (20, "base.reshape(4, 5)"), (30, "base.reshape(2, 3, 5)"),
          1.0, 1.0, tags=["broadcast"]),
        M("mm3_missing_a", (12, "base.reshape(3, 4)"), (40, "base.reshape(2, 4, 5)"),
          (30, "base.reshape((2, 3, 5), order='F')"), -0.5, 0.0, tags=["broadcast"]),
        M("mm4_size1_a_missing_b", (24, "base.reshape(2, 1, 3, 4)"), (60, "base.reshape(3, 4, 5)"),
          (90, "base.reshape(2, 3, 3, 5)"), tags=["broadcast"]),
        M("mm4_size1_both", (24, "base.reshape(2, 1, 3, 4)"), (60, "base.reshape(1, 3, 4, 5)"),
          (90, "base.reshape(3, 2, 3, 5).transpose(1, 0, 2, 3)"), 1.0, 2.5, tags=["broadcast"]),
        M("mm4_size1_b_f", (72, "base.reshape((3, 2, 3, 4), order='F')"), (40, "base.reshape(2, 4, 5)[::-1][None]"),
          (90, "base.reshape((3, 2, 3, 5), order='F')"), 2.0, 1.0, tags=["broadcast"]),
        M("mm3_bcastto_a", (12, "np.broadcast_to(base.reshape(3, 4), (2, 3, 4))"), (40, "base.reshape(2, 4, 5)"),
          (30, "base.reshape(2, 3, 5)"), tags=["broadcast", "bcast_operand"]),
        M("mm3_bcastto_b_inner", (24, "base.reshape(2, 3, 4)"), (8, "np.broadcast_to(base[2:6, None], (2, 4, 5))"),
          (30, "base.reshape(2, 3, 5)"), 1.0, -1.0, tags=["broadcast", "bcast_operand"]),
        M("mm3_batch_size1_stride0_c", (24, "base.reshape(2, 3, 4)[:1]"), (40, "base.reshape(2, 4, 5)[1:]"),
          (20, "as_strided(base, shape=(1, 3, 5), strides=(0, 40, 8))"), 1.0, 1.0, tags=["size1_stride0_out"]),
        M("mm3_perm_step_rev", (96, "base.reshape(4, 2, 3, 4)[::2, 1]"),
          (80, "base.reshape(2, 4, 10)[::-1, :, ::2]"), (60, "base.reshape(3, 2, 10)[:, :, 2:7].transpose(1, 0, 2)"),
          -0.5, 2.5),
        M("mm3_batch_reversed", (24, "base.reshape(2, 3, 4)[::-1]"), (40, "base.reshape((2, 4, 5), order='F')[::-1]"),
          (30, "base.reshape(2, 3, 5)[::-1, ::-1]"), 1.0, 1.0),
        M("mm5_deep", (48, "base.reshape(2, 1, 2, 3, 4)"), (60, "base.reshape(3, 1, 4, 5)"),
          (180, "base.reshape(2, 3, 2, 3, 5)"), tags=["broadcast"]),
        M("mm3_inner_size1", (6, "base.reshape(2, 3, 1)"), (10, "base.reshape(2, 1, 5)"),
          (30, "base.reshape(2, 3, 5)"), 1.0, 1.0, tags=["outer"]),
    ]
    # 1-D promotion.
    out += [
        M("mm1_a_vec", (8, "base[::2]"), (20, "base.reshape(4, 5)"), (5, "base"), tags=["promote1d"]),
        M("mm1_a_vec_batch_b", (4, "base[::-1]"), (40, "base.reshape(2, 4, 5)"), (20, "base.reshape(2, 10)[:, ::2]"),
          1.0, 2.5, tags=["promote1d"]),
        M("mm1_b_vec", (12, "base.reshape((3, 4), order='F')"), (4, "base"), (6, "base[::2]"), -0.5, 1.0,
          tags=["promote1d"]),
        M("mm1_b_vec_batch_a", (24, "base.reshape(2, 3, 4)"), (8, "base[7::-2]"), (6, "base.reshape((2, 3), order='F')"),
          tags=["promote1d"]),
        M("mm1_b_vec_bcast", (48, "base.reshape(2, 2, 3, 4)"), (3, "np.broadcast_to(base[1:2], (4,))"),
          (12, "base.reshape(2, 2, 3)"), tags=["promote1d", "bcast_operand"]),
        M("mm1_both_vec", (4, "base"), (8, "base[1::2]"), (4, "base[2, ...]"), 1.0, 2.5, tags=["promote1d", "scalar_out"]),
        M("mm1_both_vec_nan", (4, "base[::-1]"), (4, "base"), (3, "base[1, ...]"), 2.0, 0.0, nan=True,
          tags=["promote1d", "scalar_out"]),
        M("mm1_len1", (1, "base"), (5, "base.reshape(1, 5)"), (5, "base"), tags=["promote1d"]),
        M("mm1_a_vec_b_size1_batch", (4, "base"), (20, "base.reshape(1, 4, 5)"), (5, "base.reshape(1, 5)"),
          tags=["promote1d"]),
    ]
    # Attention: scores = q @ k^T and out = scores @ v, both storages.
    out += [
        M("attn_qk_bhsd", Q_BHSD, KT_BHSD, S_BHST, tags=["attention"]),
        M("attn_qk_bhsd_f32", Q_BHSD, KT_BHSD, S_BHST_PAD, 0.5, 0.0, dtype="float32", tags=["attention"]),
        M("attn_qk_bshd", Q_BSHD, KT_BSHD, S_BHST, tags=["attention"]),
        M("attn_qk_bshd_f32_out_bsht", Q_BSHD, KT_BSHD, S_BSHT, 0.5, 1.0, dtype="float32", tags=["attention"]),
        M("attn_qk_bshd_out_f", Q_BSHD, KT_BSHD, S_BHST_F, 1.0, -1.0, tags=["attention"]),
        M("attn_pv_bhsd", S_BHST, V_BHSD, (120, "base.reshape(2, 3, 5, 4)"), tags=["attention"]),
        M("attn_pv_bshd_out_bshd", S_BHST, V_BSHD, (120, "base.reshape(2, 5, 3, 4).transpose(0, 2, 1, 3)"),
          tags=["attention"]),
        M("attn_qk_shared_k", Q_BHSD, (60, "base.reshape(1, 3, 5, 4).transpose(0, 1, 3, 2)"), S_BHST,
          tags=["attention", "broadcast"]),
    ]
    # Empty operands.
    out += [
        M("mm_k0", (12, "base.reshape(3, 4)[:, :0]"), (20, "base.reshape(4, 5)[:0, :]"), (15, "base.reshape(3, 5)"),
          1.0, 2.5, tags=["empty"]),
        M("mm_batch0", (24, "base.reshape(2, 3, 4)[:0]"), (20, "base.reshape(4, 5)"), (15, "base.reshape(1, 3, 5)[:0]"),
          1.0, 1.0, tags=["empty"]),
    ]
    # In place: C in an input's base.
    out += [
        M("inplace_mm_c_is_a", (32, "base.reshape(2, 4, 4)"), (16, "base.reshape((4, 4), order='F')"),
          ("a", "base.reshape(2, 4, 4)"), 1.0, 1.0),
        M("inplace_mm_c_is_b_bcast", (16, "base.reshape(4, 4)"), (32, "base.reshape(2, 4, 4)"),
          ("b", "base.reshape(2, 4, 4)"), 2.0, 0.0),
        M("inplace_mm_c_is_aT", (16, "base.reshape(4, 4)"), (16, "base.reshape(4, 4)[::-1]"),
          ("a", "base.reshape(4, 4).T"), 1.0, 0.0),
        M("inplace_mm_c_overlaps_a_shifted", (40, "base[:16].reshape(4, 4)"), (16, "base.reshape(4, 4)"),
          ("a", "base[6:22].reshape(4, 4)"), 1.0, -1.0),
        M("inplace_mm_c_interleaved_with_a", (32, "base.reshape(4, 8)[:, ::2]"), (16, "base.reshape(4, 4)"),
          ("a", "base.reshape(4, 8)[:, 1::2]"), 1.0, 1.0, tags=["disjoint_same_base"]),
        M("inplace_mm_1d", (4, "base"), (16, "base.reshape(4, 4)"), ("a", "base"), 1.0, 0.0, tags=["promote1d"]),
        M("shared_mm_x_xT", (12, "base.reshape(3, 4)"), ("a", "base.reshape(3, 4).T"), (9, "base.reshape(3, 3)")),
        M("shared_inplace_mm_x_xT", (16, "base.reshape(4, 4)"), ("a", "base.reshape(4, 4).T"),
          ("a", "base.reshape(4, 4)"), 1.0, 1.0),
    ]
    return out


def einsum_cases():
    out = []
    out += [
        E("es_ij_jk_ik_c", "ij,jk->ik", (12, "base.reshape(3, 4)"), (20, "base.reshape(4, 5)"), (15, "base.reshape(3, 5)")),
        E("es_ij_jk_ik_f", "ij,jk->ik", (12, "base.reshape((3, 4), order='F')"), (20, "base.reshape((4, 5), order='F')"),
          (15, "base.reshape((3, 5), order='F')"), 1.0, 1.0),
        E("es_ij_jk_ik_f_pad", "ij,jk->ik", (48, "base.reshape((6, 8), order='F')[1:4, 2:6]"),
          (30, "base.reshape((6, 5), order='F')[1:5]"), (40, "base.reshape(5, 8)[1:4, 2:7]"), -0.5, 2.5),
        E("es_ik_kj_ji", "ik,kj->ji", (12, "base.reshape(3, 4)"), (20, "base.reshape(4, 5)"), (15, "base.reshape(5, 3)"),
          1.0, 1.0),
        E("es_ik_kj_ji_f32_rev", "ik,kj->ji", (12, "base.reshape(3, 4)[::-1]"), (20, "base.reshape((4, 5), order='F')"),
          (30, "base.reshape(5, 6)[:, ::2]"), 2.0, 0.0, dtype="float32"),
        E("es_ijkl_lkm_ijm", "ijkl,lkm->ijm", (72, "base.reshape(2, 3, 3, 4)"), (60, "base.reshape(4, 3, 5)"),
          (30, "base.reshape(2, 3, 5)")),
        E("es_ijkl_lkm_ijm_perm", "ijkl,lkm->ijm", (72, "base.reshape(4, 3, 2, 3).transpose(2, 3, 1, 0)"),
          (60, "base.reshape((4, 3, 5), order='F')"), (60, "base.reshape(2, 3, 10)[:, :, ::2]"), 1.0, 2.5),
        E("es_ijkl_lkm_ijm_f32_pad", "ijkl,lkm->ijm", (160, "base.reshape(2, 4, 4, 5)[:, :3, 1:, :4]"),
          (60, "base.reshape(5, 4, 3).transpose(1, 2, 0)"), (30, "base.reshape((2, 3, 5), order='F')"), -0.5, 1.0,
          dtype="float32"),
        E("es_bij_bjk_bik", "bij,bjk->bik", (24, "base.reshape(2, 3, 4)"), (40, "base.reshape(2, 5, 4).transpose(0, 2, 1)"),
          (30, "base.reshape(2, 3, 5)"), 1.0, 1.0, tags=["batch"]),
        E("es_bij_bkj_bki", "bij,bkj->bki", (24, "base.reshape(2, 3, 4)"), (40, "base.reshape(2, 5, 4)"),
          (30, "base.reshape(3, 2, 5).transpose(1, 2, 0)"), tags=["batch"]),
        E("es_nan_beta0", "ij,jk->ik", (12, "base.reshape(3, 4)"), (20, "base.reshape(4, 5)"),
          (30, "base.reshape(3, 10)[:, 1::2]"), -0.5, 0.0, nan=True),
        E("es_spaces", " ij , jk -> ik ", (12, "base.reshape(3, 4)"), (20, "base.reshape(4, 5)"), (15, "base.reshape(3, 5)"),
          tags=["spaces"]),
        E("es_upper", "Ij,jK->KI", (12, "base.reshape(3, 4)"), (20, "base.reshape(4, 5)"), (15, "base.reshape(5, 3)")),
    ]
    # Sums over one operand only, outer products, dots, no contraction.
    out += [
        E("es_ij_jk_k", "ij,jk->k", (12, "base.reshape(3, 4)"), (20, "base.reshape(4, 5)"), (5, "base"),
          tags=["sum_one_side"]),
        E("es_ijk_kl_il", "ijk,kl->il", (24, "base.reshape(2, 3, 4)"), (20, "base.reshape((4, 5), order='F')"),
          (10, "base.reshape(2, 5)"), 1.0, 1.0, tags=["sum_one_side"]),
        E("es_ij_kl_ik", "ij,kl->ik", (12, "base.reshape(3, 4)[:, ::-1]"), (10, "base.reshape(2, 5)"),
          (6, "base.reshape(3, 2)"), tags=["sum_one_side"]),
        E("es_ij_jk_full", "ij,jk->", (12, "base.reshape(3, 4)"), (20, "base.reshape(4, 5)"), (3, "base[1, ...]"),
          1.0, 2.5, tags=["scalar_out"]),
        E("es_i_j_ij", "i,j->ij", (3, "base"), (10, "base[::2]"), (15, "base.reshape((3, 5), order='F')"),
          tags=["outer"]),
        E("es_i_j_ji_rev", "i,j->ji", (3, "base[::-1]"), (5, "base"), (24, "base.reshape(6, 4)[:5, :3]"), 1.0, 1.0,
          tags=["outer"]),
        E("es_i_i_dot", "i,i->", (5, "base"), (10, "base[::2]"), (2, "base[0, ...]"), tags=["scalar_out"]),
        E("es_i_i_dot_nan", "i,i->", (5, "base[::-1]"), (5, "base"), (3, "base[2, ...]"), 2.0, 0.0, nan=True,
          tags=["scalar_out"]),
        E("es_ij_ij_ij", "ij,ij->ij", (12, "base.reshape(3, 4)"), (12, "base.reshape((3, 4), order='F')"),
          (12, "base.reshape(3, 4)"), 1.0, 1.0, tags=["hadamard"]),
        E("es_ij_ij_ji", "ij,ij->ji", (12, "base.reshape(3, 4)"), (24, "base.reshape(3, 8)[:, 1::2]"),
          (12, "base.reshape(4, 3)"), tags=["hadamard"]),
        E("es_ij_ij_i", "ij,ij->i", (12, "base.reshape(3, 4)"), (12, "base.reshape(3, 4)[::-1]"), (3, "base")),
        E("es_ij_ji_trace", "ij,ji->", (12, "base.reshape(3, 4)"), (12, "base.reshape(4, 3)"), (1, "base[0, ...]")),
        E("es_ij_k_ijk", "ij,k->ijk", (6, "base.reshape(2, 3)"), (4, "base"), (24, "base.reshape(2, 4, 3).transpose(0, 2, 1)"),
          tags=["outer"]),
        E("es_scalar_operand", "i,->i", (4, "base"), (3, "base[1, ...]"), (4, "base"), 1.0, 1.0, tags=["scalar_operand"]),
        E("es_scalar_both", ",->", (2, "base[1, ...]"), (3, "base[2, ...]"), (2, "base[0, ...]"), 1.0, 1.0,
          tags=["scalar_operand", "scalar_out"]),
    ]
    # Ellipsis broadcasting.
    out += [
        E("es_ell_batch_missing", "...ij,...jk->...ik", (72, "base.reshape(2, 3, 3, 4)"), (60, "base.reshape(3, 4, 5)"),
          (90, "base.reshape(2, 3, 3, 5)"), tags=["ellipsis", "broadcast"]),
        E("es_ell_size1", "...ij,...jk->...ik", (24, "base.reshape(2, 1, 3, 4)"), (60, "base.reshape(3, 4, 5)"),
          (90, "base.reshape((2, 3, 3, 5), order='F')"), 1.0, 1.0, tags=["ellipsis", "broadcast"]),
        E("es_ell_empty", "...ij,...jk->...ik", (12, "base.reshape(3, 4)"), (20, "base.reshape(4, 5)"),
          (15, "base.reshape(3, 5)"), tags=["ellipsis"]),
        E("es_ell_a_only", "...ij,jk->...ik", (24, "base.reshape(2, 3, 4)"), (20, "base.reshape(4, 5)"),
          (30, "base.reshape(2, 3, 5)"), tags=["ellipsis"]),
        E("es_ell_out_last", "...ij,...jk->ik...", (24, "base.reshape(2, 3, 4)"), (40, "base.reshape(2, 4, 5)"),
          (30, "base.reshape(3, 5, 2)"), tags=["ellipsis"]),
        E("es_ell_front", "i...,i...->...", (24, "base.reshape(4, 2, 3)"), (12, "base.reshape(4, 3)"),
          (6, "base.reshape(2, 3)"), tags=["ellipsis", "broadcast"]),
        E("es_ell_middle", "i...j,j...k->...ik", (24, "base.reshape(3, 2, 4)"), (40, "base.reshape(4, 2, 5)"),
          (30, "base.reshape(2, 3, 5)"), tags=["ellipsis"]),
        E("es_ell_bcastto", "...i,...i->...", (4, "np.broadcast_to(base, (2, 3, 4))"), (12, "base.reshape(3, 4)[::-1]"),
          (6, "base.reshape((2, 3), order='F')"), 1.0, 1.0, tags=["ellipsis", "broadcast", "bcast_operand"]),
        E("es_ell_implicit", "...ij,...jk", (24, "base.reshape(2, 3, 4)"), (20, "base.reshape(4, 5)"),
          (30, "base.reshape(2, 3, 5)"), tags=["ellipsis", "implicit"]),
    ]
    # Implicit output (NumPy: labels that appear once, sorted).
    out += [
        E("es_implicit_ij_jk", "ij,jk", (12, "base.reshape(3, 4)"), (20, "base.reshape(4, 5)"), (15, "base.reshape(3, 5)"),
          tags=["implicit"]),
        E("es_implicit_kj_ji", "kj,ji", (12, "base.reshape(3, 4)"), (20, "base.reshape(4, 5)"), (15, "base.reshape(5, 3)"),
          tags=["implicit"]),
        E("es_implicit_upper_first", "ab,bC", (12, "base.reshape(3, 4)"), (20, "base.reshape(4, 5)"),
          (15, "base.reshape(5, 3)"), tags=["implicit"]),
    ]
    # Repeated labels within an operand (diagonals).
    out += [
        E("es_diag_ii_i_i", "ii,i->i", (9, "base.reshape(3, 3)"), (3, "base"), (3, "base"), tags=["diagonal"]),
        E("es_diag_ii_i_sum", "ii,i->", (16, "base.reshape((4, 4), order='F')"), (8, "base[::2]"), (1, "base[0, ...]"),
          1.0, 1.0, tags=["diagonal"]),
        E("es_diag_iij_jk_ik", "iij,jk->ik", (36, "base.reshape(3, 3, 4)"), (20, "base.reshape(4, 5)"),
          (15, "base.reshape(3, 5)"), tags=["diagonal"]),
        E("es_diag_ij_jj_ij", "ij,jj->ij", (12, "base.reshape(3, 4)"), (32, "base.reshape(4, 8)[:, ::2]"),
          (12, "base.reshape((3, 4), order='F')"), -0.5, 2.5, tags=["diagonal"]),
        E("es_diag_ii_jj_ij", "ii,jj->ij", (9, "base.reshape(3, 3)[::-1, ::-1]"), (4, "base.reshape(2, 2)"),
          (6, "base.reshape(3, 2)"), tags=["diagonal", "outer"]),
    ]
    # Size-1 axes broadcast against the other operand's length for a label.
    out += [
        E("es_label_bcast_a_j", "ij,jk->ik", (3, "base.reshape(3, 1)"), (20, "base.reshape(4, 5)"),
          (15, "base.reshape(3, 5)"), tags=["label_broadcast"]),
        E("es_label_bcast_b_j", "ij,jk->ik", (12, "base.reshape(3, 4)"), (5, "base.reshape(1, 5)"),
          (15, "base.reshape(3, 5)"), 1.0, 1.0, tags=["label_broadcast"]),
        E("es_label_bcast_batch", "bij,bjk->bik", (12, "base.reshape(1, 3, 4)"), (40, "base.reshape(2, 4, 5)"),
          (30, "base.reshape(2, 3, 5)"), tags=["label_broadcast", "batch"]),
        E("es_label_bcast_diag_a", "ii,i->i", (1, "base.reshape(1, 1)"), (3, "base"), (3, "base"),
          tags=["label_broadcast", "diagonal"]),
        E("es_label_bcast_diag_b", "ii,i->i", (9, "base.reshape(3, 3)"), (1, "base"), (3, "base"),
          tags=["label_broadcast", "diagonal"]),
    ]
    # Attention, as einsum over the storage NumPy users have.
    out += [
        E("attn_es_bshd_bthd_bhst", "bshd,bthd->bhst", BSHD, BSHD, S_BHST, tags=["attention"]),
        E("attn_es_bshd_bthd_bhst_f32_pad", "bshd,bthd->bhst", BSHD, BSHD, S_BHST_PAD, 0.5, 1.0, dtype="float32",
          tags=["attention"]),
        E("attn_es_bhsd_bhtd_bhst", "bhsd,bhtd->bhst", Q_BHSD, V_BHSD, S_BHST_F, tags=["attention"]),
        E("attn_es_bhst_bthd_bshd", "bhst,bthd->bshd", S_BHST, BSHD, (120, "base.reshape(2, 5, 3, 4)"), 1.0, -1.0,
          tags=["attention"]),
        E("attn_es_bshd_bthd_bhst_nan", "bshd,bthd->bhst", BSHD, (120, "base.reshape(2, 3, 5, 4).transpose(0, 2, 1, 3)"),
          S_BSHT, 0.5, 0.0, nan=True, tags=["attention"]),
    ]
    # In place and shared inputs.
    out += [
        E("inplace_es_c_is_a", "ij,jk->ik", (16, "base.reshape(4, 4)"), (16, "base.reshape((4, 4), order='F')"),
          ("a", "base.reshape(4, 4)"), 1.0, 1.0),
        E("inplace_es_c_is_b_f", "ij,jk->ik", (16, "base.reshape(4, 4)[::-1]"), (16, "base.reshape((4, 4), order='F')"),
          ("b", "base.reshape((4, 4), order='F')"), 2.0, 0.0),
        E("inplace_es_c_is_aT", "ik,kj->ji", (16, "base.reshape(4, 4)"), (16, "base.reshape(4, 4)"),
          ("a", "base.reshape(4, 4)"), 1.0, 0.0),
        E("inplace_es_attn_c_overlaps_a", "bhsd,bhtd->bhst", (150, "base[30:].reshape(2, 3, 5, 4)"),
          (120, "base.reshape(2, 3, 5, 4)"), ("a", "base.reshape(2, 3, 5, 5)"), 1.0, 1.0,
          tags=["attention"]),
        E("inplace_es_c_interleaved_with_b", "ij,jk->ik", (12, "base.reshape(3, 4)"), (40, "base.reshape(4, 10)[:, ::2]"),
          ("b", "base.reshape(4, 10)[1:, 1::2]"), -0.5, 1.0, tags=["disjoint_same_base"]),
        E("shared_es_dot_self", "i,i->", (6, "base"), ("a", "base"), (1, "base[0, ...]")),
        E("shared_es_gram", "ij,kj->ik", (15, "base.reshape(3, 5)"), ("a", "base.reshape(3, 5)"),
          (9, "base.reshape((3, 3), order='F')"), 1.0, 1.0),
    ]
    return out


def truncate(role, by=1):
    def f(d):
        d[role]["base"] = d[role]["base"][:-by]
        d[role]["nan"] = [k for k in d[role]["nan"] if k < len(d[role]["base"])]
        d[role]["note"] += f"  (base truncated by {by}: past its end)"
    return f


def shift_offset(role, by):
    def f(d):
        d[role]["offset"] += by
        d[role]["note"] += f"  (offset moved by {by} bytes: outside its base)"
    return f


def stretch(role, axis, factor):
    def f(d):
        d[role]["strides"][axis] *= factor
        d[role]["note"] += f"  (stride {axis} times {factor}: past its end)"
    return f


def error_cases():
    A, B, C = (12, "base.reshape(3, 4)"), (20, "base.reshape(4, 5)"), (15, "base.reshape(3, 5)")
    out = []
    # Malformed specifications, and specifications that do not fit the ranks.
    for name, spec in [
        ("err_spec_out_label_unknown", "ij,jk->il"),
        ("err_spec_out_label_repeated", "ij,jk->ii"),
        ("err_spec_too_many_labels", "ijk,jk->ik"),
        ("err_spec_too_few_labels", "i,jk->ik"),
        ("err_spec_two_arrows", "ij,jk->ik->ik"),
        ("err_spec_one_operand", "ij->ik"),
        ("err_spec_three_operands", "ij,jk,kl->il"),
        ("err_spec_digit", "i1,jk->ik"),
        ("err_spec_lone_dot", "i.j,jk->ik"),
        ("err_spec_dash", "ij,jk-ik"),
        ("err_spec_empty", ""),
        ("err_spec_two_ellipses_in_operand", "...i...j,jk->ik"),
        ("err_spec_two_ellipses_in_output", "ij,jk->...ik..."),
    ]:
        out.append(err_case(name, "spec", "einsum", spec, A, B, C))
    out.append(err_case("err_spec_ellipsis_dropped", "spec", "einsum", "...ij,...jk->ik",
                        (24, "base.reshape(2, 3, 4)"), (40, "base.reshape(2, 4, 5)"), C))
    # Shapes that do not fit.
    out += [
        err_case("err_es_label_mismatch", "shape", "einsum", "ij,jk->ik", A, (25, "base.reshape(5, 5)"), C),
        err_case("err_es_diag_not_square", "shape", "einsum", "ii,i->i", A, (3, "base"), (3, "base")),
        err_case("err_es_ellipsis_mismatch", "shape", "einsum", "...ij,...jk->...ik", (72, "base.reshape(2, 3, 3, 4)"),
                 (40, "base.reshape(2, 4, 5)"), (90, "base.reshape(2, 3, 3, 5)")),
        err_case("err_es_c_shape", "shape", "einsum", "ij,jk->ik", A, B, (20, "base.reshape(4, 5)")),
        err_case("err_es_c_transposed", "shape", "einsum", "ij,jk->ik", A, B, (15, "base.reshape(5, 3)")),
        err_case("err_es_c_rank", "shape", "einsum", "ij,jk->ik", A, B, (15, "base.reshape(1, 3, 5)")),
        err_case("err_matmul_core_mismatch", "shape", "matmul", "", A, (25, "base.reshape(5, 5)"), C),
        err_case("err_matmul_batch_mismatch", "shape", "matmul", "", (24, "base.reshape(2, 3, 4)"),
                 (60, "base.reshape(3, 4, 5)"), (30, "base.reshape(2, 3, 5)")),
        err_case("err_matmul_c_shape", "shape", "matmul", "", A, B, (12, "base.reshape(3, 4)")),
        err_case("err_matmul_c_missing_batch", "shape", "matmul", "", (24, "base.reshape(2, 3, 4)"), B, C),
        err_case("err_matmul_c_extra_axis", "shape", "matmul", "", A, B, (15, "base.reshape(1, 3, 5)"),
                 numpy_raises=False, note="NumPy's matmul accepts out with extra leading axes of length 1; "
                 "strider's contract wants exactly the result's shape"),
        err_case("err_matmul_vec_len", "shape", "matmul", "", (4, "base"), (5, "base"), (1, "base[0, ...]")),
        err_case("err_matmul_vec_c_not_scalar", "shape", "matmul", "", (4, "base"), (4, "base"), (1, "base"),
                 numpy_raises=False, note="NumPy's matmul accepts out of shape (1,) for a 0-d result; "
                 "strider's contract wants exactly the result's shape"),
        err_case("err_matmul_promoted_c_keeps_axis", "shape", "matmul", "", (4, "base"), B, (5, "base.reshape(1, 5)"),
                 numpy_raises=False, note="NumPy's matmul accepts out with extra leading axes of length 1; "
                 "strider's contract wants exactly the result's shape (the promoted axis is removed)"),
        err_case("err_matmul_scalar_operand", "shape", "matmul", "", (1, "base[0, ...]"), B, C),
    ]
    # Outputs whose elements share addresses.
    out += [
        err_case("err_matmul_c_bcast", "aliased", "matmul", "", A, B, (5, "np.broadcast_to(base, (3, 5))")),
        err_case("err_es_c_bcast", "aliased", "einsum", "ij,jk->ik", A, B, (5, "np.broadcast_to(base, (3, 5))")),
        err_case("err_es_c_bcast_beta", "aliased", "einsum", "ij,jk->ik", A, B, (3, "np.broadcast_to(base[:, None], (3, 5))"),
                 1.0, 1.0),
        err_case("err_matmul_c_overlapping_rows", "aliased", "matmul", "", A, B,
                 (9, "as_strided(base, shape=(3, 5), strides=(16, 8))"), numpy_raises=False,
                 note="NumPy writes a writeable overlapping out in some order"),
        err_case("err_matmul_c_batch_stride0", "aliased", "matmul", "", (24, "base.reshape(2, 3, 4)"), B,
                 (15, "as_strided(base, shape=(2, 3, 5), strides=(0, 40, 8))"), numpy_raises=False,
                 note="NumPy writes a writeable overlapping out in some order"),
        err_case("err_es_c_batch_stride0", "aliased", "einsum", "bij,bjk->bik", (24, "base.reshape(2, 3, 4)"),
                 (40, "base.reshape(2, 4, 5)"), (15, "as_strided(base, shape=(2, 3, 5), strides=(0, 40, 8))"),
                 numpy_raises=False, note="NumPy writes a writeable overlapping out in some order"),
    ]
    # Views that reach outside their buffers (no NumPy array does).
    out += [
        err_case("err_bounds_a_past_end", "bounds", "matmul", "", (24, "base.reshape(2, 3, 4)"), B,
                 (30, "base.reshape(2, 3, 5)"), tweak=truncate("a"), numpy_raises=False),
        err_case("err_bounds_b_stride", "bounds", "einsum", "ij,jk->ik", A, (20, "base.reshape(4, 5)"), C,
                 tweak=stretch("b", 0, 2), numpy_raises=False),
        err_case("err_bounds_a_before_start", "bounds", "einsum", "ij,jk->ik", (12, "base.reshape(3, 4)[::-1]"), B, C,
                 tweak=shift_offset("a", -8), numpy_raises=False),
        err_case("err_bounds_c_past_end", "bounds", "matmul", "", A, B, (15, "base.reshape(3, 5)"),
                 1.0, 1.0, tweak=truncate("c"), numpy_raises=False),
        err_case("err_bounds_c_before_start", "bounds", "einsum", "ij,jk->ik", A, B, (15, "base.reshape(3, 5)[:, ::-1]"),
                 tweak=shift_offset("c", -16), numpy_raises=False),
    ]
    for c in out:
        if c["error"] == "bounds":
            assert not c["numpy_error"]
    return out


def main():
    cases = matmul_cases() + einsum_cases() + error_cases()
    names = [c["name"] for c in cases]
    assert len(set(names)) == len(names), "duplicate names"
    doc = {
        "generator": "testdata/gen_contract.py",
        "numpy_version": np.__version__,
        "cases": cases,
    }
    text = dumps(doc) + "\n"
    assert "NaN" not in text
    with open(OUT, "w") as f:
        f.write(text)
    assert json.load(open(OUT)) == doc
    kinds = {}
    for c in cases:
        k = c["error"] or c["op"]
        kinds[k] = kinds.get(k, 0) + 1
    print(f"wrote {OUT}: {len(cases)} cases, {len(text)} bytes: "
          + ", ".join(f"{k} {n}" for k, n in sorted(kinds.items())))


if __name__ == "__main__":
    main()
