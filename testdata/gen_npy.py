#!/usr/bin/env python3
"""Generate .npy fixtures for adapter/npy, and check the files strider writes.

Two modes, both run from the repo root with Debian's python3-numpy:

    python3 testdata/gen_npy.py                # 1: NumPy writes, Go reads
    python3 testdata/gen_npy.py --check-fromgo # 2: Go writes, NumPy reads

Mode 1 writes small .npy files under testdata/npy/ with np.save (and
numpy.lib.format.write_array for format versions 2.0 and 3.0): C and Fortran
order, little- and big-endian, float64 and float32, padded, stepped and
reversed views (np.save writes a non-contiguous view compactly, in C order
unless it is Fortran-contiguous), 0-d, 1-D, 3-D and empty arrays, and a
hand-made file whose data offset is not a multiple of 8. It records in
testdata/npy/npy.json, for each file, what NumPy reads back: dtype.str,
fortran_order from the header, the data offset, the shape and the values in
C order. It also writes files strider must reject under testdata/npy/bad/,
with the error the Go side must wrap and what np.load says about each.

Mode 1 also writes testdata/npy/typed/: one file for every dtype strider
reads (bool, int8-64, uint8-64, float16/32/64, complex64/128), in both byte
orders, C and Fortran order, ranks 0 to 4, plus misaligned data of every
multi-byte dtype and bools stored as bytes other than 0 and 1; npy.json's
"typed" list records what np.load reads from each (integers and floats as
strings, exact; complex as [re, im]; bools as 0/1). And
testdata/npy/float16_table.json: the SHA-256 of NumPy's float32 conversion
of all 65536 float16 bit patterns, for internal/half.

Mode 2 reads testdata/npy/fromgo/cases.json, which the Go test writes with

    go test ./adapter/npy -run TestFromGo -update

next to the .npy files strider's Write, WriteArray and WriteData produced.
Each Write/WriteArray case gives the flat buffer, shape, strides and offset
of the array strider wrote (any rank); this script rebuilds that array
independently with numpy's as_strided. Each WriteData case gives the data,
shape and order (any dtype); the script rebuilds it with reshape. It
np.load()s strider's file (plain and with mmap_mode='r'), and records in
testdata/npy/fromgo/numpy.json whether they are equal byte for byte (so
-0 and NaN payloads count), with the file's SHA-256, so `go test` can check
"files strider writes load in NumPy to the same array" without Python.

Values are 1000 + k + 0.25 for element k of a base buffer: distinct,
non-zero, exact in float32, so elements outside a view act as sentinels.
Output is deterministic. If `python3` on PATH lacks numpy (e.g. a pyenv
shim), the script re-executes itself with /usr/bin/python3.
"""
import hashlib
import io
import json
import os
import re
import struct
import sys

try:
    import numpy as np
except ImportError:  # pragma: no cover - environment fallback
    if os.path.exists("/usr/bin/python3") and sys.executable != "/usr/bin/python3":
        os.execv("/usr/bin/python3", ["/usr/bin/python3"] + sys.argv)
    raise
from numpy.lib import format as npformat
from numpy.lib.stride_tricks import as_strided

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "npy")
FROMGO = os.path.join(OUT, "fromgo")


def base(n, dtype="<f8"):
    """A fresh contiguous 1-D buffer of n distinct non-zero values."""
    return (1000.0 + np.arange(n, dtype=np.float64) + 0.25).astype(dtype)


F = "np.asfortranarray"

# (file name without .npy, expression giving the array np.save writes,
# format version or None). The expression is written verbatim as "note".
CASES = [
    # both orders x both endiannesses x both widths
    ("c_f8_3x4", "base(12).reshape(3, 4)", None),
    ("f_f8_3x4", F + "(base(12).reshape(3, 4))", None),
    ("c_f8be_3x4", "base(12, '>f8').reshape(3, 4)", None),
    ("f_f8be_3x4", F + "(base(12, '>f8').reshape(3, 4))", None),
    ("c_f4_3x4", "base(12, '<f4').reshape(3, 4)", None),
    ("f_f4_3x4", F + "(base(12, '<f4').reshape(3, 4))", None),
    ("c_f4be_3x4", "base(12, '>f4').reshape(3, 4)", None),
    ("f_f4be_3x4", F + "(base(12, '>f4').reshape(3, 4))", None),
    # non-contiguous views, saved compactly by NumPy
    ("c_block_3x4_of_6x8", "base(48).reshape(6, 8)[1:4, 2:6]", None),
    ("f_block_3x4_of_6x8", "base(48).reshape((6, 8), order='F')[1:4, 2:6]", None),
    ("f_block_rows_6x8_of_10x8", "base(80).reshape((10, 8), order='F')[:6, :]", None),
    ("f_cols_step2_4x5", "base(40).reshape((4, 10), order='F')[:, ::2]", None),
    ("c_both_reversed_3x4", "base(12).reshape(3, 4)[::-1, ::-1]", None),
    ("c_transpose_4x3", "base(12).reshape(3, 4).T", None),
    ("f_transpose_4x3", "base(12).reshape((3, 4), order='F').T", None),
    ("f4be_step_reversed_3x3", "base(36, '>f4').reshape(6, 6)[::2, ::-2]", None),
    # vectors, single rows and columns, scalars
    ("c_f8_1d_5", "base(5)", None),
    ("c_f4be_1d_5", "base(5, '>f4')", None),
    ("c_f8_1x5", "base(5).reshape(1, 5)", None),
    ("c_f8_5x1", "base(5).reshape(5, 1)", None),
    ("f_f8_1x1", F + "(base(1).reshape(1, 1))", None),
    ("f8_0d", "base(1).reshape(())", None),
    # more dimensions
    ("c_f8_2x3x4", "base(24).reshape(2, 3, 4)", None),
    ("f_f8_2x3x4", "base(24).reshape((2, 3, 4), order='F')", None),
    ("f_f4_2x3x4", "base(24, '<f4').reshape((2, 3, 4), order='F')", None),
    # empty arrays
    ("c_f8_0x3", "np.zeros((0, 3))", None),
    ("f_f8_2x0", F + "(np.zeros((2, 0)))", None),
    ("c_f4_0", "np.zeros((0,), '<f4')", None),
    ("c_f8_2x0x3", "np.zeros((2, 0, 3))", None),
    # other format versions
    ("v2_f_f8_3x4", F + "(base(12).reshape(3, 4))", (2, 0)),
    ("v3_c_f8_3x4", "base(12).reshape(3, 4)", (3, 0)),
    # a larger file, to see the data mapped
    ("f_f8_24x16", F + "(base(24 * 16).reshape(24, 16))", None),
]


# Every dtype strider reads, with values that probe its range: extremes,
# negative values, and for floats the special values (for float16: inf,
# nan, subnormals, -0), as NumPy stores them.
DTYPES = {
    "b1": [True, False, False, True, True, False, True, True, False, True, False, False],
    "i1": [-128, 127, -1, 0, 1, 2, -3, 100, -100, 5, 6, 7],
    "i2": [-32768, 32767, -1, 0, 1, 2, -3, 1000, -1000, 5, 6, 7],
    "i4": [-2**31, 2**31 - 1, -1, 0, 1, 2, -3, 10**6, -10**6, 5, 6, 7],
    "i8": [-2**63, 2**63 - 1, -1, 0, 1, 2, -3, 2**53 + 1, -10**12, 5, 6, 7],
    "u1": [0, 255, 1, 2, 128, 127, 3, 200, 100, 5, 6, 7],
    "u2": [0, 65535, 1, 2, 32768, 32767, 3, 1000, 100, 5, 6, 7],
    "u4": [0, 2**32 - 1, 1, 2, 2**31, 2**31 - 1, 3, 10**6, 100, 5, 6, 7],
    "u8": [0, 2**64 - 1, 1, 2, 2**63, 2**63 - 1, 3, 2**53 + 1, 100, 5, 6, 7],
    "f2": [1.0, -2.5, float("inf"), float("-inf"), float("nan"), -0.0, 2.0**-24, 2.0**-14 - 2.0**-24,
           65504.0, 1 / 3, 0.1, -1000.25],
    "f4": [1.0, -2.5, float("inf"), float("-inf"), float("nan"), -0.0, 2.0**-149, 1e-40, 3.4028234663852886e38,
           1 / 3, 0.1, -1000.25],
    "f8": [1.0, -2.5, float("inf"), float("-inf"), float("nan"), -0.0, 5e-324, 1e-310, 1.7976931348623157e308,
           1 / 3, 0.1, -1000.25],
    "c8": [1 + 2j, -3.5 - 0.25j, complex(float("inf"), 1), complex(0, float("nan")), -0.0 + 0j, 1j,
           0.1 + 0.2j, 1e30 - 1e-30j, 5 + 6j, 7 - 8j, 9 + 10j, -11 + 12j],
    "c16": [1 + 2j, -3.5 - 0.25j, complex(float("inf"), 1), complex(0, float("nan")), -0.0 + 0j, 1j,
            0.1 + 0.2j, 1e300 - 1e-300j, 5 + 6j, 7 - 8j, 9 + 10j, -11 + 12j],
}

# Shapes of ranks 0 to 4, each holding at most the 12 values above. Ranks 0
# and 1 are the same in either order (NumPy writes fortran_order False).
SHAPES = [(), (5,), (3, 4), (2, 3, 2), (2, 1, 3, 2)]


def typed_cases():
    """(file name, array) for every dtype, byte order, order and rank."""
    out = []
    for kind, vals in DTYPES.items():
        orders = "|" if kind[1:] == "1" else "<>"
        for bo in orders:
            dt = np.dtype(bo + kind)
            for shape in SHAPES:
                n = int(np.prod(shape))
                arr = np.array(vals[:n], dtype=dt).reshape(shape)
                for order in "CF":
                    if order == "F" and len(shape) < 2:
                        continue
                    a = np.asfortranarray(arr) if order == "F" else np.ascontiguousarray(arr)
                    name = "t_%s%s_%s_r%d" % ({"<": "le", ">": "be", "|": ""}[bo], kind, order.lower(), len(shape))
                    out.append((name, a))
    return out


def json_value(v, kind):
    """An element as JSON: integers (any size) and floats as strings, so
    int64/uint64 extremes stay exact and inf, nan and -0 are spelled as
    Python's repr (which Go's strconv.ParseFloat reads); complex numbers as
    [re, im]; bools as 0 or 1."""
    if kind == "b":
        return 1 if v else 0
    if kind in "iu":
        return str(int(v))
    if kind == "c":
        return [repr(float(v.real)), repr(float(v.imag))]
    return repr(float(v))


def save(path, arr, version):
    with open(path, "wb") as fp:
        if version is None:
            np.save(fp, arr)
        else:
            npformat.write_array(fp, arr, version=version)


def header_of(path):
    """(version, shape, fortran_order, dtype, data offset) as NumPy reads them."""
    with open(path, "rb") as fp:
        version = npformat.read_magic(fp)
        shape, fortran, dtype = npformat._read_array_header(fp, version)
        return version, shape, fortran, dtype, fp.tell()


def raw_header(d, data_offset_mod8=0):
    """A version 1.0 .npy prefix around the header text d, padded so the data
    starts at an offset congruent to data_offset_mod8 modulo 8."""
    text = d
    while (10 + len(text) + 1) % 8 != data_offset_mod8:
        text += " "
    text += "\n"
    return b"\x93NUMPY\x01\x00" + struct.pack("<H", len(text)) + text.encode("latin1")


def valid_bytes(arr):
    b = io.BytesIO()
    np.save(b, arr)
    return b.getvalue()


def bad_cases():
    """(name, bytes, Go error that must be wrapped, why)."""
    good = valid_bytes(base(12).reshape(3, 4))
    hdr = "{'descr': '<f8', 'fortran_order': False, 'shape': %s, }"
    cases = []
    obj = io.BytesIO()
    np.save(obj, np.array([1, "a", None], dtype=object), allow_pickle=True)
    cases.append(("object", obj.getvalue(), "ErrDtype", "object array: a pickle, never unpickled"))
    cases.append(("unicode", valid_bytes(np.array(["ab", "cde"], dtype="<U5")), "ErrDtype", "'<U5' strings"))
    cases.append(("bytes", valid_bytes(np.array([b"ab", b"cde"], dtype="|S3")), "ErrDtype", "'|S3' byte strings"))
    cases.append(("datetime", valid_bytes(np.array([0, 1], dtype="<M8[ns]")), "ErrDtype", "'<M8[ns]' datetimes"))
    cases.append(("timedelta", valid_bytes(np.array([0, 1], dtype="<m8[s]")), "ErrDtype", "'<m8[s]' timedeltas"))
    cases.append(("void", valid_bytes(np.zeros(2, dtype="V8")), "ErrDtype", "'|V8' raw bytes"))
    cases.append(("structured_mixed", valid_bytes(np.zeros(2, [("a", "<i4"), ("b", "<f8")])), "ErrDtype",
                  "structured dtype of int32 and float64"))
    cases.append(("longdouble", raw_header("{'descr': '<f16', 'fortran_order': False, 'shape': (2,), }")
                  + b"\0" * 32, "ErrDtype", "'<f16' (long double, platform-dependent)"))
    cases.append(("bool_truncated", raw_header("{'descr': '|b1', 'fortran_order': False, 'shape': (5,), }")
                  + b"\1" * 4, "ErrTruncated", "5 bools over 4 bytes"))
    cases.append(("c16_trailing", valid_bytes(np.zeros(2, "<c16")) + b"\0" * 8, "ErrSize",
                  "half a complex128 past the data"))
    cases.append(("structured", valid_bytes(np.zeros(2, [("a", "<f8"), ("b", "<f8")])), "ErrDtype",
                  "structured dtype (a list of fields)"))
    cases.append(("truncated_data", good[:-4], "ErrTruncated", "the last element is cut"))
    cases.append(("truncated_header", good[:40], "ErrTruncated", "the file ends inside the header"))
    cases.append(("trailing_bytes", good + b"\0" * 8, "ErrSize", "8 bytes past the data (np.load ignores them)"))
    cases.append(("shape_lies_bigger", raw_header(hdr % "(4, 4)") + base(12).tobytes(), "ErrTruncated",
                  "shape (4, 4) over 12 elements"))
    cases.append(("shape_lies_smaller", raw_header(hdr % "(2, 4)") + base(12).tobytes(), "ErrSize",
                  "shape (2, 4) over 12 elements"))
    cases.append(("bad_magic", b"\x93NUMPZ" + good[6:], "ErrMagic", "wrong magic"))
    cases.append(("not_npy", b"PK\x03\x04" + b"\0" * 60, "ErrMagic", "a zip (.npz), not a .npy"))
    cases.append(("version_4", good[:6] + b"\x04\x00" + good[8:], "ErrVersion", "format 4.0"))
    cases.append(("version_1_1", good[:6] + b"\x01\x01" + good[8:], "ErrVersion", "format 1.1"))
    cases.append(("negative_dim", raw_header(hdr % "(-3, 4)") + base(12).tobytes(), "ErrHeader", "negative dimension"))
    cases.append(("shape_list", raw_header(hdr % "[3, 4]") + base(12).tobytes(), "ErrHeader", "shape is a list"))
    cases.append(("fortran_int", raw_header("{'descr': '<f8', 'fortran_order': 0, 'shape': (3, 4), }")
                  + base(12).tobytes(), "ErrHeader", "fortran_order is 0, not a bool"))
    cases.append(("missing_key", raw_header("{'descr': '<f8', 'shape': (3, 4), }") + base(12).tobytes(),
                  "ErrHeader", "no fortran_order"))
    cases.append(("extra_key", raw_header("{'descr': '<f8', 'fortran_order': False, 'shape': (3, 4), 'x': 1}")
                  + base(12).tobytes(), "ErrHeader", "an unexpected key"))
    cases.append(("unterminated_dict", raw_header("{'descr': '<f8', 'fortran_order': False, 'shape': (3, 4), ")
                  + base(12).tobytes(), "ErrHeader", "no closing brace"))
    cases.append(("not_a_dict", raw_header("('<f8', False, (3, 4))") + base(12).tobytes(), "ErrHeader",
                  "a tuple, not a dict"))
    cases.append(("code_in_header", raw_header("{'descr': __import__('os').getcwd(), 'fortran_order': False, "
                                                "'shape': (3, 4), }") + base(12).tobytes(), "ErrHeader",
                  "an expression, not a literal"))
    cases.append(("header_len_past_eof", good[:8] + struct.pack("<H", 4000) + good[10:], "ErrTruncated",
                  "header length beyond the end of the file"))
    cases.append(("v2_header_len_4GiB", b"\x93NUMPY\x02\x00" + struct.pack("<I", 0xFFFFFFFF) + good[10:], "ErrHeader",
                  "a 4 GiB header length in a small file"))
    cases.append(("absurd_shape", raw_header(hdr % "(4611686018427387904, 4611686018427387904)") + base(12).tobytes(),
                  "ErrSize", "2**62 x 2**62 elements"))
    cases.append(("empty_file", b"", "ErrTruncated", "zero bytes"))
    return cases


def numpy_verdict(path):
    try:
        a = np.load(path, allow_pickle=False)
        return None, list(a.shape)
    except Exception as e:  # noqa: BLE001 - we record whatever NumPy says
        # Object addresses ("<ast.Call object at 0x7f…>") change every run.
        msg = re.sub(r" at 0x[0-9a-f]+", "", str(e).splitlines()[0][:200])
        return "%s: %s" % (type(e).__name__, msg), None


def generate():
    os.makedirs(OUT, exist_ok=True)
    os.makedirs(os.path.join(OUT, "bad"), exist_ok=True)
    cases = []
    for name, expr, version in CASES:
        arr = eval(expr)  # noqa: S307 - our own table
        path = os.path.join(OUT, name + ".npy")
        save(path, arr, version)
        back = np.load(path)
        assert np.array_equal(back, arr) and back.dtype == arr.dtype, name
        ver, shape, fortran, dtype, off = header_of(path)
        cases.append({
            "name": name, "file": name + ".npy", "note": expr,
            "version": list(ver), "dtype": dtype.str, "fortran_order": fortran,
            "shape": list(shape), "data_offset": off,
            "values": [float(v) for v in back.ravel(order="C")],
        })

    # NumPy never writes misaligned data, but reads it: data at offset 8k+4.
    arr = base(12).reshape(3, 4)
    d = "{'descr': '<f8', 'fortran_order': False, 'shape': (3, 4), }"
    path = os.path.join(OUT, "unaligned_c_f8_3x4.npy")
    with open(path, "wb") as fp:
        fp.write(raw_header(d, 4) + arr.tobytes())
    back = np.load(path)
    assert np.array_equal(back, arr)
    ver, shape, fortran, dtype, off = header_of(path)
    assert off % 8 == 4
    cases.append({
        "name": "unaligned_c_f8_3x4", "file": "unaligned_c_f8_3x4.npy",
        "note": "hand-made header: data at a byte offset of 4 mod 8",
        "version": list(ver), "dtype": dtype.str, "fortran_order": fortran,
        "shape": list(shape), "data_offset": off,
        "values": [float(v) for v in back.ravel(order="C")],
    })

    typed = []
    for name, arr in typed_cases():
        path = os.path.join(OUT, "typed", name + ".npy")
        os.makedirs(os.path.dirname(path), exist_ok=True)
        save(path, arr, None)
        back = np.load(path)
        assert back.dtype == arr.dtype and back.shape == arr.shape, name
        assert np.array_equal(back, arr, equal_nan=arr.dtype.kind in "fc"), name
        ver, shape, fortran, dtype, off = header_of(path)
        typed.append({
            "name": name, "file": "typed/" + name + ".npy", "dtype": dtype.str, "fortran_order": fortran,
            "shape": list(shape), "data_offset": off,
            "values": [json_value(v, dtype.kind) for v in back.ravel(order="C")],
        })

    # Misaligned data of every size, read and converted: data at offset
    # 64k+1 for a 2-byte type, 64k+2 for a 4-byte type, 64k+4 for 8 and 16.
    for kind in ["i2", "u2", "i4", "u4", "i8", "u8", "f2", "f4", "f8", "c8", "c16"]:
        for bo in "<>":
            dt = np.dtype(bo + kind)
            arr = np.array(DTYPES[kind][:6], dtype=dt).reshape(2, 3)
            name = "t_unaligned_%s%s" % ({"<": "le", ">": "be"}[bo], kind)
            d = "{'descr': '%s', 'fortran_order': False, 'shape': (2, 3), }" % dt.str
            path = os.path.join(OUT, "typed", name + ".npy")
            with open(path, "wb") as fp:
                fp.write(raw_header(d, (dt.itemsize // 2 if dt.kind != "c" else dt.itemsize // 4) % 8) + arr.tobytes())
            back = np.load(path)
            ver, shape, fortran, dtype, off = header_of(path)
            assert off % (dt.itemsize if dt.kind != "c" else dt.itemsize // 2) != 0, name
            typed.append({
                "name": name, "file": "typed/" + name + ".npy", "dtype": dtype.str, "fortran_order": fortran,
                "shape": list(shape), "data_offset": off,
                "values": [json_value(v, dtype.kind) for v in back.ravel(order="C")],
            })

    # Bools stored as bytes other than 0 and 1: NumPy reads any nonzero
    # byte as True (np.load gives a bool array whose == True holds).
    path = os.path.join(OUT, "typed", "t_bool_bytes.npy")
    with open(path, "wb") as fp:
        fp.write(raw_header("{'descr': '|b1', 'fortran_order': False, 'shape': (6,), }") + bytes([0, 1, 2, 255, 0, 128]))
    back = np.load(path)
    ver, shape, fortran, dtype, off = header_of(path)
    typed.append({
        "name": "t_bool_bytes", "file": "typed/t_bool_bytes.npy", "dtype": dtype.str, "fortran_order": fortran,
        "shape": list(shape), "data_offset": off,
        "values": [1 if bool(v == True) else 0 for v in back.ravel(order="C")],  # noqa: E712
    })

    bad = []
    for name, data, want, why in bad_cases():
        path = os.path.join(OUT, "bad", name + ".npy")
        with open(path, "wb") as fp:
            fp.write(data)
        err, shape = numpy_verdict(path)
        bad.append({"name": name, "file": "bad/" + name + ".npy", "want": want, "why": why,
                    "numpy_error": err, "numpy_shape": shape})

    with open(os.path.join(OUT, "npy.json"), "w") as fp:
        json.dump({"numpy_version": np.__version__, "cases": cases, "typed": typed, "bad": bad}, fp, indent=1)
        fp.write("\n")
    float16_table()


def float16_table():
    """NumPy's float16 -> float32 conversion of all 65536 bit patterns, for
    internal/half: the SHA-256 of the float32 bits (little-endian) and some
    special values by name."""
    bits = np.arange(1 << 16, dtype=np.uint16)
    f32 = bits.view(np.float16).astype(np.float32)
    special = []
    for name, b in [("+0", 0x0000), ("-0", 0x8000), ("1", 0x3C00), ("-2", 0xC000), ("max 65504", 0x7BFF),
                    ("min normal 2**-14", 0x0400), ("min subnormal 2**-24", 0x0001),
                    ("max subnormal", 0x03FF), ("-min subnormal", 0x8001), ("+inf", 0x7C00), ("-inf", 0xFC00),
                    ("quiet nan", 0x7E00), ("-quiet nan", 0xFE00), ("nan payload 0x155", 0x7F55),
                    ("1/3", 0x3555)]:
        special.append({"name": name, "bits": b, "float32_bits": int(f32[b:b + 1].view(np.uint32)[0])})
    with open(os.path.join(OUT, "float16_table.json"), "w") as fp:
        json.dump({"numpy_version": np.__version__,
                   "sha256": hashlib.sha256(f32.astype("<f4").tobytes()).hexdigest(),
                   "special": special}, fp, indent=1)
        fp.write("\n")


def fromgo_expected(c):
    """The array a fromgo case describes, rebuilt independently of the file:
    from the flat buffer with as_strided (Write, WriteArray), or from the
    data with reshape in the stated order (WriteData)."""
    dt = np.dtype(c["dtype"])
    if dt.kind == "c":
        buf = np.array([complex(re, im) for re, im in c["base"]], dtype=dt)
    elif dt.kind == "f" and dt.itemsize == 2:
        buf = np.array(c["base"], dtype=np.uint16).view(dt)
    else:
        buf = np.array(c["base"], dtype=dt)
    shape = tuple(c["shape"])
    if c.get("order"):
        return buf.reshape(shape, order=c["order"])
    strides = tuple(s * dt.itemsize for s in c.get("strides", []))
    return as_strided(buf[c["offset"]:], shape=shape, strides=strides)


def same_array(got, want):
    """Equal shape, dtype and bytes in C order: NaN payloads and -0 count."""
    return bool(got.shape == want.shape and got.dtype == want.dtype
                and np.ascontiguousarray(got).tobytes() == np.ascontiguousarray(want).tobytes())


def check_fromgo():
    with open(os.path.join(FROMGO, "cases.json")) as fp:
        cases = json.load(fp)["cases"]
    results = []
    for c in cases:
        path = os.path.join(FROMGO, c["file"])
        with open(path, "rb") as fp:
            raw = fp.read()
        want = fromgo_expected(c)
        r = {"name": c["name"], "sha256": hashlib.sha256(raw).hexdigest()}
        try:
            got = np.load(path, allow_pickle=False)
            mm = np.load(path, mmap_mode="r", allow_pickle=False)
            _, _, fortran, _, off = header_of(path)
            r.update({
                "equal": same_array(got, want),
                "mmap_equal": same_array(np.asarray(mm), want),
                "shape": list(got.shape), "dtype": got.dtype.str, "fortran_order": fortran,
                "data_offset": off, "error": None,
            })
        except Exception as e:  # noqa: BLE001
            r.update({"equal": False, "mmap_equal": False, "error": "%s: %s" % (type(e).__name__, e)})
        results.append(r)
        print("%-32s %s" % (c["name"], "ok" if r["equal"] and r["mmap_equal"] else "DIFFERS " + str(r.get("error"))))
    with open(os.path.join(FROMGO, "numpy.json"), "w") as fp:
        json.dump({"numpy_version": np.__version__, "results": results}, fp, indent=1)
        fp.write("\n")


if __name__ == "__main__":
    if sys.argv[1:] == ["--check-fromgo"]:
        check_fromgo()
    elif sys.argv[1:] == []:
        generate()
    else:
        sys.exit("usage: gen_npy.py [--check-fromgo]")
