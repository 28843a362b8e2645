#!/usr/bin/env python3
"""Generate .npz fixtures for adapter/npy, and check the archives strider writes.

Two modes, both run from the repo root with Debian's python3-numpy:

    python3 testdata/gen_npz.py                # 1: NumPy writes, Go reads
    python3 testdata/gen_npz.py --check-fromgo # 2: Go writes, NumPy reads

Mode 1 writes archives under testdata/npz/ with np.savez and
np.savez_compressed: members of ranks 0 to 4 in C and Fortran order,
float64 and float32 (little- and big-endian), empty arrays, the other
dtypes np.load reads (bool, int8..int64, uint8..uint64, float16, complex64,
complex128), positional (arr_0, arr_1, ...) and keyword names, empty
archives, and an archive holding a member that is not a .npy file. It
records in testdata/npz/npz.json, for each archive, the names np.load lists
and, for each member, what NumPy reads: dtype.str, shape, fortran_order from
the header, the values in C order (integers exact, complex numbers as
[real, imag]), and for a stored member the offset of its first element in
the archive file (null for a deflated one), which decides whether strider
can use it in place. It also writes archives strider must reject under
testdata/npz/bad/, built byte by byte with struct (or with zipfile where it
writes what is wanted), each with the stage that must fail (OpenArchive, or
Open of one member), the Go error that must be wrapped, and what np.load
says about it.

Mode 2 reads testdata/npz/fromgo/cases.json, which the Go test writes with

    go test ./adapter/npy -run TestArchiveFromGo -update

next to the .npz archives strider's ArchiveWriter produced (stored and
deflated). Each case lists the members in order with the array each holds.
This script np.load()s every archive, compares the names and every array
(dtype, shape, values) with the description, and records in
testdata/npz/fromgo/numpy.json whether they are equal, with the archive's
SHA-256 and each member's data offset in the archive, so `go test` can
check "archives strider writes load in NumPy to the same arrays" without
Python.

The zip timestamps np.savez writes are the time of the call; the script
fixes the clock at 1980-01-01 12:00 UTC so output is deterministic. If
`python3` on PATH lacks numpy (e.g. a pyenv shim), the script re-executes
itself with /usr/bin/python3.
"""
import hashlib
import io
import json
import os
import struct
import sys
import time
import zipfile
import zlib

try:
    import numpy as np
except ImportError:  # pragma: no cover - environment fallback
    if os.path.exists("/usr/bin/python3") and sys.executable != "/usr/bin/python3":
        os.execv("/usr/bin/python3", ["/usr/bin/python3"] + sys.argv)
    raise
from numpy.lib import format as npformat

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "npz")
BAD = os.path.join(OUT, "bad")
FROMGO = os.path.join(OUT, "fromgo")

os.environ["TZ"] = "UTC"
time.tzset()
time.time = lambda: 315576000.0  # 1980-01-01 12:00:00 UTC: zipfile's timestamps


def base(n, dtype="<f8"):
    """A fresh contiguous 1-D buffer of n distinct non-zero values."""
    return (1000.0 + np.arange(n, dtype=np.float64) + 0.25).astype(dtype)


def ints(n, dtype):
    """n distinct integers of dtype, reaching both ends of its range."""
    info = np.iinfo(dtype)
    vals = [info.min + k if k % 2 == 0 else info.max - k for k in range(n)]
    return np.array(vals, dtype=dtype)


F = np.asfortranarray

# (member name, array). Floats first: every float member of the "floats"
# archives below.
FLOATS = [
    ("scalar_f8", base(1).reshape(())),
    ("vec_f8_5", base(5)),
    ("c_f8_3x4", base(12).reshape(3, 4)),
    ("f_f8_3x4", F(base(12).reshape(3, 4))),
    ("c_f4_3x4", base(12, "<f4").reshape(3, 4)),
    ("f_f4_3x4", F(base(12, "<f4").reshape(3, 4))),
    ("c_f8be_3x4", base(12, ">f8").reshape(3, 4)),
    ("f_f4be_3x2", F(base(6, ">f4").reshape(3, 2))),
    ("c_f8_2x3x4", base(24).reshape(2, 3, 4)),
    ("f_f8_2x3x4", base(24).reshape((2, 3, 4), order="F")),
    ("c_f4_2x3x2x2", base(24, "<f4").reshape(2, 3, 2, 2)),
    ("f_f8_2x3x2x2", base(24).reshape((2, 3, 2, 2), order="F")),
    ("c_f8_0x3", np.zeros((0, 3))),
    ("f_f8_24x16", F(base(24 * 16).reshape(24, 16))),
]

DTYPES = [
    ("bool_2x3", (np.arange(6) % 3 == 0).reshape(2, 3)),
    ("i1_2x3", ints(6, "<i1").reshape(2, 3)),
    ("i2_2x3", ints(6, "<i2").reshape(2, 3)),
    ("i4_f_2x3", F(ints(6, "<i4").reshape(2, 3))),
    ("i4be_2x3", ints(6, ">i4").reshape(2, 3)),
    ("i8_2x3", ints(6, "<i8").reshape(2, 3)),
    ("u1_2x3", ints(6, "<u1").reshape(2, 3)),
    ("u2_2x3", ints(6, "<u2").reshape(2, 3)),
    ("u4_2x3", ints(6, "<u4").reshape(2, 3)),
    ("u8_f_2x3", F(ints(6, "<u8").reshape(2, 3))),
    ("f2_2x3", (np.arange(6) * 0.25 + 1).astype("<f2").reshape(2, 3)),
    ("c8_2x3", (base(6, "<f4") + 1j * base(6, "<f4")[::-1]).astype("<c8").reshape(2, 3)),
    ("c16_f_2x3", F((base(6) - 1j * base(6)[::-1]).reshape(2, 3))),
    ("c16_0d", np.array(1.5 - 2.5j)),
]


def value(v):
    """A NumPy scalar as JSON: exact integers, [re, im] for complex."""
    if isinstance(v, (np.bool_, bool)):
        return bool(v)
    if isinstance(v, np.integer):
        return int(v)
    if isinstance(v, np.complexfloating):
        return [float(v.real), float(v.imag)]
    return float(v)


def members_of(path):
    """Describe every member of the archive at path, reading each .npy."""
    out, ignored = [], []
    with open(path, "rb") as fp:
        raw = fp.read()
    with zipfile.ZipFile(path) as zf:
        for zi in zf.infolist():
            if not zi.filename.endswith(".npy"):
                ignored.append(zi.filename)
                continue
            # The local header: its extra field decides where the data starts.
            sig, = struct.unpack_from("<I", raw, zi.header_offset)
            assert sig == 0x04034B50
            nlen, elen = struct.unpack_from("<HH", raw, zi.header_offset + 26)
            start = zi.header_offset + 30 + nlen + elen
            with zf.open(zi) as m:
                version = npformat.read_magic(m)
                shape, fortran, dtype = npformat._read_array_header(m, version)
                hlen = m.tell()
            arr = np.load(path)[zi.filename[:-4]]
            assert arr.dtype == dtype and arr.shape == shape
            out.append({
                "name": zi.filename[:-4], "dtype": dtype.str, "shape": list(shape), "fortran_order": fortran,
                "compressed": zi.compress_type != zipfile.ZIP_STORED,
                "data_offset": start + hlen if zi.compress_type == zipfile.ZIP_STORED else None,
                "values": [value(v) for v in arr.ravel(order="C")],
            })
    return out, ignored


def good_archives():
    """(file, note, function writing the archive to a path)."""
    floats = dict(FLOATS)
    dtypes = dict(DTYPES)

    def with_text(path):
        np.savez(path, a=base(4), b=F(base(6).reshape(2, 3)))
        with zipfile.ZipFile(path, "a") as zf:
            zf.writestr("readme.txt", "not an array\n")
            zf.writestr("dir/", "")

    return [
        ("savez_keywords.npz", "np.savez(path, **floats)", lambda p: np.savez(p, **floats)),
        ("savez_positional.npz", "np.savez(path, *floats.values())", lambda p: np.savez(p, *floats.values())),
        ("savez_compressed_keywords.npz", "np.savez_compressed(path, **floats)",
         lambda p: np.savez_compressed(p, **floats)),
        ("savez_compressed_positional.npz", "np.savez_compressed(path, *floats.values())",
         lambda p: np.savez_compressed(p, *floats.values())),
        ("savez_dtypes.npz", "np.savez(path, **dtypes)", lambda p: np.savez(p, **dtypes)),
        ("savez_compressed_dtypes.npz", "np.savez_compressed(path, **dtypes)",
         lambda p: np.savez_compressed(p, **dtypes)),
        ("savez_empty.npz", "np.savez(path)", lambda p: np.savez(p)),
        ("savez_compressed_empty.npz", "np.savez_compressed(path)", lambda p: np.savez_compressed(p)),
        ("savez_with_text.npz", "np.savez, then zipfile adds readme.txt and dir/", with_text),
    ]


# --- hand-made zips ------------------------------------------------------

def npy_bytes(arr):
    b = io.BytesIO()
    np.save(b, arr)
    return b.getvalue()


class Member:
    """One zip member, every field of its headers under the script's control."""

    def __init__(self, name, data, method=0, **kw):
        self.name = name if isinstance(name, bytes) else name.encode()
        self.method = method
        self.raw = data if method == 0 else deflate(data) if method == 8 else data
        self.size = len(data)
        self.crc = kw.get("crc", zlib.crc32(data))
        self.csize = kw.get("csize", len(self.raw))
        self.usize = kw.get("usize", len(data))
        self.flags = kw.get("flags", 0)
        self.central_extra = kw.get("central_extra", b"")
        self.offset_delta = kw.get("offset_delta", 0)


def deflate(data):
    c = zlib.compressobj(6, zlib.DEFLATED, -15)
    return c.compress(data) + c.flush()


def build_zip(members, cut=None):
    """A zip of members, with central-directory sizes as given (which may
    lie). cut, if set, truncates the result to that many bytes."""
    body, central = b"", b""
    for m in members:
        offset = len(body)
        body += struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, m.flags, m.method, 0, 0x21,
                            m.crc, len(m.raw), m.size, len(m.name), 0) + m.name + m.raw
        central += struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, m.flags, m.method, 0, 0x21,
                               m.crc, m.csize, m.usize, len(m.name), len(m.central_extra), 0, 0, 0, 0,
                               offset + m.offset_delta) + m.name + m.central_extra
    eocd = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(members), len(members), len(central), len(body), 0)
    out = body + central + eocd
    return out[:cut] if cut is not None else out


def bad_archives():
    """(name, bytes, stage, member, Go error, archive/zip error or None, why)."""
    a = npy_bytes(base(12).reshape(3, 4))
    b = npy_bytes(F(base(6, "<f4").reshape(2, 3)))
    good = build_zip([Member("a.npy", a), Member("b.npy", b)])
    cd_start = 30 + 5 + len(a) + 30 + 5 + len(b)
    cases = [
        ("truncated_central_directory", build_zip([Member("a.npy", a), Member("b.npy", b)], cut=cd_start + 40),
         "open_archive", None, "ErrArchive", "ErrFormat", "the file ends inside the central directory"),
        ("truncated_member", good[:40] + good[40 + len(a) // 2:], "open_archive", None, "ErrArchive", None,
         "half of a's bytes cut out: the central directory is not where the end record says"),
        ("offset_past_eof", build_zip([Member("a.npy", a, offset_delta=1 << 20)]), "open_archive", None,
         "ErrArchive", None, "the member's local header offset is 1 MiB past the end of the file"),
        ("offset_not_a_header", build_zip([Member("a.npy", a, offset_delta=64)]), "open_archive", None,
         "ErrArchive", "ErrFormat", "the member's offset points into its data, not at a local header"),
        ("stored_sizes_disagree", build_zip([Member("a.npy", a, usize=len(a) + 8)]), "open_archive", None,
         "ErrArchive", None, "stored, with an uncompressed size 8 bytes larger than the compressed"),
        ("stored_size_past_eof", build_zip([Member("a.npy", a, csize=len(a) + 4096, usize=len(a) + 4096)]),
         "open_archive", None, "ErrArchive", None, "stored, with sizes 4 KiB past the end of the file"),
        ("deflate_claims_8GiB",
         build_zip([Member("a.npy", a, method=8, usize=0xFFFFFFFF,
                           central_extra=struct.pack("<HHQ", 1, 8, 8 << 30))]),
         "open_archive", None, "ErrArchive", None,
         "deflated, claiming 8 GiB uncompressed (in a zip64 extra field) from a few hundred bytes"),
        ("deflate_claims_more", build_zip([Member("a.npy", a, method=8, usize=len(a) + 8)]), "open", "a",
         "ErrArchive", None, "deflated, claiming 8 bytes more than the stream holds"),
        ("deflate_claims_less", build_zip([Member("a.npy", a, method=8, usize=len(a) - 8)]), "open", "a",
         "ErrArchive", None, "deflated, claiming 8 bytes less than the stream holds"),
        ("deflate_bad_crc", build_zip([Member("a.npy", a, method=8, crc=zlib.crc32(a) ^ 1)]), "open", "a",
         "ErrArchive", "ErrChecksum", "deflated, with a CRC-32 one bit off"),
        ("duplicate_names", build_zip([Member("a.npy", a), Member("a.npy", b)]), "open_archive", None,
         "ErrArchive", None, "two members named a.npy"),
        ("encrypted", build_zip([Member("a.npy", a, flags=1)]), "open_archive", None, "ErrArchive", None,
         "the encryption flag is set"),
        ("name_not_utf8", build_zip([Member(b"\xff\xfe.npy", a)]), "open_archive", None, "ErrArchive", None,
         "a name that is not UTF-8 (zipfile decodes it as cp437)"),
        ("not_npy_only", build_zip([Member("readme.txt", b"hello\n")]), "open", "readme", "ErrNotFound", None,
         "its only member is not a .npy file: Names is empty"),
        ("bad_npy_magic", build_zip([Member("a.npy", b"\x93NUMPZ" + a[6:])]), "open", "a", "ErrMagic", None,
         "a member that is not a .npy file"),
        ("bad_npy_header", build_zip([Member("a.npy", a[:10] + a[10:].replace(b"'shape'", b"'shope'"))]),
         "open", "a", "ErrHeader", None, "a member whose .npy header has no shape"),
        ("npy_trailing_bytes", build_zip([Member("a.npy", a + b"\0" * 8)]), "open", "a", "ErrSize", None,
         "a member with 8 bytes past its .npy data"),
        ("not_a_zip", a, "open_archive", None, "ErrArchive", "ErrFormat", "a .npy file, not an archive"),
        ("empty_file", b"", "open_archive", None, "ErrArchive", "ErrFormat", "zero bytes"),
    ]

    # Compression methods np.load reads but strider does not.
    for method, name in [(zipfile.ZIP_BZIP2, "bzip2"), (zipfile.ZIP_LZMA, "lzma")]:
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", compression=method) as zf:
            zi = zipfile.ZipInfo("a.npy", date_time=(1980, 1, 1, 0, 0, 0))
            zi.compress_type = method
            zf.writestr(zi, a)
        cases.append(("method_" + name, buf.getvalue(), "open_archive", None, "ErrArchive", "ErrAlgorithm",
                      "a %s-compressed member (np.load reads it)" % name))
    # A corrupt deflate stream.
    raw = bytearray(build_zip([Member("a.npy", a, method=8)]))
    raw[30 + 5 + 2] ^= 0xFF
    cases.append(("deflate_corrupt_stream", bytes(raw), "open", "a", "ErrArchive", None,
                  "deflated, with a byte of the stream flipped"))
    return cases


def numpy_verdict(path):
    """What np.load says: every member loaded, or the first error."""
    try:
        z = np.load(path, allow_pickle=False)
        if not isinstance(z, np.lib.npyio.NpzFile):
            return "not an archive: np.load returns a %s" % type(z).__name__, None
        with z:
            shapes = {}
            for k in z.files:
                v = z[k]
                shapes[k] = list(v.shape) if isinstance(v, np.ndarray) else "bytes"
        return None, shapes
    except Exception as e:  # noqa: BLE001 - we record whatever NumPy says
        return "%s: %s" % (type(e).__name__, str(e).splitlines()[0][:200] if str(e) else ""), None


def generate():
    os.makedirs(BAD, exist_ok=True)
    archives = []
    for fname, note, write in good_archives():
        path = os.path.join(OUT, fname)
        if os.path.exists(path):
            os.remove(path)
        write(path)
        members, ignored = members_of(path)
        with np.load(path) as z:
            names = [n for n in z.files if n + ".npy" in z._files]
        assert names == [m["name"] for m in members], fname
        archives.append({"file": fname, "note": note, "names": names, "ignored": ignored, "members": members})

    bad = []
    for name, data, stage, member, want, zip_err, why in bad_archives():
        path = os.path.join(BAD, name + ".npz")
        with open(path, "wb") as fp:
            fp.write(data)
        err, shapes = numpy_verdict(path)
        bad.append({"name": name, "file": "bad/" + name + ".npz", "stage": stage, "member": member,
                    "want": want, "want_zip": zip_err, "why": why, "numpy_error": err, "numpy_shapes": shapes})

    # A stored member's CRC is not checked by strider (it would read every
    # page of the data Open maps); NumPy does check it.
    a = npy_bytes(base(12).reshape(3, 4))
    path = os.path.join(BAD, "stored_bad_crc.npz")
    with open(path, "wb") as fp:
        fp.write(build_zip([Member("a.npy", a, crc=zlib.crc32(a) ^ 1)]))
    err, shapes = numpy_verdict(path)
    unchecked = [{"name": "stored_bad_crc", "file": "bad/stored_bad_crc.npz", "member": "a",
                  "why": "stored, with a CRC-32 one bit off: strider maps it unchecked",
                  "numpy_error": err, "values": [float(v) for v in base(12)]}]

    with open(os.path.join(OUT, "npz.json"), "w") as fp:
        json.dump({"numpy_version": np.__version__, "archives": archives, "bad": bad,
                   "unchecked": unchecked}, fp, indent=1)
        fp.write("\n")


def decode_values(vals, dtype):
    dt = np.dtype(dtype)
    if dt.kind == "c":
        return np.array([complex(re, im) for re, im in vals], dtype=dt)
    return np.array(vals, dtype=dt)


def check_fromgo():
    with open(os.path.join(FROMGO, "cases.json")) as fp:
        cases = json.load(fp)["cases"]
    results = []
    for c in cases:
        path = os.path.join(FROMGO, c["file"])
        with open(path, "rb") as fp:
            raw = fp.read()
        r = {"name": c["name"], "sha256": hashlib.sha256(raw).hexdigest(), "members": []}
        try:
            ok = True
            with np.load(path, allow_pickle=False) as z:
                names = list(z.files)
                ok = names == [m["name"] for m in c["members"]]
                for m in c["members"]:
                    want = decode_values(m["values"], m["dtype"]).reshape(m["shape"])
                    got = z[m["name"]]
                    eq = bool(got.dtype == want.dtype and got.shape == want.shape and np.array_equal(got, want))
                    ok = ok and eq
                    r["members"].append({"name": m["name"], "equal": eq, "dtype": got.dtype.str,
                                         "shape": list(got.shape)})
            with zipfile.ZipFile(path) as zf:
                if zf.testzip() is not None:
                    ok = False
                offsets = {}
                for zi in zf.infolist():
                    nlen, elen = struct.unpack_from("<HH", raw, zi.header_offset + 26)
                    offsets[zi.filename[:-4]] = zi.header_offset + 30 + nlen + elen
                for m in r["members"]:
                    m["offset"] = offsets[m["name"]]
            r.update({"names": names, "equal": ok, "error": None})
        except Exception as e:  # noqa: BLE001
            r.update({"equal": False, "error": "%s: %s" % (type(e).__name__, e)})
        results.append(r)
        print("%-32s %s" % (c["name"], "ok" if r["equal"] else "DIFFERS " + str(r.get("error"))))
    with open(os.path.join(FROMGO, "numpy.json"), "w") as fp:
        json.dump({"numpy_version": np.__version__, "results": results}, fp, indent=1)
        fp.write("\n")


if __name__ == "__main__":
    if sys.argv[1:] == ["--check-fromgo"]:
        check_fromgo()
    elif sys.argv[1:] == []:
        generate()
    else:
        sys.exit("usage: gen_npz.py [--check-fromgo]")
