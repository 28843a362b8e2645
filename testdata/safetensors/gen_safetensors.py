#!/usr/bin/env python3
"""Generate safetensors fixtures for adapter/safetensors, and check the files
strider writes.

Two modes, both run from the repo root with Debian's python3-numpy (the
safetensors Python package is not used: the writer and the reader below are
written from the format's specification, independently of the Go code):

    python3 testdata/safetensors/gen_safetensors.py                # 1: Python writes, Go reads
    python3 testdata/safetensors/gen_safetensors.py --check-fromgo # 2: Go writes, Python reads

Mode 1 writes good files under good/ (every dtype, ranks 0-4, metadata,
empty tensors, a header without tensors, misaligned tensors, whitespace
padding) and records in safetensors.json, for each tensor, its dtype, shape,
data offsets, and its values in C order as float64 and as float32 (NumPy's
astype), or the error the Go side must return for it. It writes malformed
files under bad/, one defect each, with the error the Go side must wrap,
and checks that this script's own reader rejects each for the same reason.

Mode 2 reads fromgo/cases.json, which the Go test writes with

    go test ./adapter/safetensors -run TestFromGo -update

next to the files strider's Write produced. Each case gives, per tensor,
the flat buffer, shape, element strides and offset of the array strider
wrote; this script rebuilds that array with as_strided, reads strider's file
with its own reader, and records in fromgo/python.json whether they are
equal, with the file's SHA-256, so `go test` can check it without Python.

Output is deterministic. If `python3` on PATH lacks numpy (e.g. a pyenv
shim), the script re-executes itself with /usr/bin/python3.
"""
import hashlib
import json
import math
import os
import struct
import sys

try:
    import numpy as np
except ImportError:  # pragma: no cover - environment fallback
    if os.path.exists("/usr/bin/python3") and sys.executable != "/usr/bin/python3":
        os.execv("/usr/bin/python3", ["/usr/bin/python3"] + sys.argv)
    raise
from numpy.lib.stride_tricks import as_strided

HERE = os.path.dirname(os.path.abspath(__file__))
GOOD = os.path.join(HERE, "good")
BAD = os.path.join(HERE, "bad")
FROMGO = os.path.join(HERE, "fromgo")

# dtype -> (NumPy dtype of the stored bytes, item size). BF16 is stored as
# the top 16 bits of a float32; the 8-bit floats as raw bytes.
DTYPES = {
    "F64": ("<f8", 8), "F32": ("<f4", 4), "F16": ("<f2", 2), "BF16": ("<u2", 2),
    "I64": ("<i8", 8), "I32": ("<i4", 4), "I16": ("<i2", 2), "I8": ("i1", 1),
    "U64": ("<u8", 8), "U32": ("<u4", 4), "U16": ("<u2", 2), "U8": ("u1", 1),
    "BOOL": ("?", 1), "F8_E4M3": ("u1", 1), "F8_E5M2": ("u1", 1),
}
MAX_HEADER = 100_000_000


# ---------------------------------------------------------------- writer

def tobytes(dtype, arr):
    """The little-endian bytes of arr stored as dtype, in C order."""
    if dtype == "BF16":
        bits = np.ascontiguousarray(arr, dtype="<f4").view("<u4")
        assert np.all(bits & 0xFFFF == 0), "value not exact in bfloat16"
        return (bits >> 16).astype("<u2").tobytes()
    return np.ascontiguousarray(arr, dtype=DTYPES[dtype][0]).tobytes()


def header_bytes(obj, pad=b" "):
    """The JSON of obj, keys in insertion order, padded to a multiple of 8."""
    hb = json.dumps(obj, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    if pad:
        hb += (pad * 8)[: (8 - len(hb) % 8) % 8]
    return hb


def assemble(hb, buf):
    return struct.pack("<Q", len(hb)) + hb + buf


def build(tensors, metadata=None, pad=b" "):
    """A file of tensors [(name, dtype, array)] laid out in list order."""
    obj = {}
    if metadata is not None:
        obj["__metadata__"] = metadata
    buf = b""
    for name, dtype, arr in tensors:
        b = tobytes(dtype, arr)
        obj[name] = {"dtype": dtype, "shape": list(np.shape(arr)), "data_offsets": [len(buf), len(buf) + len(b)]}
        buf += b
    return assemble(header_bytes(obj, pad), buf)


# ---------------------------------------------------------------- reader

class Reject(Exception):
    """A file the format forbids; kind is the Go error it must map to."""

    def __init__(self, kind, why):
        super().__init__("%s: %s" % (kind, why))
        self.kind = kind


def _no_dups(pairs):
    d = {}
    for k, v in pairs:
        if k in d:
            raise Reject("ErrHeader", "key %r repeated" % k)
        d[k] = v
    return d


def _uint(v, what, too_big):
    if not isinstance(v, int) or isinstance(v, bool):
        raise Reject("ErrHeader", "%s holds %r, not an integer" % (what, v))
    if v < 0:
        raise Reject("ErrHeader", "%s holds %r < 0" % (what, v))
    if v >= 2**63:
        raise Reject(too_big, "%s holds %r, too large" % (what, v))
    return v


def read(raw):
    """Parse a whole file per the spec: returns ({name: array}, metadata).

    Arrays are float-valued NumPy arrays for the numeric dtypes (BF16
    widened to float32), raw uint8 for the 8-bit floats."""
    if len(raw) < 8:
        raise Reject("ErrTruncated", "no room for the size")
    (n,) = struct.unpack("<Q", raw[:8])
    if n < 2 or n > MAX_HEADER:
        raise Reject("ErrHeader", "header size %d" % n)
    if 8 + n > len(raw):
        raise Reject("ErrTruncated", "header size %d past the end" % n)
    hb = raw[8:8 + n]
    if hb[:1] != b"{":
        raise Reject("ErrHeader", "does not start with {")
    try:
        text = hb.decode("utf-8")
    except UnicodeDecodeError as e:
        raise Reject("ErrHeader", str(e))
    try:
        obj = json.loads(text, object_pairs_hook=_no_dups,
                         parse_constant=lambda c: (_ for _ in ()).throw(Reject("ErrHeader", c)))
    except Reject:
        raise
    except (ValueError, RecursionError) as e:
        raise Reject("ErrHeader", "not JSON: %s" % e)
    if not isinstance(obj, dict):
        raise Reject("ErrHeader", "not an object")
    meta = obj.pop("__metadata__", None)
    if meta is not None:
        if not isinstance(meta, dict) or not all(isinstance(v, str) for v in meta.values()):
            raise Reject("ErrHeader", "__metadata__ is not an object of strings")
    bufstart = 8 + n
    buflen = len(raw) - bufstart
    infos = {}
    for name in sorted(obj):
        info = obj[name]
        if not isinstance(info, dict) or set(info) != {"dtype", "shape", "data_offsets"}:
            raise Reject("ErrHeader", "%s: keys %r" % (name, info))
        dt, shape, offs = info["dtype"], info["shape"], info["data_offsets"]
        if not isinstance(dt, str) or not isinstance(shape, list) or not isinstance(offs, list) or len(offs) != 2:
            raise Reject("ErrHeader", "%s: bad value kinds" % name)
        shape = [_uint(d, "shape", "ErrSize") for d in shape]
        offs = [_uint(o, "data_offsets", "ErrOffsets") for o in offs]
        if dt not in DTYPES:
            raise Reject("ErrDtype", "%s: dtype %r" % (name, dt))
        size = DTYPES[dt][1]
        nelem = math.prod(shape)
        if size * nelem >= 2**63 or size * math.prod(max(d, 1) for d in shape) >= 2**63:
            raise Reject("ErrSize", "%s: shape %r overflows" % (name, shape))
        b, e = offs
        if b > e or e > buflen:
            raise Reject("ErrOffsets", "%s: offsets %r in %d bytes" % (name, offs, buflen))
        if e - b != size * nelem:
            raise Reject("ErrSize", "%s: %d bytes for shape %r" % (name, e - b, shape))
        infos[name] = (dt, shape, b, e)
    at = 0
    for b, e in sorted((v[2], v[3]) for v in infos.values()):
        if b > at:
            raise Reject("ErrHole", "gap [%d, %d)" % (at, b))
        if b < at:
            raise Reject("ErrOverlap", "[%d, %d) before %d" % (b, e, at))
        at = e
    if at != buflen:
        raise Reject("ErrHole", "trailing [%d, %d)" % (at, buflen))
    out = {}
    for name, (dt, shape, b, e) in infos.items():
        data = raw[bufstart + b: bufstart + e]
        if dt == "BF16":
            a = (np.frombuffer(data, "<u2").astype("<u4") << 16).view("<f4")
        else:
            a = np.frombuffer(data, DTYPES[dt][0])
        out[name] = (dt, a.reshape(shape))
    return out, meta


# ---------------------------------------------------------------- mode 1

def enc(x):
    """A float for JSON: non-finite values as strings Go's reader parses."""
    x = float(x)
    if math.isnan(x):
        return "NaN"
    if math.isinf(x):
        return "+Inf" if x > 0 else "-Inf"
    return x


def expect(dt, a):
    if dt in ("F8_E4M3", "F8_E5M2"):
        return {"error": "ErrDtype"}
    flat = np.asarray(a).reshape(-1)
    if dt in ("I64", "U64"):  # exact integers -> nearest float, as the spec of Convert says
        f64 = [enc(float(int(v))) for v in flat]
    else:
        f64 = [enc(v) for v in flat.astype(np.float64)]
    return {"f64": f64, "f32": [enc(v) for v in flat.astype(np.float32)]}


def base(n, dt="<f8"):
    return (1000.0 + np.arange(n, dtype=np.float64) + 0.25).astype(dt)


def good_cases():
    inf, nan = float("inf"), float("nan")
    every = [  # largest items first: all aligned
        ("f64", "F64", np.array([[1.5, -2.25, 1e300], [-0.0, inf, 5e-324]])),
        ("i64", "I64", np.array([[-2**63, 2**63 - 1], [2**53 + 1, -5]], dtype="<i8")),
        ("u64", "U64", np.array([2**64 - 1, 0, 2**53 + 1], dtype="<u8")),
        ("f32", "F32", np.array([1.5, -3.4028235e38, 1.4e-45, nan], dtype="<f4")),
        ("i32", "I32", np.array([-2**31, 2**31 - 1, 16777217, 0], dtype="<i4")),
        ("u32", "U32", np.array([[2**32 - 1], [7]], dtype="<u4")),
        ("f16", "F16", np.array([[0.0, -0.0, 1.0], [-2.0, 65504.0, 2.0**-24], [2.0**-14, -inf, nan]], dtype="<f2")),
        ("bf16", "BF16", np.array([1.0, -2.5, 3.3895314e38, 2.0**-133, -inf], dtype="<f4")),
        ("i16", "I16", np.array([-32768, 32767, -1], dtype="<i2")),
        ("u16", "U16", np.array([65535, 1], dtype="<u2")),
        ("i8", "I8", np.array([-128, 127, 0, 5], dtype="i1")),
        ("u8", "U8", np.array([255, 0, 17], dtype="u1")),
        ("bool", "BOOL", np.array([[True, False], [False, True]])),
        ("f8_e4m3", "F8_E4M3", np.array([0x38, 0x40], dtype="u1")),
        ("f8_e5m2", "F8_E5M2", np.array([0x3c], dtype="u1")),
    ]
    ranks = []
    for dt, npdt in (("F64", "<f8"), ("F32", "<f4")):
        for shape in [(), (5,), (2, 3), (2, 3, 4), (2, 1, 3, 2)]:
            n = int(np.prod(shape))
            ranks.append(("%s_r%d" % (dt.lower(), len(shape)), dt, base(n, npdt).reshape(shape)))
    empty = [
        ("e_f32", "F32", np.zeros((2, 0, 3), "<f4")),
        ("e_f64", "F64", np.zeros((0,), "<f8")),
        ("full", "F64", base(2)),
        ("e_i32", "I32", np.zeros((0, 4), "<i4")),
    ]
    order = [("b", "F64", base(1)), ("c", "F64", base(2)), ("a", "F32", base(2, "<f4"))]
    return [
        ("dtypes", build(every, {"format": "pt", "note": "ünïcødé ✓ <&> \"q\""})),
        ("ranks", build(ranks)),
        ("empty", build(empty)),
        ("no_tensors", build([])),
        ("meta_only", build([], {"k": "v"})),
        ("meta_null", assemble(b'{"__metadata__":null,"x":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}    ',
                               tobytes("F32", np.array([7.5], "<f4")))),
        ("data_order", build(order)),
        # 8+N is odd: every F64 and F32 tensor is misaligned in the mapping.
        ("unpadded", build([("m64", "F64", base(4).reshape(2, 2)), ("m32", "F32", base(3, "<f4"))], pad=b"")),
        # aligned header, then a 1-byte tensor pushes the F32 off alignment.
        ("misaligned_f32", build([("a64", "F64", base(1)), ("u", "U8", np.array([9], "u1")),
                                  ("m32", "F32", base(2, "<f4"))])),
        ("ws_padding", build([("x", "F32", base(3, "<f4"))], pad=b"\n\t\r ")),
        ("big_header", build([("t", "F64", base(3))], {"key%04d" % k: "v" * 40 for k in range(80)})),
    ]


def info(dt, shape, b, e):
    return {"dtype": dt, "shape": shape, "data_offsets": [b, e]}


def raw_json(text, buf=b"", pad=True):
    hb = text.encode("utf-8") if isinstance(text, str) else text
    if pad:
        hb += b" " * ((8 - len(hb) % 8) % 8)
    return assemble(hb, buf)


def bad_cases():
    f32x2 = tobytes("F32", base(2, "<f4"))
    j = lambda obj, buf=b"": raw_json(json.dumps(obj, separators=(",", ":")), buf)
    one = lambda **kw: j({"a": dict(info("F32", [2], 0, 8), **kw)}, f32x2)
    return [
        ("short", "ErrTruncated", b"\x10\x00\x00", "5 bytes"),
        ("n_past_eof", "ErrTruncated", struct.pack("<Q", 1000) + b"{}", "N past the end of the file"),
        ("n_huge", "ErrHeader", struct.pack("<Q", 2**64 - 1) + b"{}      ", "N = 2^64-1"),
        ("n_too_large", "ErrHeader", struct.pack("<Q", MAX_HEADER + 1) + b"{}      ", "N > 100 MB"),
        ("n_zero", "ErrHeader", struct.pack("<Q", 0) + b"{}", "N = 0"),
        ("n_one", "ErrHeader", struct.pack("<Q", 1) + b"{", "N = 1"),
        ("not_json", "ErrHeader", raw_json("{not json}"), "not JSON"),
        ("not_object", "ErrHeader", raw_json("[1,2]"), "an array"),
        ("leading_space", "ErrHeader", raw_json(" {}"), "space before {"),
        ("bad_utf8", "ErrHeader", raw_json(b'{"__metadata__":{"k":"\xff"}}'), "invalid UTF-8"),
        ("two_objects", "ErrHeader", raw_json("{}{}"), "two JSON values"),
        ("trailing_text", "ErrHeader", raw_json("{} x"), "text after the object"),
        ("nul_padding", "ErrHeader", struct.pack("<Q", 8) + b"{}\0\0\0\0\0\0", "NUL padding"),
        ("truncated_json", "ErrHeader", raw_json('{"a":{"dtype":"F32"'), "JSON ends early"),
        ("trailing_comma", "ErrHeader", raw_json('{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},}', f32x2), "trailing comma"),
        ("missing_dtype", "ErrHeader", j({"a": {"shape": [2], "data_offsets": [0, 8]}}, f32x2), "no dtype"),
        ("missing_shape", "ErrHeader", j({"a": {"dtype": "F32", "data_offsets": [0, 8]}}, f32x2), "no shape"),
        ("missing_offsets", "ErrHeader", j({"a": {"dtype": "F32", "shape": [2]}}, f32x2), "no data_offsets"),
        ("extra_key", "ErrHeader", one(extra=1), "unknown key"),
        ("tensor_not_object", "ErrHeader", j({"a": [1]}), "entry is an array"),
        ("dtype_number", "ErrHeader", one(dtype=4), "dtype is a number"),
        ("shape_float", "ErrHeader", raw_json('{"a":{"dtype":"F32","shape":[2.0],"data_offsets":[0,8]}}', f32x2), "dimension 2.0"),
        ("shape_exp", "ErrHeader", raw_json('{"a":{"dtype":"F32","shape":[2e0],"data_offsets":[0,8]}}', f32x2), "dimension 2e0"),
        ("shape_string", "ErrHeader", one(shape=["2"]), "dimension is a string"),
        ("shape_not_array", "ErrHeader", one(shape=2), "shape is a number"),
        ("dim_negative", "ErrHeader", one(shape=[-2]), "negative dimension"),
        ("offsets_three", "ErrHeader", one(data_offsets=[0, 8, 8]), "three offsets"),
        ("offsets_negative", "ErrHeader", one(data_offsets=[-8, 0]), "negative offset"),
        ("dim_huge", "ErrSize", one(shape=[2**70]), "dimension past 2^63"),
        ("shape_overflow", "ErrSize", one(shape=[2**40, 2**40]), "product overflows"),
        ("shape_overflow_empty", "ErrSize", j({"a": info("F32", [0, 2**62, 2**62], 0, 0)}), "empty, but strides overflow"),
        ("offset_huge", "ErrOffsets", one(data_offsets=[0, 2**70]), "offset past 2^63"),
        ("bad_dtype", "ErrDtype", one(dtype="F128"), "unknown dtype"),
        ("lowercase_dtype", "ErrDtype", one(dtype="f32"), "dtype names are upper case"),
        ("size_mismatch", "ErrSize", j({"a": info("F32", [2, 3], 0, 20)}, b"\0" * 20), "24 bytes described, 20 given"),
        ("begin_after_end", "ErrOffsets", j({"a": info("F32", [0], 8, 0)}, b"\0" * 8), "begin > end"),
        ("end_past_buffer", "ErrOffsets", j({"a": info("F32", [2], 0, 8)}, b"\0" * 4), "end past the buffer"),
        ("overlap", "ErrOverlap", j({"a": info("F32", [4], 0, 16), "b": info("F32", [4], 8, 24)}, b"\0" * 24), "overlapping tensors"),
        ("same_offsets", "ErrOverlap", j({"a": info("F64", [1], 0, 8), "b": info("F64", [1], 0, 8)}, b"\0" * 8), "two tensors, one place"),
        ("hole_middle", "ErrHole", j({"a": info("F64", [1], 0, 8), "b": info("F64", [1], 16, 24)}, b"\0" * 24), "gap between tensors"),
        ("hole_start", "ErrHole", j({"a": info("F64", [1], 8, 16)}, b"\0" * 16), "gap before the first tensor"),
        ("trailing_bytes", "ErrHole", j({"a": info("F64", [1], 0, 8)}, b"\0" * 12), "bytes after the last tensor"),
        ("no_tensors_trailing", "ErrHole", raw_json("{}", b"\0" * 4), "bytes and no tensors"),
        ("duplicate_name", "ErrHeader", raw_json('{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},'
                                                  '"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}', f32x2), "name twice"),
        ("duplicate_key", "ErrHeader", raw_json('{"a":{"dtype":"F32","dtype":"F32","shape":[2],"data_offsets":[0,8]}}', f32x2), "dtype twice"),
        ("duplicate_metadata", "ErrHeader", raw_json('{"__metadata__":{},"__metadata__":{}}'), "__metadata__ twice"),
        ("duplicate_metadata_key", "ErrHeader", raw_json('{"__metadata__":{"k":"1","k":"2"}}'), "metadata key twice"),
        ("metadata_not_object", "ErrHeader", raw_json('{"__metadata__":"x"}'), "metadata is a string"),
        ("metadata_value_number", "ErrHeader", raw_json('{"__metadata__":{"k":1}}'), "metadata value is a number"),
        ("metadata_tensor", "ErrHeader", j({"__metadata__": info("F32", [2], 0, 8)}, f32x2), "a tensor named __metadata__"),
        ("deep_nesting", "ErrHeader", raw_json('{"__metadata__":{"k":' + "[" * 600 + "]" * 600 + "}}"), "deeply nested value"),
        ("nan_literal", "ErrHeader", raw_json('{"a":{"dtype":"F32","shape":[NaN],"data_offsets":[0,8]}}', f32x2), "NaN is not JSON"),
    ]


def generate():
    for d in (GOOD, BAD):
        os.makedirs(d, exist_ok=True)
    good = []
    for name, raw in good_cases():
        path = os.path.join(GOOD, name + ".safetensors")
        with open(path, "wb") as fp:
            fp.write(raw)
        tensors, meta = read(raw)  # our own reader must accept it
        (n,) = struct.unpack("<Q", raw[:8])
        hdr = json.loads(raw[8:8 + n])
        hdr.pop("__metadata__", None)
        ts = []
        for tname in sorted(tensors):
            dt, a = tensors[tname]
            b, e = hdr[tname]["data_offsets"]
            item = DTYPES[dt][1]
            t = {"name": tname, "dtype": dt, "shape": list(a.shape), "data_offsets": [b, e],
                 "aligned": (8 + n + b) % item == 0}
            t.update(expect(dt, a))
            ts.append(t)
        good.append({"name": name, "file": "good/" + name + ".safetensors", "header_size": n,
                     "metadata": meta, "tensors": ts})
    bad = []
    for name, want, raw, why in bad_cases():
        with open(os.path.join(BAD, name + ".safetensors"), "wb") as fp:
            fp.write(raw)
        try:
            read(raw)
            got = None
        except Reject as e:
            got = e.kind
            msg = str(e)
        if got != want:
            sys.exit("%s: this script's reader says %r, want %s" % (name, got, want))
        bad.append({"name": name, "file": "bad/" + name + ".safetensors", "want": want, "why": why,
                    "python_error": msg[:200]})
    with open(os.path.join(HERE, "safetensors.json"), "w") as fp:
        json.dump({"numpy_version": np.__version__, "good": good, "bad": bad}, fp, indent=1, ensure_ascii=False)
        fp.write("\n")


# ---------------------------------------------------------------- mode 2

def check_fromgo():
    with open(os.path.join(FROMGO, "cases.json")) as fp:
        cases = json.load(fp)["cases"]
    results = []
    for c in cases:
        path = os.path.join(FROMGO, c["file"])
        with open(path, "rb") as fp:
            raw = fp.read()
        r = {"name": c["name"], "sha256": hashlib.sha256(raw).hexdigest(), "equal": False, "error": None}
        try:
            tensors, meta = read(raw)
            ok = sorted(tensors) == sorted(t["name"] for t in c["tensors"]) and (meta or {}) == (c["metadata"] or {})
            for t in c["tensors"]:
                dt = "<f8" if t["dtype"] == "F64" else "<f4"
                buf = np.array(t["base"], dtype=dt)
                item = buf.itemsize
                if buf.size == 0:
                    want = np.zeros(t["shape"], dt)
                else:
                    want = as_strided(buf[t["offset"]:], shape=t["shape"], strides=[s * item for s in t["strides"]])
                gdt, got = tensors[t["name"]]
                ok = ok and gdt == t["dtype"] and got.shape == want.shape and np.array_equal(got, want)
            (n,) = struct.unpack("<Q", raw[:8])
            ok = ok and n % 8 == 0 and raw[8 + n - 1:8 + n] in (b" ", b"}")
            r["equal"] = bool(ok)
        except Exception as e:  # noqa: BLE001
            r["error"] = "%s: %s" % (type(e).__name__, e)
        results.append(r)
        print("%-24s %s" % (c["name"], "ok" if r["equal"] else "DIFFERS " + str(r["error"])))
    with open(os.path.join(FROMGO, "python.json"), "w") as fp:
        json.dump({"numpy_version": np.__version__, "results": results}, fp, indent=1)
        fp.write("\n")


if __name__ == "__main__":
    if sys.argv[1:] == ["--check-fromgo"]:
        check_fromgo()
    elif sys.argv[1:] == []:
        generate()
    else:
        sys.exit("usage: gen_safetensors.py [--check-fromgo]")
