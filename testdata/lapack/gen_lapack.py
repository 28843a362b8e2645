#!/usr/bin/env python3
"""Generate testdata/lapack/lapack.json: SciPy ground truth for blasbridge/lapack.

For each small matrix A (and right-hand side B) the fixture records what
SciPy's LAPACK wrappers (scipy.linalg.lapack, column-major LAPACK, the
reference strider's results must match) return, in LAPACK's own
column-major ("Fortran-order") output arrays, written here as row lists of
the logical matrix (entry [i][j] is element (i, j)):

    getrf      dgetrf(A):   the LU factor array, 0-based pivots, info
    getrf_t    dgetrf(Aᵀ):  the same for the transpose (strider factors Aᵀ
                            when A's storage reaches LAPACK as Aᵀ)
    solve      lu_solve:    X with A X = B, and XT with Aᵀ X = B; det(A)
    geqrf      dgeqrf(A):   the factor array (R above the diagonal,
                            reflectors below) and tau; Q thin and full, R
    lstsq      lstsq(A, B): the least-squares (m >= n) or minimum-norm
                            (m < n) solution, and the residual norms
    potrf_lower, potrf_upper
               dpotrf(A, lower, clean=0): the whole array after the call
                            (the other triangle keeps A's entries), info
    cho_solve  X with A X = B from the Cholesky factor
    svd        dgesdd(A): s, thin U and Vᵀ (vectors unique up to sign when
                            the singular values are distinct)
    eigh       dsyevd(A):  ascending w and V (columns unique up to sign)

and for the failing matrices the info LAPACK returns: the 1-based index of
the exactly zero pivot (dgetrf) or of the leading minor that is not
positive definite (dpotrf).

Matrices are drawn from a fixed seed, so the output is deterministic.
Rerun from the repository root (Debian's python3-scipy, no PyPI needed):

    apt-get install python3-scipy   # once
    python3 testdata/lapack/gen_lapack.py

If `python3` on PATH lacks scipy (e.g. a pyenv shim), the script re-executes
itself with /usr/bin/python3.
"""
import json
import os
import sys

try:
    import numpy as np
    import scipy
    import scipy.linalg as sl
    from scipy.linalg import lapack
except ImportError:  # pragma: no cover - environment fallback
    if os.path.exists("/usr/bin/python3") and sys.executable != "/usr/bin/python3":
        os.execv("/usr/bin/python3", ["/usr/bin/python3"] + sys.argv)
    raise

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "lapack.json")

rng = np.random.default_rng(20240614)


def rows(x):
    """The logical matrix (or vector) as nested lists."""
    return np.asarray(x).tolist()


def fortran(a):
    return np.array(a, dtype=np.float64, order="F")


def getrf(a):
    lu, piv, info = lapack.dgetrf(fortran(a))
    assert info >= 0
    return {"lu": rows(lu), "ipiv": [int(p) for p in piv], "info": int(info)}


def square_case(name, a, b):
    n = a.shape[0]
    case = {"name": name, "a": rows(a), "b": rows(b)}
    case["getrf"] = getrf(a)
    case["getrf_t"] = getrf(a.T)
    lu_piv = sl.lu_factor(a)
    case["solve"] = {
        "x": rows(sl.lu_solve(lu_piv, b)),
        "xt": rows(sl.lu_solve(lu_piv, b, trans=1)),
        "det": float(np.linalg.det(a)),
    }
    assert n == b.shape[0]
    return case


def rect_case(name, a, b):
    m, n = a.shape
    case = {"name": name, "a": rows(a), "b": rows(b)}
    qr, tau, _, info = lapack.dgeqrf(fortran(a))
    assert info == 0
    q_thin, r = sl.qr(a, mode="economic")
    q_full, _ = sl.qr(a, mode="full")
    case["geqrf"] = {"qr": rows(qr), "tau": rows(tau), "q_thin": rows(q_thin), "q_full": rows(q_full), "r": rows(r)}
    x, res, rank, _ = sl.lstsq(a, b)
    assert rank == min(m, n)
    resid = np.linalg.norm(a @ x - b, axis=0)
    case["lstsq"] = {"x": rows(x), "residual": rows(resid)}
    s_u, s, s_vt, info = lapack.dgesdd(fortran(a), full_matrices=0)
    assert info == 0
    assert np.all(np.diff(s) < -1e-3), "singular values must be distinct for sign-only uniqueness"
    case["svd"] = {"s": rows(s), "u": rows(s_u), "vt": rows(s_vt)}
    return case


def spd_case(name, a, b):
    case = {"name": name, "a": rows(a), "b": rows(b)}
    for key, lower in (("potrf_lower", 1), ("potrf_upper", 0)):
        c, info = lapack.dpotrf(fortran(a), lower=lower, clean=0)
        case[key] = {"c": rows(c), "info": int(info)}
    if case["potrf_lower"]["info"] == 0:
        c = sl.cho_factor(a, lower=True)
        case["cho_solve"] = {"x": rows(sl.cho_solve(c, b))}
    return case


def sym_case(name, a):
    case = {"name": name, "a": rows(a)}
    w, v, info = lapack.dsyevd(fortran(a), compute_v=1, lower=1)
    assert info == 0
    assert np.all(np.diff(w) > 1e-3), "eigenvalues must be distinct for sign-only uniqueness"
    case["eigh"] = {"w": rows(w), "v": rows(v)}
    return case


def main():
    cases = []

    a = rng.standard_normal((5, 5))
    b = rng.standard_normal((5, 3))
    cases.append(square_case("square5", a, b))
    cases[-1].update(rect_case("square5", a, b))

    a = rng.standard_normal((7, 4))
    b = rng.standard_normal((7, 2))
    cases.append(rect_case("tall7x4", a, b))

    a = rng.standard_normal((4, 7))
    b = rng.standard_normal((4, 2))
    cases.append(rect_case("wide4x7", a, b))

    m = rng.standard_normal((6, 6))
    a = m @ m.T + 6 * np.eye(6)
    b = rng.standard_normal((6, 2))
    cases.append(spd_case("spd6", a, b))
    cases[-1].update(sym_case("spd6", a))
    cases[-1].update(square_case("spd6", a, b))

    m = rng.standard_normal((6, 6))
    cases.append(sym_case("sym6", (m + m.T) / 2))

    # Exactly singular whatever the rounding: column 2 is zero. Elimination
    # keeps it zero, so getrf(A) meets U(2,2) == 0 (info 3); in Aᵀ it is a
    # zero row, never a pivot while another row is left, so getrf(Aᵀ) meets
    # U(4,4) == 0 (info 5). No pivot search ties (random entries), so every
    # LAPACK picks the same pivots.
    a = rng.standard_normal((5, 5))
    a[:, 2] = 0
    b = np.arange(10, dtype=np.float64).reshape(5, 2)
    sing = {"name": "singular5", "a": rows(a), "b": rows(b), "getrf": getrf(a), "getrf_t": getrf(a.T)}
    assert sing["getrf"]["info"] == 3 and sing["getrf_t"]["info"] == 5, sing
    cases.append(sing)

    # Symmetric with a negative leading minor of order 3.
    a = np.array([
        [4.0, 1, 0, 0, 0],
        [1, 4, 1, 0, 0],
        [0, 1, -1, 1, 0],
        [0, 0, 1, 4, 1],
        [0, 0, 0, 1, 4],
    ])
    b = np.ones((5, 1))
    npd = spd_case("notpd5", a, b)
    assert npd["potrf_lower"]["info"] == 3 and npd["potrf_upper"]["info"] == 3, npd
    cases.append(npd)

    doc = {
        "numpy_version": np.__version__,
        "scipy_version": scipy.__version__,
        "cases": cases,
    }
    with open(OUT, "w") as f:
        f.write(dumps(doc) + "\n")


def dumps(obj, indent=0):
    """JSON with lists of numbers (and lists of such lists) kept on one line."""
    pad, inner = " " * indent, " " * (indent + 1)
    if isinstance(obj, dict):
        items = [inner + json.dumps(k) + ": " + dumps(v, indent + 1) for k, v in obj.items()]
        return "{\n" + ",\n".join(items) + "\n" + pad + "}"
    if isinstance(obj, list) and any(isinstance(x, dict) for x in obj):
        return "[\n" + ",\n".join(inner + dumps(x, indent + 1) for x in obj) + "\n" + pad + "]"
    return json.dumps(obj)


if __name__ == "__main__":
    main()
