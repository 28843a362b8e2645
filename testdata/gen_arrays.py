#!/usr/bin/env python3
"""Generate testdata/arrays.json: NumPy ground truth for N-d strided arrays.

Every case is an N-d view (rank 0 to 4, float32 or float64) of a freshly
allocated contiguous 1-D buffer `buf`. The buffer holds one sentinel element on
each side of the *base* array `a = buf[1:-1].reshape(base_shape,
order=base_order)`, which is C- or Fortran-ordered; the view is a NumPy
expression on `a` (transposes, step slices, reversed axes, integer indexing,
broadcast_to, and combinations). The fixture records, exactly as NumPy reports
them:

  base, base_shape, base_order, base_strides, base_offset   the buffer and `a`
  shape, strides, offset      the view (strides and offset in bytes, offset
                              from the start of the buffer)
  values                      view.ravel(order='C').tolist()
  writeable_unique            no two elements of the view share an address,
                              decided by listing every address (brute force)
  ops                         the same view as a sequence of adapter.Array
                              operations applied to `a`:
                                ["permute", axes]            a.transpose(axes)
                                ["slice", axis, lo, hi, step]  a[..., lo:hi:step, ...]
                                ["reverse", axis]            a[..., ::-1, ...]
                                ["select", axis, i]          a[..., i, ...]
                                ["broadcast", shape]         np.broadcast_to(a, shape)
                              (null for views no sequence of those makes,
                              such as as_strided sliding windows)

The generator applies the ops with NumPy too and asserts the result has the
expression's shape, strides and offset, so the ops are a faithful second
spelling of the view, not a guess.

Strides of axes of length <= 1 and the offset of an empty view address nothing;
NumPy and strider may legitimately disagree about them (NumPy multiplies a
length-1 slice's stride by the step, strider keeps it), so tests compare them
only where they address an element.

"matrix" lists, for every non-empty case and every rowAxes in 0..rank, whether
NumPy 1.24 reshapes the view to the 2-D (r, c) = (prod(shape[:rowAxes]),
prod(shape[rowAxes:])) without a copy. Criterion: `w = v.reshape(r, c)` (C
order) is a view iff np.shares_memory(w, v), which is exact (a copy owns fresh
memory; a view of a non-empty array shares every element). The generator
cross-checks every view by address: w[i, j] must sit where v's C-order element
i*c + j sits. For views it records w's byte strides, offset and values.
adapter.Array.Matrix(rowAxes) must succeed exactly for those.

"broadcast" lists np.broadcast_to(a, to) of fresh C-order float64 arrays of
shape `from`: whether NumPy accepts it ("ok") and the byte strides it gives,
with the source's own byte strides ("from_strides"), or NumPy's message.

"bad" lists NumPy-style descriptions (shape, byte strides or null for C
order, itemsize, byte offset, buffer length in elements) that
adapter.ArrayFromNumPy must reject, with the error it must wrap; "accepted"
lists edge descriptions it must accept. `classify` below is the reference
for both, computed with Python's unbounded integers: an error is "overflow"
when an intermediate of the extent (or of the C strides) leaves int64.

Base values are 1000 + k + 0.25 for buffer index k: distinct, non-zero,
exact in float32 and float64, so sentinels are recognisable.

Rerun from the repo root with Debian's NumPy (no PyPI needed):

    /usr/bin/python3 testdata/gen_arrays.py

The output is deterministic and overwrites testdata/arrays.json.
"""
import json
import math
import os
import sys

try:
    import numpy as np
except ImportError:  # pragma: no cover - environment fallback
    if os.path.exists("/usr/bin/python3") and sys.executable != "/usr/bin/python3":
        os.execv("/usr/bin/python3", ["/usr/bin/python3"] + sys.argv)
    raise
from numpy.lib.stride_tricks import as_strided

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "arrays.json")
INT_MIN, INT_MAX = -(2**63), 2**63 - 1
DTYPES = {"float64": np.float64, "float32": np.float32}


def make_buf(n, dtype):
    """A fresh contiguous 1-D buffer of n distinct non-zero values."""
    return (1000.0 + np.arange(n, dtype=np.float64) + 0.25).astype(dtype)


def make_base(base_shape, order, dtype):
    size = math.prod(base_shape)
    buf = make_buf(size + 2, dtype)
    a = buf[1:1 + size].reshape(base_shape, order=order)
    assert np.shares_memory(a, buf) or size == 0
    return buf, a


def windows1d(a, k):
    """Sliding windows of length k over the 1-D a, one element apart."""
    (s,) = a.strides
    return as_strided(a, shape=(a.shape[0] - k + 1, k), strides=(s, s), writeable=False)


def windows2d(a, kh, kw):
    """The (OH, OW, KH, KW) windows of the 2-D image a: im2col's view."""
    h, w = a.shape
    sh, sw = a.strides
    return as_strided(a, shape=(h - kh + 1, w - kw + 1, kh, kw),
                      strides=(sh, sw, sh, sw), writeable=False)


# (name, dtype, base shape, base order, expression on `a`, ops or None)
CASES = [
    # rank 0
    ("r0_scalar", "float64", (), "C", "a", []),
    ("r0_select_c_2d", "float64", (3, 4), "C", "a[1, 2, ...]", [["select", 0, 1], ["select", 0, 2]]),
    ("r0_select_f_2d", "float32", (3, 4), "F", "a[2, 1, ...]", [["select", 0, 2], ["select", 0, 1]]),
    ("r0_broadcast_3x4", "float64", (), "C", "np.broadcast_to(a, (3, 4))", [["broadcast", [3, 4]]]),
    # rank 1
    ("r1_c", "float64", (6,), "C", "a", []),
    ("r1_step", "float64", (10,), "C", "a[1:8:3]", [["slice", 0, 1, 8, 3]]),
    ("r1_step_single", "float64", (10,), "C", "a[4:6:5]", [["slice", 0, 4, 6, 5]]),
    ("r1_reversed", "float32", (5,), "C", "a[::-1]", [["reverse", 0]]),
    ("r1_reversed_step", "float64", (10,), "C", "a[::-1][1:9:2]", [["reverse", 0], ["slice", 0, 1, 9, 2]]),
    ("r1_empty_slice", "float64", (5,), "C", "a[2:2]", [["slice", 0, 2, 2, 1]]),
    ("r1_empty_base", "float64", (0,), "C", "a", []),
    ("r1_col_of_c", "float64", (3, 4), "C", "a[:, 2]", [["select", 1, 2]]),
    ("r1_row_of_f", "float32", (3, 4), "F", "a[1]", [["select", 0, 1]]),
    ("r1_broadcast_stretch", "float64", (1,), "C", "np.broadcast_to(a, (5,))", [["broadcast", [5]]]),
    # rank 2
    ("r2_c", "float64", (3, 4), "C", "a", []),
    ("r2_f", "float64", (3, 4), "F", "a", []),
    ("r2_c_f32", "float32", (3, 4), "C", "a", []),
    ("r2_f_f32", "float32", (3, 4), "F", "a", []),
    ("r2_c_transpose", "float64", (3, 4), "C", "a.T", [["permute", [1, 0]]]),
    ("r2_f_transpose", "float32", (3, 4), "F", "a.T", [["permute", [1, 0]]]),
    ("r2_rows_step2", "float64", (6, 4), "C", "a[::2]", [["slice", 0, 0, 6, 2]]),
    ("r2_rows_1_5_3", "float64", (6, 4), "C", "a[1:5:3]", [["slice", 0, 1, 5, 3]]),
    ("r2_f_cols_step", "float64", (4, 7), "F", "a[:, 1:7:2]", [["slice", 1, 1, 7, 2]]),
    ("r2_block", "float64", (6, 8), "C", "a[1:4, 2:6]", [["slice", 0, 1, 4, 1], ["slice", 1, 2, 6, 1]]),
    ("r2_reversed_rows", "float64", (3, 4), "C", "a[::-1]", [["reverse", 0]]),
    ("r2_reversed_both_f", "float32", (3, 4), "F", "a[::-1, ::-1]", [["reverse", 0], ["reverse", 1]]),
    ("r2_reversed_stepped", "float64", (7, 5), "C", "a[::-1][0:7:3, ::-1]",
     [["reverse", 0], ["slice", 0, 0, 7, 3], ["reverse", 1]]),
    ("r2_broadcast_row", "float64", (3, 4), "C", "np.broadcast_to(a[1:2], (5, 4))",
     [["slice", 0, 1, 2, 1], ["broadcast", [5, 4]]]),
    ("r2_broadcast_col", "float64", (3, 4), "F", "np.broadcast_to(a[:, 2:3], (3, 6))",
     [["slice", 1, 2, 3, 1], ["broadcast", [3, 6]]]),
    ("r2_broadcast_1d", "float32", (4,), "C", "np.broadcast_to(a, (3, 4))", [["broadcast", [3, 4]]]),
    ("r2_broadcast_reversed", "float64", (4,), "C", "np.broadcast_to(a[::-1], (2, 4))",
     [["reverse", 0], ["broadcast", [2, 4]]]),
    ("r2_single_row", "float64", (3, 5), "C", "a[1:2]", [["slice", 0, 1, 2, 1]]),
    ("r2_single_col_f", "float64", (5, 3), "F", "a[:, 1:2]", [["slice", 1, 1, 2, 1]]),
    ("r2_empty_rows", "float64", (3, 0), "C", "a", []),
    ("r2_empty_f", "float32", (0, 4), "F", "a", []),
    ("r2_empty_slice", "float64", (3, 4), "C", "a[:, 3:3]", [["slice", 1, 3, 3, 1]]),
    ("r2_broadcast_to_empty", "float64", (1, 4), "C", "np.broadcast_to(a, (0, 4))", [["broadcast", [0, 4]]]),
    # rank 3
    ("r3_c", "float64", (2, 3, 4), "C", "a", []),
    ("r3_f", "float64", (2, 3, 4), "F", "a", []),
    ("r3_doc_example", "float64", (2, 3, 4), "C", "a.transpose(0, 2, 1)[:, ::2, :]",
     [["permute", [0, 2, 1]], ["slice", 1, 0, 4, 2]]),
    ("r3_c_permute_201", "float64", (2, 3, 4), "C", "a.transpose(2, 0, 1)", [["permute", [2, 0, 1]]]),
    ("r3_f_permute_120", "float32", (2, 3, 4), "F", "a.transpose(1, 2, 0)", [["permute", [1, 2, 0]]]),
    ("r3_f_transpose", "float64", (2, 3, 4), "F", "a.T", [["permute", [2, 1, 0]]]),
    ("r3_reversed_mid", "float64", (2, 3, 4), "C", "a[:, ::-1, :]", [["reverse", 1]]),
    ("r3_select_mid", "float64", (2, 3, 4), "C", "a[:, 1, :]", [["select", 1, 1]]),
    ("r3_select_last_f", "float32", (2, 3, 4), "F", "a[:, :, 3]", [["select", 2, 3]]),
    ("r3_combo", "float64", (4, 5, 6), "C", "a.transpose(2, 0, 1)[1:6:2, ::-1, 1:5:3]",
     [["permute", [2, 0, 1]], ["slice", 0, 1, 6, 2], ["reverse", 1], ["slice", 2, 1, 5, 3]]),
    ("r3_combo_f", "float64", (4, 5, 6), "F", "a[::-1, 1:4, ::2].transpose(1, 2, 0)",
     [["reverse", 0], ["slice", 1, 1, 4, 1], ["slice", 2, 0, 6, 2], ["permute", [1, 2, 0]]]),
    ("r3_broadcast_mid", "float64", (2, 3, 4), "C", "np.broadcast_to(a[:, 1:2, :], (2, 5, 4))",
     [["slice", 1, 1, 2, 1], ["broadcast", [2, 5, 4]]]),
    ("r3_broadcast_leading", "float32", (3, 4), "F", "np.broadcast_to(a.T, (2, 4, 3))",
     [["permute", [1, 0]], ["broadcast", [2, 4, 3]]]),
    ("r3_empty_mid", "float64", (2, 0, 3), "C", "a", []),
    ("r3_empty_slice_f", "float64", (2, 3, 4), "F", "a[:, 2:2, ::-1]", [["slice", 1, 2, 2, 1], ["reverse", 2]]),
    # rank 4
    ("r4_c", "float64", (2, 3, 4, 5), "C", "a", []),
    ("r4_f", "float32", (2, 3, 4, 5), "F", "a", []),
    ("r4_attention_kt", "float64", (2, 3, 4, 5), "C", "a.transpose(0, 1, 3, 2)", [["permute", [0, 1, 3, 2]]]),
    ("r4_attention_kt_f32", "float32", (2, 3, 4, 5), "C", "a.transpose(0, 1, 3, 2)", [["permute", [0, 1, 3, 2]]]),
    ("r4_bshd_to_bhsd", "float64", (2, 4, 3, 5), "C", "a.transpose(0, 2, 1, 3)", [["permute", [0, 2, 1, 3]]]),
    ("r4_f_permute", "float64", (2, 3, 4, 5), "F", "a.transpose(3, 1, 0, 2)", [["permute", [3, 1, 0, 2]]]),
    ("r4_all_reversed", "float64", (2, 3, 4, 5), "C", "a[::-1, ::-1, ::-1, ::-1]",
     [["reverse", 0], ["reverse", 1], ["reverse", 2], ["reverse", 3]]),
    ("r4_combo", "float64", (3, 4, 5, 6), "C", "a.transpose(0, 2, 1, 3)[:, ::-1, 1:4:2, 0:6:4]",
     [["permute", [0, 2, 1, 3]], ["reverse", 1], ["slice", 2, 1, 4, 2], ["slice", 3, 0, 6, 4]]),
    ("r4_combo_f32_f", "float32", (3, 4, 5, 6), "F", "a[1:3, :, ::-1][:, 3].transpose(2, 0, 1)",
     [["slice", 0, 1, 3, 1], ["reverse", 2], ["select", 1, 3], ["permute", [2, 0, 1]]]),
    ("r4_select_broadcast", "float64", (2, 3, 4, 5), "C", "np.broadcast_to(a[1, :, 2:3, ::2], (2, 3, 4, 3))",
     [["select", 0, 1], ["slice", 1, 2, 3, 1], ["slice", 2, 0, 5, 2], ["broadcast", [2, 3, 4, 3]]]),
    ("r4_broadcast_from_2d", "float64", (3, 4), "C", "np.broadcast_to(a[::-1], (2, 5, 3, 4))",
     [["reverse", 0], ["broadcast", [2, 5, 3, 4]]]),
    ("r4_broadcast_from_0d", "float32", (3, 4), "F", "np.broadcast_to(a[2, 1, ...], (2, 1, 3, 2))",
     [["select", 0, 2], ["select", 0, 1], ["broadcast", [2, 1, 3, 2]]]),
    ("r4_empty", "float64", (2, 3, 0, 5), "C", "a.transpose(3, 2, 1, 0)", [["permute", [3, 2, 1, 0]]]),
    ("r4_empty_slice", "float64", (2, 3, 4, 5), "C", "a[:, :, 4:4:3]", [["slice", 2, 4, 4, 3]]),
    # views no sequence of ops makes: read through ArrayFromNumPy only
    ("windows_1d", "float64", (10,), "C", "windows1d(a, 4)", None),
    ("windows_2d", "float64", (4, 5), "C", "windows2d(a, 2, 3)", None),
    ("windows_2d_f32_f", "float32", (4, 5), "F", "windows2d(a, 3, 2)", None),
]


def apply_op(v, op):
    """NumPy's spelling of one adapter.Array operation."""
    kind = op[0]
    if kind == "permute":
        return v.transpose(op[1])
    if kind == "slice":
        _, axis, lo, hi, step = op
        assert 0 <= lo <= hi <= v.shape[axis] and step > 0, op
        return v[(slice(None),) * axis + (slice(lo, hi, step), Ellipsis)]
    if kind == "reverse":
        return v[(slice(None),) * op[1] + (slice(None, None, -1), Ellipsis)]
    if kind == "select":
        _, axis, i = op
        return v[(slice(None),) * axis + (i, Ellipsis)]  # Ellipsis keeps rank 0 a view
    if kind == "broadcast":
        return np.broadcast_to(v, tuple(op[1]))
    raise ValueError(op)


def addr(arr):
    return arr.__array_interface__["data"][0]


def c_order_indices(shape):
    return list(np.ndindex(*shape)) if shape else [()]


def used(shape, k):
    """Whether axis k's stride addresses anything."""
    return shape[k] > 1 and math.prod(shape) > 0


def same_view(x, y):
    """x and y address the same elements: same shape, strides where used, offset."""
    if x.shape != y.shape:
        return False
    if math.prod(x.shape) == 0:
        return True
    return addr(x) == addr(y) and all(
        x.strides[k] == y.strides[k] for k in range(x.ndim) if used(x.shape, k))


def byte_offset(shape_strides_offset, idx):
    strides, offset = shape_strides_offset
    return offset + sum(i * s for i, s in zip(idx, strides))


def build_case(name, dtype, base_shape, order, expr, ops):
    buf, a = make_base(base_shape, order, DTYPES[dtype])
    env = {"np": np, "a": a, "windows1d": windows1d, "windows2d": windows2d}
    view = eval(expr, env)
    itemsize = buf.itemsize
    assert isinstance(view, np.ndarray) and view.dtype == buf.dtype, name
    size = view.size
    if size > 0:
        assert np.shares_memory(view, buf), name
    if ops is not None:
        w = a
        for op in ops:
            w = apply_op(w, op)
        assert isinstance(w, np.ndarray) and same_view(w, view), (name, w.shape, w.strides, view.strides)
    offset = addr(view) - addr(buf)
    # An empty base reaches no element; NumPy may put its pointer anywhere.
    base_offset = addr(a) - addr(buf) if a.size > 0 else itemsize
    assert base_offset == itemsize, name
    addrs = set()
    for idx in c_order_indices(view.shape):
        off = byte_offset((view.strides, offset), idx)
        assert 0 <= off <= buf.nbytes - itemsize and off % itemsize == 0, (name, idx)
        assert buf[off // itemsize] == view[idx], (name, idx)
        addrs.add(off)
    values = view.ravel(order="C").tolist()
    assert len(values) == size
    case = {
        "name": name,
        "note": expr,
        "dtype": dtype,
        "itemsize": itemsize,
        "base": buf.astype(np.float64).tolist(),
        "base_shape": list(a.shape),
        "base_order": order,
        "base_strides": list(a.strides),
        "base_offset": base_offset,
        "shape": list(view.shape),
        "strides": list(view.strides),
        "offset": offset,
        "values": [float(x) for x in values],
        "writeable_unique": len(addrs) == size,
        "ops": ops,
    }
    return case, view


def matrix_cases(case, view):
    out = []
    if view.size == 0:
        return out
    itemsize = view.itemsize
    base_addr = addr(view) - case["offset"]
    flat = [byte_offset((view.strides, case["offset"]), idx) for idx in c_order_indices(view.shape)]
    for row_axes in range(view.ndim + 1):
        r = math.prod(view.shape[:row_axes])
        c = math.prod(view.shape[row_axes:])
        w = view.reshape((r, c))  # order='C'
        is_view = bool(np.shares_memory(w, view))
        m = {"case": case["name"], "row_axes": row_axes, "rows": r, "cols": c, "view": is_view}
        if is_view:
            off = addr(w) - base_addr
            for i in range(r):
                for j in range(c):
                    got = off + i * w.strides[0] + j * w.strides[1]
                    assert got == flat[i * c + j], (case["name"], row_axes, i, j)
            m.update({"strides": list(w.strides), "offset": off, "values": w.tolist()})
            assert off % itemsize == 0 and all(s % itemsize == 0 for s in w.strides)
        else:
            assert w.flags.owndata or not np.may_share_memory(w, view), case["name"]
        out.append(m)
    return out


# --- descriptions ArrayFromNumPy must reject or accept ----------------------
# (name, dtype, buffer length, shape, byte strides or None, itemsize, byte offset, error)
BAD = [
    ("misaligned_stride", "float64", 12, [3, 4], [12, 8], 8, 0, "misaligned"),
    ("misaligned_stride_f32", "float32", 12, [3, 4], [16, 6], 4, 0, "misaligned"),
    ("misaligned_negative_stride", "float64", 12, [3, 4], [-36, 8], 8, 72, "misaligned"),
    ("misaligned_offset", "float64", 12, [3, 4], [32, 8], 8, 4, "misaligned"),
    ("misaligned_offset_c_order", "float32", 12, [3, 4], None, 4, 2, "misaligned"),
    ("rank_strides_short", "float64", 12, [3, 4], [32], 8, 0, "rank"),
    ("rank_strides_long", "float64", 24, [2, 3, 4], [96, 32, 8, 8], 8, 0, "rank"),
    ("rank0_with_stride", "float64", 1, [], [8], 8, 0, "rank"),
    ("rank1_no_strides", "float64", 4, [4], [], 8, 0, "rank"),
    ("negative_dim", "float64", 12, [-1, 4], [32, 8], 8, 0, "dims"),
    ("negative_dim_c_order", "float64", 12, [3, -2], None, 8, 0, "dims"),
    ("negative_dim_rank3", "float32", 24, [2, -3, 4], None, 4, 0, "dims"),
    ("itemsize_zero", "float64", 12, [3, 4], [32, 8], 0, 0, "itemsize"),
    ("itemsize_negative", "float64", 12, [3, 4], [32, 8], -8, 0, "itemsize"),
    ("past_end", "float64", 12, [3, 4], [32, 8], 8, 8, "out_of_bounds"),
    ("past_end_c_order", "float64", 12, [3, 5], None, 8, 0, "out_of_bounds"),
    ("past_end_rank4", "float32", 119, [2, 3, 4, 5], None, 4, 0, "out_of_bounds"),
    ("past_end_f_order_rank3", "float64", 23, [2, 3, 4], [8, 16, 48], 8, 0, "out_of_bounds"),
    ("before_start_reversed", "float64", 12, [3, 4], [-32, 8], 8, 0, "out_of_bounds"),
    ("before_start_reversed_offset", "float64", 10, [4], [-8], 8, 16, "out_of_bounds"),
    ("before_start_negative_offset", "float64", 12, [2, 2], [16, 8], 8, -8, "out_of_bounds"),
    ("offset_past_end", "float64", 10, [1], [8], 8, 80, "out_of_bounds"),
    ("rank0_offset_past_end", "float64", 10, [], [], 8, 80, "out_of_bounds"),
    ("broadcast_past_end", "float64", 7, [4, 5], [0, 8], 8, 24, "out_of_bounds"),
    ("empty_buffer", "float64", 0, [1], None, 8, 0, "out_of_bounds"),
    ("span_min_int", "float64", 12, [17], [-(2**62)], 8, 0, "out_of_bounds"),
    ("overflow_span", "float64", 12, [17], [2**62], 8, 0, "overflow"),
    ("overflow_negative_span", "float64", 12, [18], [-(2**62)], 8, 0, "overflow"),
    ("overflow_sum_of_spans", "float64", 12, [16, 2], [2**62, 2**62], 8, 0, "overflow"),
    ("overflow_offset_plus_span", "float64", 12, [16], [2**62], 8, 2**63 - 8, "overflow"),
    ("overflow_c_order_shape", "float64", 12, [2**32, 2**32], None, 8, 0, "overflow"),
    ("overflow_rank4", "float32", 12, [2, 3, 2**31 + 1, 2**31 + 1], [4, 4, 2**33, 2**33], 4, 0, "overflow"),
]

ACCEPTED = [
    ("c_order_exact", "float64", 12, [3, 4], None, 8, 0),
    ("f_order_exact", "float32", 24, [2, 3, 4], [4, 8, 24], 4, 0),
    ("reversed_from_last", "float64", 12, [3, 4], [-32, -8], 8, 88),
    ("broadcast_inside", "float64", 7, [4, 5], [0, 8], 8, 16),
    ("rank0_last_element", "float64", 10, [], [], 8, 72),
    ("rank0_c_order", "float32", 1, [], None, 4, 0),
    ("huge_stride_length1", "float64", 12, [1, 3], [2**62, 8], 8, 0),
    ("empty_offset_past_end", "float64", 4, [0, 3], [24, 8], 8, 800),
    ("empty_huge_strides", "float64", 0, [3, 0], [2**62, -(2**62)], 8, 0),
    ("empty_negative_offset", "float32", 4, [2, 0], None, 4, -40),
]


# (from shape, to shape): np.broadcast_to of a fresh C-order float64 array.
BROADCAST = [
    ((3, 1), (3, 4)), ((1, 4), (3, 4)), ((4,), (2, 3, 4)), ((), (2, 3)),
    ((2, 1, 3), (4, 2, 5, 3)), ((1,), (0,)), ((2,), (0, 2)), ((1, 1), (1, 1)),
    ((3,), (3,)), ((0,), (0,)), ((1, 3), (0, 3)),
    ((3,), (4,)), ((2, 3), (3,)), ((0,), (5,)), ((0,), (1,)), ((3, 2), (3, 4)),
    ((2, 1), (3, 1)), ((3,), (-1, 3)), ((1,), (-2,)), ((2, 3), ()),
]


def broadcast_case(frm, to):
    a = make_buf(max(math.prod(frm), 1) + 2, np.float64)[1:1 + math.prod(frm)].reshape(frm)
    try:
        b = np.broadcast_to(a, to)
    except ValueError as e:
        return {"from": list(frm), "to": list(to), "ok": False, "why": str(e)}
    assert b.shape == tuple(to)
    return {"from": list(frm), "to": list(to), "ok": True, "strides": list(b.strides),
            "from_strides": list(a.strides)}


def checked(v):
    if not INT_MIN <= v <= INT_MAX:
        raise OverflowError
    return v


def classify(shape, strides, itemsize, offset, n):
    """The error ArrayFromNumPy must wrap, or None: strider's contract,
    computed with unbounded integers."""
    if itemsize <= 0:
        return "itemsize"
    if strides is not None and len(strides) != len(shape):
        return "rank"
    if strides is not None and any(s % itemsize for s in strides):
        return "misaligned"
    if offset % itemsize:
        return "misaligned"
    if any(d < 0 for d in shape):
        return "dims"
    try:
        if strides is None:
            el, s = [0] * len(shape), 1
            for k in reversed(range(len(shape))):
                el[k] = s
                s = checked(s * max(shape[k], 1))
        else:
            el = [s // itemsize for s in strides]
        if math.prod(shape) == 0:
            return None
        off = offset // itemsize
        lo = hi = off
        for d, s in zip(shape, el):
            span = checked((d - 1) * s)
            if span < 0:
                lo = checked(lo + span)
            else:
                hi = checked(hi + span)
    except OverflowError:
        return "overflow"
    if lo < 0 or hi >= n:
        return "out_of_bounds"
    return None


def description(name, dtype, n, shape, strides, itemsize, offset):
    for v in [n, offset, itemsize] + shape + (strides or []):
        assert INT_MIN <= v <= INT_MAX, name
    return {"name": name, "dtype": dtype, "buffer_len": n, "shape": shape,
            "strides": strides, "itemsize": itemsize, "offset": offset}


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
    names = [c[0] for c in CASES] + [b[0] for b in BAD] + [g[0] for g in ACCEPTED]
    assert len(set(names)) == len(names), "duplicate names"
    cases, matrix = [], []
    for spec in CASES:
        case, view = build_case(*spec)
        cases.append(case)
        matrix.extend(matrix_cases(case, view))
    bad = []
    for name, dtype, n, shape, strides, itemsize, offset, err in BAD:
        got = classify(shape, strides, itemsize, offset, n)
        assert got == err, (name, got, err)
        d = description(name, dtype, n, shape, strides, itemsize, offset)
        d["error"] = err
        bad.append(d)
    accepted = []
    for name, dtype, n, shape, strides, itemsize, offset in ACCEPTED:
        assert classify(shape, strides, itemsize, offset, n) is None, name
        accepted.append(description(name, dtype, n, shape, strides, itemsize, offset))
    broadcast = [broadcast_case(f, t) for f, t in BROADCAST]
    assert any(b["ok"] for b in broadcast) and not all(b["ok"] for b in broadcast)
    ranks = sorted({len(c["shape"]) for c in cases})
    assert ranks == [0, 1, 2, 3, 4], ranks
    doc = {
        "generator": "testdata/gen_arrays.py",
        "numpy_version": np.__version__,
        "cases": cases,
        "matrix": matrix,
        "bad": bad,
        "accepted": accepted,
        "broadcast": broadcast,
    }
    with open(OUT, "w") as f:
        f.write(dumps(doc) + "\n")
    assert json.load(open(OUT)) == doc
    views = sum(m["view"] for m in matrix)
    print(f"wrote {OUT}: {len(cases)} cases, {len(matrix)} matrix cases "
          f"({views} views, {len(matrix) - views} copies), {len(bad)} bad, {len(accepted)} accepted, "
          f"{len(broadcast)} broadcasts")


if __name__ == "__main__":
    main()
