#!/usr/bin/env python3
"""Generate testdata/gemm.json: NumPy ground truth for GEMM and GEMV on views.

Every operand is a real NumPy view (reshape in C or F order, padded blocks,
step slices, reversed axes, broadcasts, single rows and columns, transposes,
planes of 3-D arrays) of a freshly allocated contiguous 1-D buffer `base`.
For each case NumPy computes, into a copy of C's base and through C's view,

    cv[...] = alpha * (a @ b) + beta * cv          (GEMM)
    yv[...] = alpha * (a @ x) + beta * yv          (GEMV)

and the fixture records every operand's whole base, shape, byte strides and
byte offset exactly as NumPy reports them, alpha, beta, C's whole base before
and after. Comparing the whole base after checks the elements outside C's view
(sentinels) too. Elements of every base outside its view are distinct
sentinels (-1000 - k - 0.5 for A, -2000 - ... for B, and so on); elements
inside are small integers + 0.25, so every product and sum is exact in
float64 and the Go side can compare tightly whatever its summation order.

"numpy_flags" records, per input, how NumPy 1.24's matmul hands it to BLAS
("row" → CblasNoTrans, "col" → CblasTrans, "general" → not BLAS-able): the
is_blasable2d port in gen_layouts.py, imported from there so the two fixtures
share one rule. "numpy_gemm" says whether NumPy calls cblas_dgemm for the
product at all (both inputs BLAS-able and no dimension equal to 1; otherwise
it takes its gemv/dot special cases or its no-BLAS loop). "go_order" is
strider's canonical rule, also from gen_layouts.py; the two differ only for
size-1 dimensions, whose stride strider ignores.

Cases with "c_aliases" set compute C in the base of A or B (an in-place
product, e.g. a[...] = a @ b); NumPy evaluates the right-hand side into a
temporary first, which is the semantics strider promises.

Rerun from the repo root (Debian's python3-numpy, no PyPI needed):

    apt-get install python3-numpy   # once
    python3 testdata/gen_gemm.py

The output is deterministic (no randomness) and overwrites testdata/gemm.json.
If `python3` on PATH lacks numpy (e.g. a pyenv shim), the script re-executes
itself with /usr/bin/python3.
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
from gen_layouts import dumps, go_order, numpy_order  # noqa: E402  (one rule for both fixtures)

ITEMSIZE = 8
OUT = os.path.join(HERE, "gemm.json")

# Sentinel bases per operand, so a value read from the wrong buffer or from
# outside a view is recognisably wrong.
SENTINEL_BASE = {"a": -1000.0, "b": -2000.0, "c": -3000.0, "x": -4000.0, "y": -5000.0}


def small(k, salt):
    """Small integer + 0.25 for base index k: exact products and sums."""
    return float(((k * 7 + salt * 3) % 11) - 5) + 0.25


def build(role, n, expr, salt, base=None):
    """Build the view `expr` over a sentinel-filled base of n elements.

    The base is filled with sentinels, then every address the view reaches
    gets a small value (through the base, so broadcast views work too).
    Returns (base, view)."""
    if base is None:
        base = SENTINEL_BASE[role] - np.arange(n, dtype=np.float64) - 0.5
    env = {"np": np, "as_strided": as_strided, "base": base}
    view = eval(expr, env)
    assert view.dtype == np.float64 and np.shares_memory(view, base), (role, expr)
    offset = view.__array_interface__["data"][0] - base.__array_interface__["data"][0]
    assert offset % ITEMSIZE == 0 and 0 <= offset < base.nbytes, (role, expr)
    for idx in np.ndindex(view.shape):
        addr = offset + sum(i * s for i, s in zip(idx, view.strides))
        assert 0 <= addr < base.nbytes and addr % ITEMSIZE == 0, (role, expr, idx)
        k = addr // ITEMSIZE
        base[k] = small(k, salt)
    return base, view


def describe(expr, base, view):
    offset = view.__array_interface__["data"][0] - base.__array_interface__["data"][0]
    return {
        "note": expr,
        "base": base.tolist(),
        "shape": list(view.shape),
        "strides": list(view.strides),
        "offset": offset,
    }


def flags(view):
    sr, sc = view.strides
    return numpy_order(list(view.shape), (sr, sc), ITEMSIZE)


def gorder(view):
    sr, sc = view.strides
    return go_order(list(view.shape), (sr // ITEMSIZE, sc // ITEMSIZE))


# (name, (len, A expr), (len, B expr), (len, C expr) or "a"/"b" for C in
#  place of that input, alpha, beta)
GEMM = [
    ("c_c_c", (12, "base.reshape(3, 4)"), (20, "base.reshape(4, 5)"), (17, "base[1:16].reshape(3, 5)"), 1.0, 0.0),
    ("f_f_f", (12, "base.reshape((3, 4), order='F')"), (20, "base.reshape((4, 5), order='F')"),
     (18, "base[2:17].reshape((3, 5), order='F')"), 1.0, 1.0),
    ("c_f_c", (12, "base.reshape(3, 4)"), (20, "base.reshape((4, 5), order='F')"), (15, "base.reshape(3, 5)"), -0.5, 2.5),
    ("f_c_c", (12, "base.reshape((3, 4), order='F')"), (20, "base.reshape(4, 5)"), (15, "base.reshape(3, 5)"), 2.0, 0.0),
    ("f_f_c", (12, "base.reshape((3, 4), order='F')"), (20, "base.reshape((4, 5), order='F')"),
     (15, "base.reshape(3, 5)"), 1.0, -1.0),
    ("c_c_f", (12, "base.reshape(3, 4)"), (20, "base.reshape(4, 5)"), (15, "base.reshape((3, 5), order='F')"), 1.0, 1.0),
    ("cblock_fblock_cblock", (48, "base.reshape(6, 8)[1:4, 2:6]"), (48, "base.reshape((6, 8), order='F')[1:5, 2:7]"),
     (48, "base.reshape(6, 8)[2:5, 1:6]"), 1.0, -1.0),
    ("fblock_c_fblock", (48, "base.reshape((6, 8), order='F')[1:4, 2:6]"), (20, "base.reshape(4, 5)"),
     (56, "base.reshape((7, 8), order='F')[2:5, 1:6]"), -0.5, 2.5),
    ("steprows_c_c", (24, "base.reshape(6, 4)[::2, :]"), (20, "base.reshape(4, 5)"), (15, "base.reshape(3, 5)"), 1.0, 0.0),
    ("stepboth_f_c", (63, "base.reshape(7, 9)[::2, ::3]"), (12, "base.reshape((3, 4), order='F')"),
     (16, "base.reshape(4, 4)"), 1.0, 2.5),
    ("c_stepcols_stepc", (12, "base.reshape(3, 4)"), (20, "base.reshape(4, 5)"), (40, "base.reshape(4, 10)[:3, ::2]"), 2.0, 2.5),
    ("c_c_steprowsf", (12, "base.reshape(3, 4)"), (20, "base.reshape(4, 5)"),
     (60, "base.reshape((6, 10), order='F')[::2, ::2]"), 1.0, 1.0),
    ("revrows_c_c", (12, "base.reshape(3, 4)[::-1, :]"), (20, "base.reshape(4, 5)"), (15, "base.reshape(3, 5)"), 1.0, 0.0),
    ("revcols_revrows_c", (12, "base.reshape(3, 4)[:, ::-1]"), (20, "base.reshape(4, 5)[::-1, :]"),
     (15, "base.reshape(3, 5)"), -0.5, 1.0),
    ("revboth_revboth_revboth", (12, "base.reshape(3, 4)[::-1, ::-1]"), (20, "base.reshape(4, 5)[::-1, ::-1]"),
     (15, "base.reshape(3, 5)[::-1, ::-1]"), 1.0, 1.0),
    ("frevcols_c_revrowsf", (12, "base.reshape((3, 4), order='F')[:, ::-1]"), (20, "base.reshape(4, 5)"),
     (15, "base.reshape((3, 5), order='F')[::-1, :]"), 1.0, 2.5),
    ("bcastrow_c_c", (7, "np.broadcast_to(base[1:5], (3, 4))"), (20, "base.reshape(4, 5)"), (15, "base.reshape(3, 5)"), 1.0, 0.0),
    ("c_bcastcol_c", (12, "base.reshape(3, 4)"), (6, "np.broadcast_to(base[1:5][:, None], (4, 5))"),
     (15, "base.reshape(3, 5)"), 1.0, 1.0),
    ("bcastscalar_f_f", (3, "np.broadcast_to(base[1:2, None], (3, 4))"), (20, "base.reshape((4, 5), order='F')"),
     (15, "base.reshape((3, 5), order='F')"), -0.5, 0.0),
    ("overlaprows_f_c", (8, "as_strided(base[1:], shape=(4, 3), strides=(8, 8))"), (12, "base.reshape((3, 4), order='F')"),
     (16, "base.reshape(4, 4)"), 1.0, 1.0),
    ("row_col_1x1", (15, "base.reshape(3, 5)[1:2, :]"), (15, "base.reshape(5, 3)[:, 1:2]"), (12, "base.reshape(3, 4)[1:2, 2:3]"),
     1.0, 2.5),
    ("frow_fcol_f1x1", (15, "base.reshape((3, 5), order='F')[1:2, :]"), (15, "base.reshape((5, 3), order='F')[:, 1:2]"),
     (12, "base.reshape((3, 4), order='F')[1:2, 2:3]"), 2.0, 1.0),
    ("col_row_outer", (15, "base.reshape(5, 3)[:, 1:2]"), (15, "base.reshape((3, 5), order='F')[1:2, :]"),
     (25, "base.reshape(5, 5)"), 1.0, 1.0),
    ("steprow_c_row_1xn", (30, "base.reshape(3, 10)[1:2, ::2]"), (20, "base.reshape(5, 4)"),
     (12, "base.reshape((3, 4), order='F')[1:2, :]"), 1.0, 0.0),
    ("c_stepcol_col_nx1", (15, "base.reshape(3, 5)"), (30, "base.reshape((10, 3), order='F')[::2, 1:2]"),
     (15, "base.reshape(5, 3)[:3, 1:2]"), -0.5, 2.5),
    ("single_1x1_all", (12, "base.reshape(3, 4)[1:2, 2:3]"), (12, "base.reshape((3, 4), order='F')[2:3, 1:2]"),
     (4, "base[1:2].reshape(1, 1)"), 2.0, 2.5),
    ("ct_ft_c", (12, "base.reshape(3, 4).T"), (12, "base.reshape((4, 3), order='F').T"), (16, "base.reshape(4, 4)"), 1.0, 0.0),
    ("f3dplane_c_f3dplane", (60, "base.reshape((3, 4, 5), order='F')[1, :, :]"), (15, "base.reshape(5, 3)"),
     (36, "base.reshape((4, 3, 3), order='F')[:, 1, :]"), 1.0, 1.0),
    ("c3dplane_f_c", (24, "base.reshape(2, 3, 4)[:, 1, :]"), (20, "base.reshape((4, 5), order='F')"),
     (10, "base.reshape(2, 5)"), -0.5, 1.0),
    ("alpha0_beta", (12, "base.reshape(3, 4)"), (20, "base.reshape((4, 5), order='F')"),
     (15, "base.reshape(3, 5)[::-1, :]"), 0.0, 2.5),
    ("alpha0_beta0", (12, "base.reshape(3, 4)[::2, :]"), (20, "base.reshape(4, 5)"), (15, "base.reshape(3, 5)[::2, :]"), 0.0, 0.0),
    ("big_c_f_f", (153, "base.reshape(17, 9)"), (297, "base.reshape((9, 33), order='F')"),
     (700, "base.reshape((20, 35), order='F')[2:19, 1:34]"), 1.0, 1.0),
    ("big_steprows_revcols_c", (306, "base.reshape(34, 9)[::2, :]"), (297, "base.reshape(9, 33)[:, ::-1]"),
     (561, "base.reshape(17, 33)"), -0.5, 2.5),
    ("inplace_c_is_a", (16, "base.reshape(4, 4)"), (16, "base.reshape((4, 4), order='F')"), "a", 1.0, 0.0),
    ("inplace_c_is_b_f", (16, "base.reshape((4, 4), order='F')[::-1, :]"), (16, "base.reshape((4, 4), order='F')"), "b", 2.0, 1.0),
]

# (name, (len, A expr), (len, x expr), (len, y expr), alpha, beta)
GEMV = [
    ("c_x1_y1", (12, "base.reshape(3, 4)"), (4, "base"), (3, "base"), 1.0, 0.0),
    ("f_x1_y1", (12, "base.reshape((3, 4), order='F')"), (4, "base"), (3, "base"), 1.0, 1.0),
    ("fpadded_xstep3_ystep2", (48, "base.reshape((6, 8), order='F')[1:4, 2:6]"), (12, "base[::3]"), (7, "base[1::2]"),
     -0.5, 2.5),
    ("c_xrev_yrev", (12, "base.reshape(3, 4)"), (4, "base[::-1]"), (3, "base[::-1]"), 2.0, 1.0),
    ("revrows_xrevstep2_yrevstep3", (12, "base.reshape(3, 4)[::-1, :]"), (9, "base[7::-2]"), (9, "base[::-3]"), 1.0, 2.5),
    ("stepboth_xbcast_y", (63, "base.reshape(7, 9)[::2, ::3]"), (5, "np.broadcast_to(base[2:3], (3,))"), (6, "base[1:5]"),
     1.0, 1.0),
    ("bcastrow_x_ystep", (7, "np.broadcast_to(base[1:5], (3, 4))"), (6, "base[1:5]"), (7, "base[::3]"), -0.5, 0.0),
    ("row_1xn", (15, "base.reshape(3, 5)[1:2, :]"), (10, "base[::2]"), (3, "base[1:2]"), 1.0, 2.5),
    ("col_nx1", (15, "base.reshape((5, 3), order='F')[:, 1:2]"), (3, "base[1:2]"), (10, "base[::-2]"), 2.0, 1.0),
    ("big_f_xrev_y", (340, "base.reshape((20, 17), order='F')[2:19, 3:12]"), (9, "base[::-1]"), (17, "base"), 1.0, 1.0),
]


def gemm_case(name, a_spec, b_spec, c_spec, alpha, beta):
    abase, a = build("a", a_spec[0], a_spec[1], 1)
    bbase, b = build("b", b_spec[0], b_spec[1], 2)
    aliases = ""
    if isinstance(c_spec, str):
        aliases = c_spec
        cbase, cv, cexpr = {"a": (abase, a, a_spec[1]), "b": (bbase, b, b_spec[1])}[c_spec]
        assert cv.flags.writeable and not np.may_share_memory(a, b), name
    else:
        cbase, cv = build("c", c_spec[0], c_spec[1], 3)
        cexpr = c_spec[1]
        assert cv.flags.writeable, name
    assert cv.shape == (a.shape[0], b.shape[1]) and a.shape[1] == b.shape[0], name
    a_desc, b_desc = describe(a_spec[1], abase, a), describe(b_spec[1], bbase, b)
    c_desc = describe(cexpr, cbase, cv)
    # Reference on contiguous copies, then through the views; both exact.
    ref = alpha * (np.ascontiguousarray(a) @ np.ascontiguousarray(b)) + beta * np.ascontiguousarray(cv)
    want_base = cbase.copy()
    wv = np.ndarray(cv.shape, dtype=np.float64, buffer=want_base, offset=c_desc["offset"], strides=cv.strides)
    if aliases:
        # C shares a base with an input: evaluate through views of want_base.
        other = b if aliases == "a" else a
        src = np.ndarray(cv.shape if aliases == "a" else b.shape, dtype=np.float64, buffer=want_base,
                         offset=c_desc["offset"], strides=cv.strides)
        prod = (src @ other) if aliases == "a" else (a @ src)
        wv[...] = alpha * prod + beta * wv
    else:
        wv[...] = alpha * (a @ b) + beta * wv
    assert np.array_equal(wv, ref), name  # exact: values are dyadic
    m, k = a.shape
    n = b.shape[1]
    fa, fb = flags(a), flags(b)
    return {
        "name": name,
        "a": a_desc,
        "b": b_desc,
        "c": c_desc,
        "c_aliases": aliases,
        "alpha": alpha,
        "beta": beta,
        "c_after": want_base.tolist(),
        "numpy_flags": {"a": fa, "b": fb},
        "numpy_gemm": fa != "general" and fb != "general" and min(m, n, k) > 1,
        "go_order": {"a": gorder(a), "b": gorder(b), "c": gorder(cv)},
    }


def gemv_case(name, a_spec, x_spec, y_spec, alpha, beta):
    abase, a = build("a", a_spec[0], a_spec[1], 1)
    xbase, x = build("x", x_spec[0], x_spec[1], 2)
    ybase, yv = build("y", y_spec[0], y_spec[1], 3)
    assert a.ndim == 2 and x.ndim == 1 and yv.ndim == 1 and yv.flags.writeable, name
    assert a.shape == (yv.shape[0], x.shape[0]), name
    a_desc, x_desc, y_desc = (describe(a_spec[1], abase, a), describe(x_spec[1], xbase, x),
                              describe(y_spec[1], ybase, yv))
    ref = alpha * (np.ascontiguousarray(a) @ np.ascontiguousarray(x)) + beta * np.ascontiguousarray(yv)
    want_base = ybase.copy()
    wv = np.ndarray(yv.shape, dtype=np.float64, buffer=want_base, offset=y_desc["offset"], strides=yv.strides)
    wv[...] = alpha * (a @ x) + beta * wv
    assert np.array_equal(wv, ref), name
    return {
        "name": name,
        "a": a_desc,
        "x": x_desc,
        "y": y_desc,
        "alpha": alpha,
        "beta": beta,
        "y_after": want_base.tolist(),
        "numpy_flags": {"a": flags(a)},
        "go_order": {"a": gorder(a)},
    }


def main():
    names = [c[0] for c in GEMM] + [c[0] for c in GEMV]
    assert len(set(names)) == len(names), "duplicate names"
    gemm = [gemm_case(*c) for c in GEMM]
    gemv = [gemv_case(*c) for c in GEMV]
    doc = {
        "generator": "testdata/gen_gemm.py",
        "numpy_version": np.__version__,
        "gemm": gemm,
        "gemv": gemv,
    }
    with open(OUT, "w") as f:
        f.write(dumps(doc) + "\n")
    assert json.load(open(OUT)) == doc
    for c in gemm:
        fl, go = c["numpy_flags"], c["go_order"]
        print(f"{c['name']:26s} numpy a={fl['a']:7s} b={fl['b']:7s} gemm={str(c['numpy_gemm']):5s} "
              f"go a={go['a']:7s} b={go['b']:7s} c={go['c']}")
    print(f"wrote {OUT}: {len(gemm)} gemm cases, {len(gemv)} gemv cases")


if __name__ == "__main__":
    main()
