#!/usr/bin/env python3
"""Generate testdata/conv.json and testdata/windows.json: PyTorch and NumPy
ground truth for convolution and sliding-window views.

conv.json
    "conv2d": cases of torch.nn.functional.conv2d, each with an output
    gradient dy and its input and weight gradients dx and dw
    (torch.nn.grad.conv2d_input, the conv_transpose2d of dy with w, and
    torch.nn.grad.conv2d_weight; dx_f32_max_abs_err and dw_f32_max_abs_err
    give float32 torch's error where y_f32 is present), "conv1d": cases of
    torch.nn.functional.conv1d. Each case records its format-independent
    geometry (N, C, H, W, F, KH, KW, strides, dilations, paddings, groups; for 1-D:
    N, C, L, F, K, stride, dilation, pad), the input x in NCHW (NCL), the
    weights w in OIHW (OIK) and the output y in NCHW (NCL), all flattened in
    C order, plus OH and OW (OL). The NHWC / HWIO forms are transposes; the
    Go loader provides them.

    values "dyadic": x and w are k/8 - 3 for small integers k, so every
    product is a multiple of 1/64 and every sum is exact in float64 *and* in
    float32 (the script checks the bound): y is exact whatever the summation
    order, and y_f32 (where present) equals y.
    values "rough": x and w are float32 numbers with full mantissas; y is
    torch's float64 result on those (float32-representable) inputs, y_f32 is
    torch's float32 result on the same inputs, and f32_max_abs_err is
    max |y_f32 - y|, the scale of rounding a float32 implementation may show;
    f32_max_err_units is the same error in units of 2^-24 * sum |x|*|w|
    over the output's taps (torch's float32 stays within a few units, far
    inside the C*KH*KW-units worst case of naive summation).

    Every torch result is also checked here against a naive NumPy loop
    (exactly for dyadic cases), so the fixture does not rest on torch alone.

windows.json
    numpy.lib.stride_tricks.sliding_window_view ground truth:
    "sliding_1d": a 1-D x, window size, step and dilation; the result is
    sliding_window_view(x, dilation*(size-1)+1)[::step, ::dilation] (the
    exact expression is in "note": NumPy has no step or dilation argument).
    "sliding_nd": an N-d input view (2-D and 3-D, C and Fortran order, step
    sliced, reversed) described as in layouts.json by base, shape, byte
    strides and byte offset; window_shape and the axis argument (null for
    all axes); optional per-window-axis step and dilation applied by slicing
    as the note says; the result's shape, byte strides, byte offset and its
    values flattened in C order.
    "bad": arguments NumPy rejects, with NumPy's error message.

Rerun from the repo root (Debian's python3-numpy and python3-torch, no PyPI
needed):

    apt-get install python3-numpy python3-torch   # once
    python3 testdata/gen_conv.py

The output is deterministic (no randomness) and overwrites both files. If
`python3` on PATH lacks numpy or torch (e.g. a pyenv shim), the script
re-executes itself with /usr/bin/python3.
"""
import itertools
import json
import os
import sys

try:
    import numpy as np
    import torch
    import torch.nn.functional as tnf
except ImportError:  # pragma: no cover - environment fallback
    if os.path.exists("/usr/bin/python3") and sys.executable != "/usr/bin/python3":
        os.execv("/usr/bin/python3", ["/usr/bin/python3"] + sys.argv)
    raise
from numpy.lib.stride_tricks import sliding_window_view

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from gen_layouts import dumps  # noqa: E402  (one JSON style for all fixtures)

CONV_OUT = os.path.join(HERE, "conv.json")
WINDOWS_OUT = os.path.join(HERE, "windows.json")
ITEMSIZE = 8

torch.set_num_threads(1)  # results must not depend on the thread split


# --- values -------------------------------------------------------------------
def dyadic(n, salt):
    """n values k/8 - 3, k in [0, 48]: multiples of 1/8 in [-3, 3]."""
    k = (np.arange(n, dtype=np.int64) * 17 + salt * 5) % 49
    return k.astype(np.float64) / 8.0 - 3.0


def rough(n, salt):
    """n float32 values in [-2, 2) with full mantissas (as float64)."""
    k = (np.arange(n, dtype=np.int64) * 7919 + salt * 104729) % 10007
    return (k.astype(np.float64) / 2503.0 - 2.0).astype(np.float32).astype(np.float64)


# --- naive references (independent of torch) ---------------------------------
def out_dim(size, k, stride, dil, pad):
    return (size + 2 * pad - dil * (k - 1) - 1) // stride + 1


def naive_conv2d(x, w, sh, sw, dh, dw, ph, pw, groups=1):
    """The defining sum, group by group: output channel f reads input
    channels [g*C/G, (g+1)*C/G) for g = f // (F/G), weights w[f, :C/G]."""
    n, c, h, wd = x.shape
    f, cg, kh, kw = w.shape
    assert c == cg * groups and f % groups == 0
    fg = f // groups
    oh, ow = out_dim(h, kh, sh, dh, ph), out_dim(wd, kw, sw, dw, pw)
    xp = np.zeros((n, c, h + 2 * ph, wd + 2 * pw))
    xp[:, :, ph:ph + h, pw:pw + wd] = x
    y = np.zeros((n, f, oh, ow))
    for g in range(groups):
        xg = xp[:, g * cg:(g + 1) * cg]
        wg = w[g * fg:(g + 1) * fg]
        for i, j in itertools.product(range(kh), range(kw)):
            patch = xg[:, :, i * dh:i * dh + (oh - 1) * sh + 1:sh, j * dw:j * dw + (ow - 1) * sw + 1:sw]
            y[:, g * fg:(g + 1) * fg] += np.einsum("nchw,fc->nfhw", patch, wg[:, :, i, j])
    return y


def naive_conv2d_backward(x, w, dy, sh, sw, dh, dw, ph, pw, groups=1):
    """The adjoints of naive_conv2d, from the same definition: dx scatters
    each output gradient back through the taps that read an input element
    (conv_transpose2d), dw correlates the output gradient with the input
    (independent of torch.nn.grad)."""
    n, c, h, wd = x.shape
    f, cg, kh, kw = w.shape
    fg = f // groups
    _, _, oh, ow = dy.shape
    xp = np.zeros((n, c, h + 2 * ph, wd + 2 * pw))
    xp[:, :, ph:ph + h, pw:pw + wd] = x
    dxp = np.zeros_like(xp)
    dwt = np.zeros_like(w)
    for g in range(groups):
        cs, fs = slice(g * cg, (g + 1) * cg), slice(g * fg, (g + 1) * fg)
        for i, j in itertools.product(range(kh), range(kw)):
            rows = slice(i * dh, i * dh + (oh - 1) * sh + 1, sh)
            cols = slice(j * dw, j * dw + (ow - 1) * sw + 1, sw)
            dxp[:, cs, rows, cols] += np.einsum("nfhw,fc->nchw", dy[:, fs], w[fs, :, i, j])
            dwt[fs, :, i, j] = np.einsum("nfhw,nchw->fc", dy[:, fs], xp[:, cs, rows, cols])
    return dxp[:, :, ph:ph + h, pw:pw + wd], dwt


def naive_conv1d(x, w, s, d, p):
    y = naive_conv2d(x[:, :, None, :], w[:, :, None, :], 1, s, 1, d, 0, p)
    return y[:, :, 0, :]


# --- Conv2D cases ---------------------------------------------------------------
# (name, N, C, H, W, F, KH, KW, stride_h, stride_w, dil_h, dil_w, pad_h, pad_w,
#  values, with_f32)
CONV2D = [
    ("basic_3x3", 1, 2, 5, 5, 3, 3, 3, 1, 1, 1, 1, 0, 0, "dyadic", False),
    ("same_3x3_pad1", 1, 2, 5, 5, 3, 3, 3, 1, 1, 1, 1, 1, 1, "dyadic", True),
    ("stride2_3x3", 1, 2, 7, 7, 2, 3, 3, 2, 2, 1, 1, 0, 0, "dyadic", False),
    ("stride2_3x3_pad1_even", 1, 3, 8, 8, 2, 3, 3, 2, 2, 1, 1, 1, 1, "dyadic", False),
    ("stride_2x3", 1, 2, 7, 9, 2, 3, 3, 2, 3, 1, 1, 0, 0, "dyadic", False),
    ("stride_2x3_pad1_3x2", 2, 2, 8, 10, 3, 3, 2, 2, 3, 1, 1, 1, 1, "dyadic", True),
    ("stride3_not_dividing", 1, 2, 8, 8, 2, 3, 3, 3, 3, 1, 1, 0, 0, "dyadic", False),
    ("stride3_gt_kernel2", 1, 2, 9, 9, 2, 2, 2, 3, 3, 1, 1, 0, 0, "dyadic", False),
    ("dil_2x1", 1, 2, 7, 6, 2, 3, 3, 1, 1, 2, 1, 0, 0, "dyadic", False),
    ("dil_2x2", 1, 2, 8, 8, 2, 3, 3, 1, 1, 2, 2, 0, 0, "dyadic", False),
    ("dil_2x2_pad2_same", 1, 2, 6, 7, 2, 3, 3, 1, 1, 2, 2, 2, 2, "dyadic", False),
    ("pad_2x1", 1, 2, 5, 6, 2, 3, 3, 1, 1, 1, 1, 2, 1, "dyadic", False),
    ("pad_2x1_stride2_3x2", 1, 2, 6, 5, 3, 3, 2, 2, 2, 1, 1, 2, 1, "dyadic", False),
    ("pad3_exceeds_kernel", 1, 2, 3, 4, 2, 2, 2, 1, 1, 1, 1, 3, 2, "dyadic", False),
    ("k1x1", 1, 4, 5, 6, 3, 1, 1, 1, 1, 1, 1, 0, 0, "dyadic", False),
    ("k1x1_stride2", 2, 3, 7, 6, 4, 1, 1, 2, 2, 1, 1, 0, 0, "dyadic", False),
    ("k1x1_pad1", 1, 2, 3, 4, 2, 1, 1, 1, 1, 1, 1, 1, 1, "dyadic", False),
    ("kernel_eq_input_out1x1", 1, 3, 4, 5, 2, 4, 5, 1, 1, 1, 1, 0, 0, "dyadic", False),
    ("kernel_eq_padded_input", 1, 2, 3, 4, 2, 5, 6, 1, 1, 1, 1, 1, 1, "dyadic", False),
    ("dilated_kernel_eq_padded", 1, 2, 3, 3, 2, 3, 3, 1, 1, 2, 2, 1, 1, "dyadic", False),
    ("nonsquare_input_4x9", 1, 2, 4, 9, 2, 3, 3, 1, 1, 1, 1, 0, 0, "dyadic", False),
    ("nonsquare_kernel_2x4", 1, 2, 6, 7, 3, 2, 4, 1, 1, 1, 1, 0, 0, "dyadic", False),
    ("kernel_1x3_pad0x1", 1, 2, 6, 5, 2, 1, 3, 1, 1, 1, 1, 0, 1, "dyadic", False),
    ("kernel_5x1_pad2x0", 1, 2, 7, 4, 2, 5, 1, 1, 1, 1, 1, 2, 0, "dyadic", False),
    ("batch3_same", 3, 2, 5, 5, 2, 3, 3, 1, 1, 1, 1, 1, 1, "dyadic", False),
    ("c1", 2, 1, 6, 6, 3, 3, 3, 1, 1, 1, 1, 0, 0, "dyadic", False),
    ("f1", 1, 3, 5, 5, 1, 3, 3, 1, 1, 1, 1, 0, 0, "dyadic", False),
    ("c1_f1_2x2", 1, 1, 4, 4, 1, 2, 2, 1, 1, 1, 1, 0, 0, "dyadic", False),
    ("input_1x1", 2, 3, 1, 1, 2, 1, 1, 1, 1, 1, 1, 0, 0, "dyadic", False),
    ("input_1row_1x3_stride1x2", 2, 2, 1, 8, 2, 1, 3, 1, 2, 1, 1, 0, 0, "dyadic", False),
    ("mixed_s2x3_d2x1_p2x1", 2, 3, 9, 11, 4, 3, 2, 2, 3, 2, 1, 2, 1, "dyadic", True),
    ("large_c8_9x9_f6_same", 2, 8, 9, 9, 6, 3, 3, 1, 1, 1, 1, 1, 1, "dyadic", True),
    ("large_c8_9x9_f6_stride2", 2, 8, 9, 9, 6, 3, 3, 2, 2, 1, 1, 1, 1, "dyadic", True),
    # float32 rounding: full-mantissa inputs
    ("rough_large_same", 2, 8, 9, 9, 6, 3, 3, 1, 1, 1, 1, 1, 1, "rough", True),
    ("rough_k1x1_c16", 1, 16, 5, 6, 4, 1, 1, 1, 1, 1, 1, 0, 0, "rough", True),
    ("rough_mixed", 2, 3, 9, 11, 4, 3, 2, 2, 3, 2, 1, 2, 1, "rough", True),
    # groups (trailing element): grouped, depthwise (G = C), channel
    # multipliers (G = C, F = m*C), every stride, dilation and padding
    ("groups2_3x3_same", 2, 4, 6, 7, 6, 3, 3, 1, 1, 1, 1, 1, 1, "dyadic", True, 2),
    ("groups3_stride2_pad1", 1, 6, 8, 7, 3, 3, 3, 2, 2, 1, 1, 1, 1, "dyadic", False, 3),
    ("groups2_dil2_3x2", 1, 4, 8, 9, 4, 3, 2, 1, 1, 2, 2, 2, 1, "dyadic", False, 2),
    ("groups2_k1x1", 2, 6, 4, 5, 4, 1, 1, 1, 1, 1, 1, 0, 0, "dyadic", True, 2),
    ("groups4_stride_2x3", 1, 8, 7, 9, 8, 3, 2, 2, 3, 1, 1, 0, 1, "dyadic", False, 4),
    ("depthwise_3x3_same", 2, 5, 7, 6, 5, 3, 3, 1, 1, 1, 1, 1, 1, "dyadic", True, 5),
    ("depthwise_3x3_stride2", 1, 4, 9, 8, 4, 3, 3, 2, 2, 1, 1, 1, 1, "dyadic", False, 4),
    ("depthwise_5x5_dil2_pad4", 1, 3, 10, 11, 3, 5, 5, 1, 1, 2, 2, 4, 4, "dyadic", False, 3),
    ("depthwise_nopad_2x3", 2, 3, 5, 6, 3, 2, 3, 1, 1, 1, 1, 0, 0, "dyadic", False, 3),
    ("depthwise_mult2", 1, 3, 6, 6, 6, 3, 3, 1, 1, 1, 1, 1, 1, "dyadic", True, 3),
    ("depthwise_mult3_stride2", 2, 2, 7, 8, 6, 3, 3, 2, 2, 1, 1, 1, 1, "dyadic", False, 2),
    ("depthwise_c1", 1, 1, 6, 5, 1, 3, 3, 1, 1, 1, 1, 1, 1, "dyadic", False, 1),
    ("rough_groups2", 2, 8, 9, 9, 6, 3, 3, 1, 1, 1, 1, 1, 1, "rough", True, 2),
    ("rough_depthwise_mult2", 2, 8, 9, 9, 16, 3, 3, 2, 2, 1, 1, 1, 1, "rough", True, 8),
]

# (name, N, C, L, F, K, stride, dilation, pad, values, with_f32)
CONV1D = [
    ("basic_k3", 1, 2, 8, 3, 3, 1, 1, 0, "dyadic", False),
    ("same_k3_pad1", 1, 2, 8, 3, 3, 1, 1, 1, "dyadic", True),
    ("stride2", 2, 2, 9, 2, 3, 2, 1, 0, "dyadic", False),
    ("stride2_pad1_k4", 1, 3, 10, 2, 4, 2, 1, 1, "dyadic", False),
    ("dil2", 1, 2, 10, 2, 3, 1, 2, 0, "dyadic", False),
    ("dil3_stride2_pad2", 2, 2, 13, 3, 3, 2, 3, 2, "dyadic", False),
    ("k1", 1, 4, 6, 3, 1, 1, 1, 0, "dyadic", False),
    ("kernel_eq_input", 1, 2, 5, 2, 5, 1, 1, 0, "dyadic", False),
    ("kernel_eq_padded_input", 1, 2, 4, 2, 6, 1, 1, 1, "dyadic", False),
    ("c1_f1", 3, 1, 7, 1, 2, 1, 1, 0, "dyadic", False),
    ("stride3_gt_kernel2", 1, 2, 11, 2, 2, 3, 1, 0, "dyadic", False),
    ("large_c6_l20_k5_pad2", 2, 6, 20, 4, 5, 1, 1, 2, "dyadic", True),
    ("rough_c6_l20_k5_pad2", 2, 6, 20, 4, 5, 1, 1, 2, "rough", True),
]


def make_inputs(values, nx, nw):
    gen = dyadic if values == "dyadic" else rough
    return gen(nx, 1), gen(nw, 2)


def check_exact_bound(name, x, w, terms):
    """Every partial sum is a multiple of 1/64 bounded by terms*max|x|*max|w|;
    if that bound times 64 fits 24 bits, float32 and float64 sums are exact."""
    bound = terms * np.abs(x).max() * np.abs(w).max() * 64
    assert bound < 2**24, (name, bound)


def torch_result(fn, x, w, shape_x, shape_w, dtype, **kw):
    tx = torch.tensor(x.reshape(shape_x), dtype=dtype)
    tw = torch.tensor(w.reshape(shape_w), dtype=dtype)
    return fn(tx, tw, **kw).to(torch.float64).numpy()


def finish(case, name, values, with_f32, y64, y32, ref, abs_ref):
    if values == "dyadic":
        assert np.array_equal(y64, ref), name
        if y32 is not None:
            assert np.array_equal(y32, y64), name  # exact in float32 too
    else:
        assert np.allclose(y64, ref, rtol=0, atol=1e-12), name
    case["y"] = y64.ravel().tolist()
    if with_f32:
        case["y_f32"] = y32.ravel().tolist()
        case["f32_max_abs_err"] = float(np.abs(y32 - y64).max())
        # The same error in units of 2^-24 * sum |x|*|w| over each output's
        # taps (float32's unit roundoff times the sum's magnitude).
        scale = np.where(abs_ref > 0, abs_ref, 1.0) * 2.0**-24
        case["f32_max_err_units"] = float((np.abs(y32 - y64) / scale).max())
    return case


def conv2d_case(name, n, c, h, w_, f, kh, kw, sh, sw, dh, dw, ph, pw, values, with_f32, groups=1):
    cg = c // groups
    x, w = make_inputs(values, n * c * h * w_, f * cg * kh * kw)
    if values == "dyadic":
        check_exact_bound(name, x, w, cg * kh * kw)
    oh, ow = out_dim(h, kh, sh, dh, ph), out_dim(w_, kw, sw, dw, pw)
    assert oh >= 1 and ow >= 1, name
    kw_args = dict(stride=(sh, sw), dilation=(dh, dw), padding=(ph, pw), groups=groups)
    y64 = torch_result(tnf.conv2d, x, w, (n, c, h, w_), (f, cg, kh, kw), torch.float64, **kw_args)
    y32 = torch_result(tnf.conv2d, x, w, (n, c, h, w_), (f, cg, kh, kw), torch.float32, **kw_args) \
        if with_f32 else None
    assert y64.shape == (n, f, oh, ow), (name, y64.shape)
    ref = naive_conv2d(x.reshape(n, c, h, w_), w.reshape(f, cg, kh, kw), sh, sw, dh, dw, ph, pw, groups)
    abs_ref = naive_conv2d(np.abs(x).reshape(n, c, h, w_), np.abs(w).reshape(f, cg, kh, kw), sh, sw, dh, dw, ph, pw,
                           groups)
    case = {
        "name": name, "values": values,
        "N": n, "C": c, "H": h, "W": w_, "F": f, "KH": kh, "KW": kw,
        "stride_h": sh, "stride_w": sw, "dilation_h": dh, "dilation_w": dw, "pad_h": ph, "pad_w": pw,
        "groups": groups,
        "OH": oh, "OW": ow,
        "x": x.tolist(), "w": w.tolist(),
    }
    finish(case, name, values, with_f32, y64, y32, ref, abs_ref)
    backward(case, values, with_f32, x.reshape(n, c, h, w_), w.reshape(f, cg, kh, kw), kw_args)
    return case


def backward(case, values, with_f32, x, w, kw_args):
    """Add the output gradient dy and torch's input and weight gradients
    (torch.nn.grad.conv2d_input = conv_transpose2d of dy with w, and
    conv2d_weight), checked against naive_conv2d_backward."""
    n, f, oh, ow = case["N"], case["F"], case["OH"], case["OW"]
    gen = dyadic if values == "dyadic" else rough
    dy = gen(n * f * oh * ow, 3).reshape(n, f, oh, ow)
    if values == "dyadic":  # dx sums F/G*KH*KW terms, dw N*OH*OW
        check_exact_bound(case["name"] + " dx", dy, w, w.shape[0] // case["groups"] * w.shape[2] * w.shape[3])
        check_exact_bound(case["name"] + " dw", dy, x, n * oh * ow)

    def grads(dtype):
        tx, tw, tdy = (torch.tensor(a, dtype=dtype) for a in (x, w, dy))
        dx = torch.nn.grad.conv2d_input(tx.shape, tw, tdy, **kw_args)
        dwt = torch.nn.grad.conv2d_weight(tx, tw.shape, tdy, **kw_args)
        return dx.to(torch.float64).numpy(), dwt.to(torch.float64).numpy()

    dx64, dw64 = grads(torch.float64)
    rx, rw = naive_conv2d_backward(x, w, dy, *kw_args["stride"], *kw_args["dilation"], *kw_args["padding"],
                                   kw_args["groups"])
    if values == "dyadic":
        assert np.array_equal(dx64, rx) and np.array_equal(dw64, rw), case["name"]
    else:
        assert np.allclose(dx64, rx, rtol=0, atol=1e-12) and np.allclose(dw64, rw, rtol=0, atol=1e-12), case["name"]
    case["dy"] = dy.ravel().tolist()
    case["dx"] = dx64.ravel().tolist()
    case["dw"] = dw64.ravel().tolist()
    if with_f32:
        dx32, dw32 = grads(torch.float32)
        case["dx_f32_max_abs_err"] = float(np.abs(dx32 - dx64).max())
        case["dw_f32_max_abs_err"] = float(np.abs(dw32 - dw64).max())


def conv1d_case(name, n, c, length, f, k, s, d, p, values, with_f32):
    x, w = make_inputs(values, n * c * length, f * c * k)
    if values == "dyadic":
        check_exact_bound(name, x, w, c * k)
    ol = out_dim(length, k, s, d, p)
    assert ol >= 1, name
    kw_args = dict(stride=s, dilation=d, padding=p)
    y64 = torch_result(tnf.conv1d, x, w, (n, c, length), (f, c, k), torch.float64, **kw_args)
    y32 = torch_result(tnf.conv1d, x, w, (n, c, length), (f, c, k), torch.float32, **kw_args) \
        if with_f32 else None
    assert y64.shape == (n, f, ol), (name, y64.shape)
    ref = naive_conv1d(x.reshape(n, c, length), w.reshape(f, c, k), s, d, p)
    abs_ref = naive_conv1d(np.abs(x).reshape(n, c, length), np.abs(w).reshape(f, c, k), s, d, p)
    case = {
        "name": name, "values": values,
        "N": n, "C": c, "L": length, "F": f, "K": k, "stride": s, "dilation": d, "pad": p,
        "OL": ol,
        "x": x.tolist(), "w": w.tolist(),
    }
    return finish(case, name, values, with_f32, y64, y32, ref, abs_ref)


# --- sliding windows ------------------------------------------------------------
def make_base(n):
    """Distinct non-zero values, as in layouts.json: 1000 + k + 0.25."""
    return 1000.0 + np.arange(n, dtype=np.float64) + 0.25


def offset_of(view, base):
    return view.__array_interface__["data"][0] - base.__array_interface__["data"][0]


# (name, L, size, step, dilation)
SLIDING_1D = [
    ("size3_step1", 10, 3, 1, 1),
    ("size3_step2", 10, 3, 2, 1),
    ("size3_step3_tiles", 9, 3, 3, 1),
    ("size3_step4_gaps", 10, 3, 4, 1),
    ("size4_step3_tail_dropped", 11, 4, 3, 1),
    ("size_eq_len", 6, 6, 1, 1),
    ("size_eq_len_step5", 6, 6, 5, 1),
    ("size1_step1", 5, 1, 1, 1),
    ("size1_step3", 10, 1, 3, 1),
    ("len1", 1, 1, 1, 1),
    ("step_gt_len", 7, 2, 9, 1),
    ("size3_dil2", 10, 3, 1, 2),
    ("size3_dil2_step2", 11, 3, 2, 2),
    ("size2_dil4_step3", 12, 2, 3, 4),
    ("size3_dil3_span_eq_len", 7, 3, 1, 3),
]


def sliding_1d_case(name, length, size, step, dil):
    x = make_base(length)
    span = dil * (size - 1) + 1
    if dil == 1:
        expr = f"sliding_window_view(x, {size})[::{step}]"
    else:
        expr = f"sliding_window_view(x, {span})[::{step}, ::{dil}]"
    v = eval(expr, {"sliding_window_view": sliding_window_view, "x": x})
    nwin = (length - span) // step + 1
    assert v.shape == (nwin, size), (name, v.shape)
    assert v.strides == (step * ITEMSIZE, dil * ITEMSIZE) or nwin == 1 or size == 1, (name, v.strides)
    for i, j in np.ndindex(v.shape):
        assert v[i, j] == x[i * step + j * dil], name
    return {
        "name": name, "note": expr,
        "x": x.tolist(), "size": size, "step": step, "dilation": dil,
        "shape": list(v.shape), "strides": list(v.strides), "offset": offset_of(v, x),
        "values": v.tolist(),
    }


# (name, base length, input expression over `base`, window_shape, axis,
#  step per window axis or None, dilation per window axis or None)
SLIDING_ND = [
    ("c2d_4x5_win2x3", 20, "base.reshape(4, 5)", (2, 3), None, None, None),
    ("c2d_5x6_win3_axis0", 30, "base.reshape(5, 6)", 3, 0, None, None),
    ("c2d_5x6_win2_axis1", 30, "base.reshape(5, 6)", 2, 1, None, None),
    ("c2d_5x6_win4_axis_neg1", 30, "base.reshape(5, 6)", 4, -1, None, None),
    ("c2d_4x5_win2x2_axis01", 20, "base.reshape(4, 5)", (2, 2), (0, 1), None, None),
    ("c2d_4x5_win3x2_axis10", 20, "base.reshape(4, 5)", (3, 2), (1, 0), None, None),
    ("c2d_4x6_win2x3_axis11_repeated", 24, "base.reshape(4, 6)", (2, 3), (1, 1), None, None),
    ("c2d_4x5_win_full", 20, "base.reshape(4, 5)", (4, 5), None, None, None),
    ("c3d_3x4x5_win2x3_axis12", 60, "base.reshape(3, 4, 5)", (2, 3), (1, 2), None, None),
    ("c3d_3x4x5_win2x2x2", 60, "base.reshape(3, 4, 5)", (2, 2, 2), None, None, None),
    ("c3d_3x4x5_win2_axis0", 60, "base.reshape(3, 4, 5)", 2, 0, None, None),
    ("c3d_3x4x5_win3x2_axis20", 60, "base.reshape(3, 4, 5)", (3, 2), (2, 0), None, None),
    ("f2d_4x5_win2x3", 20, "base.reshape((4, 5), order='F')", (2, 3), None, None, None),
    ("f2d_4x5_win3_axis1", 20, "base.reshape((4, 5), order='F')", 3, 1, None, None),
    ("f3d_3x4x5_win2x2_axis02", 60, "base.reshape((3, 4, 5), order='F')", (2, 2), (0, 2), None, None),
    ("stepsliced_6x8_rows2_cols3_win2x2", 48, "base.reshape(6, 8)[::2, 1::3]", (2, 2), None, None, None),
    ("padded_block_6x8_win3x2", 48, "base.reshape(6, 8)[1:5, 2:7]", (3, 2), None, None, None),
    ("reversed_rows_4x5_win2x2", 20, "base.reshape(4, 5)[::-1, :]", (2, 2), None, None, None),
    ("strided_1d_win3", 20, "base[1::2]", 3, None, None, None),
    # step / dilation by slicing (NumPy has no such arguments)
    ("c2d_7x8_win3x3_step2x2", 56, "base.reshape(7, 8)", (3, 3), None, (2, 2), None),
    ("c2d_7x9_win3x3_step2x3_dil2x1", 63, "base.reshape(7, 9)", (3, 3), None, (2, 3), (2, 1)),
    ("c2d_8x8_win3x3_dil2x2", 64, "base.reshape(8, 8)", (3, 3), None, None, (2, 2)),
    ("c3d_2x7x6_win3x2_axis12_step2x1_dil2x2", 84, "base.reshape(2, 7, 6)", (3, 2), (1, 2), (2, 1), (2, 2)),
    ("f2d_6x7_win2x3_step3x2_dil3x2", 42, "base.reshape((6, 7), order='F')", (2, 3), None, (3, 2), (3, 2)),
    ("c2d_5x6_win2_axis1_step2_dil3", 30, "base.reshape(5, 6)", 2, 1, (2,), (3,)),
]


def nd_expr(in_expr, ndim, window, axis, step, dil):
    win = window if isinstance(window, tuple) else (window,)
    if axis is None:
        axes = tuple(range(ndim)) if len(win) == ndim else None
        assert axes is not None
    else:
        axes = axis if isinstance(axis, tuple) else (axis,)
    step = step or (1,) * len(win)
    dil = dil or (1,) * len(win)
    spans = tuple(d * (k - 1) + 1 for k, d in zip(win, dil))
    wexpr = spans[0] if not isinstance(window, tuple) else spans
    call = f"sliding_window_view(x, {wexpr!r}"
    if axis is not None:
        call += f", axis={axis!r}"
    call += ")"
    if all(s == 1 for s in step) and all(d == 1 for d in dil):
        return call
    outer = [":"] * ndim
    for a, s in zip(axes, step):
        if s != 1:
            outer[a % ndim] = f"::{s}"
    inner = [":" if d == 1 else f"::{d}" for d in dil]
    return call + "[" + ", ".join(outer + inner) + "]"


def sliding_nd_case(name, n, in_expr, window, axis, step, dil):
    base = make_base(n)
    x = eval(in_expr, {"np": np, "base": base})
    assert np.shares_memory(x, base), name
    expr = nd_expr(in_expr, x.ndim, window, axis, step, dil)
    v = eval(expr, {"sliding_window_view": sliding_window_view, "x": x})
    assert np.shares_memory(v, base) and not v.flags.writeable, name
    off = offset_of(v, base)
    assert off == offset_of(x, base), name
    # Every element is where its byte strides say.
    for idx in np.ndindex(v.shape):
        addr = off + sum(i * s for i, s in zip(idx, v.strides))
        assert base[addr // ITEMSIZE] == v[idx], (name, idx)
    win = list(window) if isinstance(window, tuple) else [window]
    return {
        "name": name, "note": expr,
        "input": {
            "note": in_expr, "base": base.tolist(), "shape": list(x.shape),
            "strides": list(x.strides), "offset": offset_of(x, base),
        },
        "itemsize": ITEMSIZE,
        "window_shape": win,
        "axis": None if axis is None else (list(axis) if isinstance(axis, tuple) else [axis]),
        "step": list(step) if step else [1] * len(win),
        "dilation": list(dil) if dil else [1] * len(win),
        "shape": list(v.shape), "strides": list(v.strides), "offset": off,
        "values": v.ravel().tolist(),
    }


# (name, input shape, window_shape, axis): arguments NumPy rejects.
BAD = [
    ("window_larger_than_input_1d", [5], [6], None),
    ("window_larger_than_input_2d", [4, 5], [2, 6], None),
    ("window_negative", [5], [-1], None),
    ("window_rank_mismatch", [4, 5], [2], None),
    ("axis_out_of_range", [4, 5], [2], [2]),
    ("window_axis_length_mismatch", [4, 5], [2, 2], [0]),
]


def bad_case(name, shape, window, axis):
    x = make_base(int(np.prod(shape))).reshape(shape)
    try:
        sliding_window_view(x, window, axis=axis)
    except (ValueError, np.AxisError) as e:
        return {"name": name, "shape": shape, "window_shape": window, "axis": axis,
                "numpy_error": f"{type(e).__name__}: {e}"}
    raise AssertionError(f"{name}: NumPy accepted it")


def main():
    for table in (CONV2D, CONV1D, SLIDING_1D, SLIDING_ND, BAD):
        names = [c[0] for c in table]
        assert len(set(names)) == len(names), "duplicate names"
    conv = {
        "generator": "testdata/gen_conv.py",
        "torch_version": torch.__version__,
        "numpy_version": np.__version__,
        "conv2d": [conv2d_case(*c) for c in CONV2D],
        "conv1d": [conv1d_case(*c) for c in CONV1D],
    }
    windows = {
        "generator": "testdata/gen_conv.py",
        "numpy_version": np.__version__,
        "sliding_1d": [sliding_1d_case(*c) for c in SLIDING_1D],
        "sliding_nd": [sliding_nd_case(*c) for c in SLIDING_ND],
        "bad": [bad_case(*c) for c in BAD],
    }
    for path, doc in ((CONV_OUT, conv), (WINDOWS_OUT, windows)):
        with open(path, "w") as f:
            f.write(dumps(doc) + "\n")
        assert json.load(open(path)) == doc
    for c in conv["conv2d"] + conv["conv1d"]:
        extra = (f"  f32 max err {c['f32_max_abs_err']:.3g} ({c['f32_max_err_units']:.2f} units)"
                 if "y_f32" in c else "")
        print(f"{c['name']:36s} {c['values']:6s}{extra}")
    print(f"wrote {CONV_OUT}: {len(conv['conv2d'])} conv2d, {len(conv['conv1d'])} conv1d cases "
          f"(torch {torch.__version__})")
    print(f"wrote {WINDOWS_OUT}: {len(windows['sliding_1d'])} 1-D, {len(windows['sliding_nd'])} N-d, "
          f"{len(windows['bad'])} bad")


if __name__ == "__main__":
    main()
