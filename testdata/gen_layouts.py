#!/usr/bin/env python3
"""Generate testdata/layouts.json: NumPy ground truth for strided 2-D layouts.

Every case is a 2-D float64 *view* built (reshape, transpose, slicing,
broadcast_to, as_strided) from a freshly allocated contiguous 1-D buffer
`base`. The fixture records the whole base, the view's shape, byte strides
and byte offset exactly as NumPy reports them, the values NumPy reads through
the view, how NumPy's matmul would hand the operand to BLAS ("numpy_order")
and the strider canonical order ("go_order"). It also records matmul products
of pairs of views and (shape, strides, itemsize, offset) inputs that the Go
FromNumPy must reject.

Base values are 1000 + k + 0.25 (distinct, non-zero, fractional), so elements
outside a view act as sentinels; products of such values are exact in float64,
so the Go side can compare products exactly.

Rerun from the repo root (Debian's python3-numpy, no PyPI needed):

    apt-get install python3-numpy   # once
    python3 testdata/gen_layouts.py

The output is deterministic (no randomness) and overwrites
testdata/layouts.json. If `python3` on PATH lacks numpy (e.g. a pyenv shim),
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

ITEMSIZE = 8
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "layouts.json")


def make_base(n):
    """A fresh contiguous 1-D float64 buffer of n distinct non-zero values."""
    return 1000.0 + np.arange(n, dtype=np.float64) + 0.25


# (name, base length, expression building the view from `base`).
# The expression string is eval'd and also written verbatim as "note".
CASES = [
    ("c_order_3x4", 12, "base.reshape(3, 4)"),
    ("f_order_3x4", 12, "base.reshape((3, 4), order='F')"),
    ("c_order_4x5", 20, "base.reshape(4, 5)"),
    ("f_order_4x5", 20, "base.reshape((4, 5), order='F')"),
    ("c_order_5x3", 15, "base.reshape(5, 3)"),
    # padded sub-blocks
    ("c_block_3x4_of_6x8_ld8", 48, "base.reshape(6, 8)[1:4, 2:6]"),
    ("f_block_3x4_of_6x8_ld6", 48, "base.reshape((6, 8), order='F')[1:4, 2:6]"),
    ("f_block_6x8_of_10x8_ld10", 80, "base.reshape((10, 8), order='F')[:6, :8]"),
    # step slices
    ("c_rows_step2_3x4", 24, "base.reshape(6, 4)[::2, :]"),
    ("c_cols_step2_3x4", 24, "base.reshape(3, 8)[:, ::2]"),
    ("c_rows_step2_cols_step3_4x3", 63, "base.reshape(7, 9)[::2, ::3]"),
    ("f_cols_step2_4x5", 40, "base.reshape((4, 10), order='F')[:, ::2]"),
    # reversed axes (offset points at the last row / column)
    ("c_rows_reversed_3x4", 12, "base.reshape(3, 4)[::-1, :]"),
    ("c_cols_reversed_3x4", 12, "base.reshape(3, 4)[:, ::-1]"),
    ("c_both_reversed_3x4", 12, "base.reshape(3, 4)[::-1, ::-1]"),
    ("f_cols_reversed_3x4", 12, "base.reshape((3, 4), order='F')[:, ::-1]"),
    # broadcasts (zero strides); base has sentinels on both sides
    ("broadcast_row_4x5", 7, "np.broadcast_to(base[1:6], (4, 5))"),
    ("broadcast_col_4x5", 6, "np.broadcast_to(base[1:5][:, None], (4, 5))"),
    # single rows / columns / elements
    ("c_single_row_1x5", 15, "base.reshape(3, 5)[1:2, :]"),
    ("c_single_col_5x1", 15, "base.reshape(5, 3)[:, 1:2]"),
    ("f_single_row_1x5", 15, "base.reshape((3, 5), order='F')[1:2, :]"),
    ("f_single_col_5x1", 15, "base.reshape((5, 3), order='F')[:, 1:2]"),
    ("c_single_1x1", 12, "base.reshape(3, 4)[1:2, 2:3]"),
    ("f_single_1x1", 12, "base.reshape((3, 4), order='F')[1:2, 2:3]"),
    ("c_single_row_step2_1x5", 30, "base.reshape(3, 10)[1:2, ::2]"),
    ("f_single_col_step2_5x1", 30, "base.reshape((10, 3), order='F')[::2, 1:2]"),
    # transposes
    ("c_transpose_4x3", 12, "base.reshape(3, 4).T"),
    ("f_transpose_4x3", 12, "base.reshape((3, 4), order='F').T"),
    # planes of 3-D arrays
    ("f3d_plane_axis1_3x5", 60, "base.reshape((3, 4, 5), order='F')[:, 2, :]"),
    ("f3d_plane_axis0_4x5", 60, "base.reshape((3, 4, 5), order='F')[1, :, :]"),
    ("c3d_plane_axis0_3x4", 24, "base.reshape(2, 3, 4)[1]"),
    ("c3d_plane_axis1_2x4", 24, "base.reshape(2, 3, 4)[:, 1, :]"),
    # overlapping rows (each row starts one element after the previous)
    ("overlap_rows_4x3", 8, "as_strided(base[1:], shape=(4, 3), strides=(8, 8))"),
]

# (product name, case a, case b)
MATMUL = [
    ("c_at_c", "c_order_3x4", "c_order_4x5"),
    ("f_at_f", "f_order_3x4", "f_order_4x5"),
    ("c_at_f", "c_order_3x4", "f_order_4x5"),
    ("f_at_c", "f_order_3x4", "c_order_4x5"),
    ("c_block_at_f", "c_block_3x4_of_6x8_ld8", "f_order_4x5"),
    ("f_block_at_c", "f_block_3x4_of_6x8_ld6", "c_order_4x5"),
    ("reversed_at_c", "c_both_reversed_3x4", "c_order_4x5"),
    ("rows_reversed_at_f", "c_rows_reversed_3x4", "f_order_4x5"),
    ("step_sliced_at_f", "c_rows_step2_cols_step3_4x3", "f_order_3x4"),
    ("f_cols_step2_at_c", "f_cols_step2_4x5", "c_order_5x3"),
    ("broadcast_row_at_c", "broadcast_row_4x5", "c_order_5x3"),
    ("broadcast_col_at_c", "broadcast_col_4x5", "c_order_5x3"),
    ("row_at_col_1x5_5x1", "c_single_row_1x5", "c_single_col_5x1"),
    ("f_row_at_f_col_1x5_5x1", "f_single_row_1x5", "f_single_col_5x1"),
    ("col_at_row_5x1_1x5", "c_single_col_5x1", "f_single_row_1x5"),
    ("step_row_at_step_col", "c_single_row_step2_1x5", "f_single_col_step2_5x1"),
    ("transpose_c_at_f", "c_transpose_4x3", "f_order_3x4"),
    ("overlap_at_f", "overlap_rows_4x3", "f_order_3x4"),
    ("f3d_plane_at_c", "f3d_plane_axis0_4x5", "c_order_5x3"),
]

BAD = [
    ("row_stride_not_multiple", [3, 4], [12, 8], 8, 0, "stride not a multiple of itemsize"),
    ("col_stride_not_multiple", [3, 4], [32, 4], 8, 0, "stride not a multiple of itemsize"),
    ("offset_not_multiple", [3, 4], [32, 8], 8, 4, "offset not a multiple of itemsize"),
    ("rank0", [], [], 8, 0, "shape must be 2-D (rank 0)"),
    ("rank1", [4], [8], 8, 0, "shape must be 2-D (rank 1)"),
    ("rank3", [2, 3, 4], [96, 32, 8], 8, 0, "shape must be 2-D (rank 3)"),
    ("strides_too_short", [3, 4], [32], 8, 0, "len(strides) != len(shape)"),
    ("strides_too_long", [3, 4], [32, 8, 8], 8, 0, "len(strides) != len(shape)"),
    ("negative_rows", [-1, 4], [32, 8], 8, 0, "negative dimension"),
    ("negative_cols", [3, -2], [32, 8], 8, 0, "negative dimension"),
    ("itemsize_zero", [3, 4], [32, 8], 0, 0, "itemsize must be positive"),
    ("itemsize_negative", [3, 4], [32, 8], -8, 0, "itemsize must be positive"),
]


# --- NumPy's rule -----------------------------------------------------------
# Port of is_blasable2d from numpy/core/src/umath/matmul.c.src (NumPy 1.24):
#   "Determine if a 2d matrix can be used by BLAS
#    1. Strides must not alias or overlap
#    2. The faster (second) axis must be contiguous
#    3. The slower (first) axis stride, in unit steps, must be larger than
#       the faster axis dimension"
# DOUBLE_matmul evaluates it per operand as i1_c_blasable =
# is_blasable2d(is1_m, is1_n, dm, dn, sz) (-> CblasNoTrans) and i1_f_blasable =
# is_blasable2d(is1_n, is1_m, dn, dm, sz) (-> CblasTrans, see
# DOUBLE_matmul_matrixmatrix). If neither holds, NumPy 1.24 does not call BLAS
# for that product: it runs DOUBLE_matmul_inner_noblas (the gh-12365 TODO
# notes a copy to a blasable layout would be possible).
BLAS_MAXSIZE = 2**31 - 2  # NPY_MAX_INT - 1 (non-ILP64 build)


def c_div(a, b):
    """C integer division (truncates toward zero)."""
    q = abs(a) // abs(b)
    return q if (a >= 0) == (b >= 0) else -q


def is_blasable2d(byte_stride1, byte_stride2, d1, d2, itemsize):
    unit_stride1 = c_div(byte_stride1, itemsize)
    if byte_stride2 != itemsize:
        return False
    # C's % is non-zero exactly when Python's is, so the test carries over.
    return byte_stride1 % itemsize == 0 and d2 <= unit_stride1 <= BLAS_MAXSIZE


def numpy_order(shape, byte_strides, itemsize):
    (r, c), (sr, sc) = shape, byte_strides
    if is_blasable2d(sr, sc, r, c, itemsize):
        return "row"
    if is_blasable2d(sc, sr, c, r, itemsize):
        return "col"
    return "general"


# --- strider's canonical rule (the Go side) ---------------------------------
# Element-unit strides. A size-1 dimension's stride is never used to address
# anything, so it is canonicalised first (NumPy does not do this).
def go_order(shape, strides):
    r, c = shape
    rs, cs = strides
    if c == 1:
        cs = 1  # meaningless
    if r == 1:
        rs = max(1, c) if cs == 1 else 1  # meaningless; pick a BLAS view if any
    if cs == 1 and rs >= max(1, c):
        return "row"
    if rs == 1 and cs >= max(1, r):
        return "col"
    return "general"


def go_rejects(shape, strides, itemsize, offset):
    """The validation FromNumPy is expected to do (self-check of "bad")."""
    if itemsize <= 0 or len(shape) != 2 or len(strides) != len(shape):
        return True
    if any(d < 0 for d in shape):
        return True
    return any(s % itemsize for s in strides) or offset % itemsize != 0


ORDER_NOTES = {
    ("col", "row"): "NumPy also tests the stride of the size-1 column axis (not "
                    "itemsize), so only Trans fits (col, ld = column stride); Go "
                    "ignores a size-1 axis's stride, and the unit row stride "
                    "makes it row-major.",
    ("general", "row"): "Neither stride equals itemsize, so NumPy finds no BLAS "
                        "layout; Go ignores the size-1 column axis's stride, "
                        "making it row-major with ld = row stride.",
    ("general", "col"): "Neither stride equals itemsize, so NumPy finds no BLAS "
                        "layout; Go ignores the size-1 row axis's stride, "
                        "making it col-major with ld = column stride.",
}


def owner(view):
    obj = view
    while getattr(obj, "base", None) is not None:
        obj = obj.base
    return obj


def build_case(name, n, expr):
    base = make_base(n)
    view = eval(expr, {"np": np, "as_strided": as_strided, "base": base})
    assert view.ndim == 2 and view.dtype == np.float64, name
    assert owner(view) is base and base.flags.c_contiguous and base.ndim == 1, name
    assert np.shares_memory(view, base), name
    offset = view.__array_interface__["data"][0] - base.__array_interface__["data"][0]
    shape, (sr, sc) = list(view.shape), view.strides
    nbytes = base.nbytes
    assert 0 <= offset < nbytes and offset % ITEMSIZE == 0, name
    addrs = set()
    for i in range(shape[0]):
        for j in range(shape[1]):
            addr = offset + i * sr + j * sc
            assert 0 <= addr <= nbytes - ITEMSIZE and addr % ITEMSIZE == 0, name
            assert base[addr // ITEMSIZE] == view[i, j], (name, i, j)
            addrs.add(addr)
    assert sr % ITEMSIZE == 0 and sc % ITEMSIZE == 0, name
    assert not go_rejects(shape, [sr, sc], ITEMSIZE, offset), name
    np_ord = numpy_order(shape, (sr, sc), ITEMSIZE)
    go_ord = go_order(shape, (sr // ITEMSIZE, sc // ITEMSIZE))
    case = {
        "name": name,
        "note": expr,
        "itemsize": ITEMSIZE,
        "base": base.tolist(),
        "shape": shape,
        "strides": [sr, sc],
        "offset": offset,
        "values": view.tolist(),
        "numpy_order": np_ord,
        "go_order": go_ord,
        "writeable_unique": len(addrs) == shape[0] * shape[1],
    }
    if np_ord != go_ord:
        assert 1 in shape, (name, np_ord, go_ord)  # only size-1 cases may differ
        case["order_note"] = ORDER_NOTES[(np_ord, go_ord)]
    return case, view


def dumps(obj, indent=0):
    """JSON with lists of numbers (and lists of such lists) kept on one line."""
    pad, inner = " " * indent, " " * (indent + 1)
    if isinstance(obj, dict):
        items = [inner + json.dumps(k) + ": " + dumps(v, indent + 1) for k, v in obj.items()]
        return "{\n" + ",\n".join(items) + "\n" + pad + "}"
    if isinstance(obj, list) and any(isinstance(x, dict) for x in obj):
        return "[\n" + ",\n".join(inner + dumps(x, indent + 1) for x in obj) + "\n" + pad + "]"
    return json.dumps(obj)


def main():
    names = [c[0] for c in CASES] + [m[0] for m in MATMUL] + [b[0] for b in BAD]
    assert len(set(names)) == len(names), "duplicate names"
    cases, views = [], {}
    for name, n, expr in CASES:
        case, view = build_case(name, n, expr)
        cases.append(case)
        views[name] = view
    matmul = []
    for name, a, b in MATMUL:
        prod = views[a] @ views[b]
        ref = np.ascontiguousarray(views[a]) @ np.ascontiguousarray(views[b])
        assert np.array_equal(prod, ref), name  # exact: values are dyadic
        matmul.append({"name": name, "a": a, "b": b, "product": prod.tolist()})
    bad = []
    for name, shape, strides, itemsize, offset, why in BAD:
        assert go_rejects(shape, strides, itemsize, offset), name
        bad.append({"name": name, "shape": shape, "strides": strides,
                    "itemsize": itemsize, "offset": offset, "why": why})
    doc = {
        "generator": "testdata/gen_layouts.py",
        "numpy_version": np.__version__,
        "cases": cases,
        "matmul": matmul,
        "bad": bad,
    }
    with open(OUT, "w") as f:
        f.write(dumps(doc) + "\n")
    assert json.load(open(OUT)) == doc
    for c in cases:
        flag = "" if c["numpy_order"] == c["go_order"] else "   <- differs"
        print(f"{c['name']:32s} numpy={c['numpy_order']:8s} go={c['go_order']:8s}{flag}")
    print(f"wrote {OUT}: {len(cases)} cases, {len(matmul)} products, {len(bad)} bad")


if __name__ == "__main__":
    main()
