package window

import (
	"fmt"
	"math"
	"unsafe"

	"github.com/strider-go/strider/blasbridge"
	"github.com/strider-go/strider/internal/bounds"
)

// Format is the memory order of a convolution's input and output, and with
// it the order of its filters.
type Format int

const (
	// NCHW: input N·C·H·W, filters F·C·KH·KW (OIHW), output N·F·OH·OW.
	NCHW Format = iota
	// NHWC: input N·H·W·C, filters KH·KW·C·F (HWIO), output N·OH·OW·F.
	NHWC
)

func (f Format) String() string {
	switch f {
	case NCHW:
		return "NCHW"
	case NHWC:
		return "NHWC"
	}
	return fmt.Sprintf("Format(%d)", int(f))
}

// Algorithm selects how a convolution is computed. Every algorithm gives
// the same result up to rounding.
type Algorithm int

const (
	// Auto picks an algorithm by the shape and the BLAS backend in use.
	Auto Algorithm = iota
	// BatchedGEMM (kn2row) sums, over the KH·KW taps, one GEMM of the tap's
	// filter matrix with a shifted strided view of the input, accumulating
	// with beta = 1. It builds no im2col matrix: its scratch is a padded
	// block of input rows and at most a block of output rows per worker.
	BatchedGEMM
	// Im2Col packs each image's KH·KW·C × OH·OW patch matrix (its transpose
	// for NHWC) and computes the image with one GEMM.
	Im2Col
	// Direct is the plain loop nest: the reference.
	Direct
	// Depthwise is the kernel of depthwise convolutions (Groups = C, any
	// channel multiplier F/C). With stride 1, each channel's padded block
	// of rows is one vector that every tap updates with a BLAS axpy (NHWC
	// is transposed into channel planes first); with a stride, a loop nest
	// streams each output row and skips the padding. It is an error for
	// other group counts; Auto picks it for them.
	Depthwise
	// Winograd is minimal filtering F(m×m, 3×3) (Lavin and Gray): filters
	// and α×α input tiles (α = m + 2) are transformed, the α² element-wise
	// products summed over channels are α² independent GEMMs — one strided
	// batched GEMM through blasbridge per group and block of tiles — and
	// an output transform gives m×m outputs per tile. The transforms are
	// GEMMs too, with the Kronecker products Bᵀ⊗Bᵀ and Aᵀ⊗Aᵀ over a
	// block's tiles and channels, so every step runs in the BLAS. It runs 3×3 kernels
	// with stride 1 and dilation 1, any padding and group count; other
	// layers are an error. Conv2D.WinogradTile picks m: 2 multiplies 2.25
	// times less than the direct sum, 4 multiplies 4 times less.
	//
	// Accuracy, measured against the float64 sum on random inputs in
	// [−1, 1) with C = 64 (TestWinogradError pins these bounds), as the
	// largest error of an output relative to its Σ|x|·|w|, the scale
	// rounding works on: float64 F(2×2) within 2⁻⁵⁰ (measured 2⁻⁵¹·²) and
	// F(4×4) within 2⁻⁴⁷ (2⁻⁴⁸·⁰); float32 F(2×2) within 2⁻²¹ (2⁻²³·³; the
	// direct sum measured 2⁻²²·⁴) and F(4×4) within 2⁻¹⁸ (2⁻¹⁹·⁵): three bits
	// worse than the direct sum, which is why WinogradTile 0 means 4 in
	// float64 but 2 in float32, and why Auto never picks F(4×4) in float32.
	//
	// BackwardFilter runs Winograd where Forward would (asked for, or
	// Auto's choice), with the same matrices and tiles: the filter gradient
	// of a tile is Gᵀ[(Bᵀ d B) ⊙ (A dy Aᵀ)]G, α² GEMMs over the tiles. Its
	// error relative to each element's Σ|x|·|dy| keeps the same bounds
	// (TestWinogradFilterError; measured 2⁻⁵¹·⁴, 2⁻⁴⁸·⁹, 2⁻²²·⁹ and 2⁻¹⁹·³).
	// BackwardData with stride 1 is a Forward, Winograd's where it runs.
	Winograd
)

func (a Algorithm) String() string {
	switch a {
	case Auto:
		return "Auto"
	case BatchedGEMM:
		return "BatchedGEMM"
	case Im2Col:
		return "Im2Col"
	case Direct:
		return "Direct"
	case Depthwise:
		return "Depthwise"
	case Winograd:
		return "Winograd"
	}
	return fmt.Sprintf("Algorithm(%d)", int(a))
}

// Conv2D describes a 2-D convolution — a cross-correlation, as PyTorch's
// conv2d and TensorFlow's conv2d define it:
//
//	NCHW: y[n, f, oh, ow] = Σ_{c, kh, kw} x[n, g·Cg + c, oh·sh + kh·dh − ph, ow·sw + kw·dw − pw] · w[f, c, kh, kw]
//	NHWC: y[n, oh, ow, f] = Σ_{kh, kw, c} x[n, oh·sh + kh·dh − ph, ow·sw + kw·dw − pw, g·Cg + c] · w[kh, kw, c, f]
//
// with x zero outside the image, c running over the Cg = C/Groups input
// channels of output channel f's group g = f / (F/Groups), and
//
//	OH = (H + 2·PadH − (KH−1)·DilationH − 1) / StrideH + 1   (OW likewise).
//
// Groups of 0 or 1 is the dense convolution (Cg = C, g = 0). Groups = C is
// depthwise: each output channel reads one input channel, and F = m·C gives
// a channel multiplier m (output channels f = c·m … c·m+m−1 read channel c),
// as in PyTorch's conv2d(groups=C) and MobileNet.
//
// A Conv2D is a plain value; Forward may be called on it from many
// goroutines at once, on outputs that do not overlap.
type Conv2D struct {
	Format                                             Format
	N, C, H, W, F, KH, KW                              int
	StrideH, StrideW, DilationH, DilationW, PadH, PadW int // zero stride or dilation means 1
	Algo                                               Algorithm
	// Groups splits the channels into Groups independent convolutions:
	// C/Groups input channels and F/Groups output channels each, both of
	// which must divide evenly. 0 or 1 is dense; C is depthwise.
	Groups int
	// WinogradTile is the output tile m of the Winograd algorithm,
	// F(m×m, 3×3): 2 or 4, or 0 for 4 in float64 and 2 in float32 (see
	// Winograd for the accuracy of each).
	WinogradTile int
}

// OutDims returns the output's height and width, or (0, 0) when the
// geometry is invalid (Forward says why).
func (p Conv2D) OutDims() (oh, ow int) {
	g, err := p.geometry()
	if err != nil {
		return 0, 0
	}
	return g.oh, g.ow
}

// Forward computes the convolution of x with the filters w into dst:
//
//	NCHW: x N·C·H·W, w F·Cg·KH·KW (OIHW), dst N·F·OH·OW
//	NHWC: x N·H·W·C, w KH·KW·Cg·F (HWIO), dst N·OH·OW·F
//
// with Cg = C/Groups (C for a dense convolution), PyTorch's and
// TensorFlow's weight layouts.
//
// dst is overwritten. Forward returns an error, and writes nothing, for a
// buffer of the wrong length (ErrLength), a dst that shares memory with x or
// w (ErrOverlap; x and w may share), a size that is not positive, a negative
// stride, dilation, padding or group count, or C or F not divisible by
// Groups (ErrDims), a kernel larger than the padded
// input (ErrTooLarge, which matches ErrDims too), sizes whose arithmetic overflows int (ErrOverflow), and an
// unknown Format or Algorithm (ErrDims).
//
// After the first call with a given shape, Forward allocates nothing: its
// scratch is pooled.
func (p Conv2D) Forward(dst, x, w []float64) error {
	return convForward(p, dst, x, w)
}

// Forward32 is Forward for float32 data, through the backend's Float32 BLAS.
func (p Conv2D) Forward32(dst, x, w []float32) error {
	return convForward(p, dst, x, w)
}

// convFloat is the element types the kernels run on.
type convFloat interface{ ~float32 | ~float64 }

// convGeom is a validated Conv2D with every default resolved and every size
// computed without overflow.
type convGeom struct {
	nhwc                   bool
	n, c, h, w, f, kh, kw  int
	sh, sw, dh, dw, ph, pw int
	groups, cg, fg         int // groups, and input and output channels per group
	winoTile               int // Conv2D.WinogradTile
	wino                   *winoMat
	oh, ow                 int
	hp, wp                 int // padded input height and width
	xlen, wlen, ylen       int
	plane                  int // C·Hp·Wp: one padded image
	taps                   int // KH·KW
	patch                  int // KH·KW·C: one row of the im2col matrix
	gpatch                 int // KH·KW·Cg: one group's part of it, a GEMM's K
	col                    int // KH·KW·C·OH·OW, or -1 when it overflows
	maxLen                 int // the largest of the sizes above
}

// depthwise reports whether each group has one input channel and there
// is more than one group.
func (g *convGeom) depthwise() bool { return g.cg == 1 && g.groups > 1 }

func (p Conv2D) geometry() (convGeom, error) {
	var g convGeom
	switch p.Format {
	case NCHW:
	case NHWC:
		g.nhwc = true
	default:
		return g, badParam("unknown format %v", p.Format)
	}
	switch p.Algo {
	case Auto, BatchedGEMM, Im2Col, Direct, Depthwise, Winograd:
	default:
		return g, badParam("unknown algorithm %v", p.Algo)
	}
	g.n, g.c, g.h, g.w, g.f, g.kh, g.kw = p.N, p.C, p.H, p.W, p.F, p.KH, p.KW
	for _, d := range [...]struct {
		name string
		v    int
	}{{"N", p.N}, {"C", p.C}, {"H", p.H}, {"W", p.W}, {"F", p.F}, {"KH", p.KH}, {"KW", p.KW}} {
		if d.v <= 0 {
			return g, fmt.Errorf("%w: %s = %d", ErrDims, d.name, d.v)
		}
	}
	for _, d := range [...]struct {
		name string
		v    int
	}{{"StrideH", p.StrideH}, {"StrideW", p.StrideW}, {"DilationH", p.DilationH}, {"DilationW", p.DilationW}, {"PadH", p.PadH}, {"PadW", p.PadW}, {"Groups", p.Groups}} {
		if d.v < 0 {
			return g, badParam("%s = %d is negative", d.name, d.v)
		}
	}
	one := func(v int) int {
		if v == 0 {
			return 1
		}
		return v
	}
	g.sh, g.sw, g.dh, g.dw = one(p.StrideH), one(p.StrideW), one(p.DilationH), one(p.DilationW)
	g.groups = one(p.Groups)
	if p.C%g.groups != 0 || p.F%g.groups != 0 {
		return g, badParam("C = %d and F = %d must both be multiples of Groups = %d", p.C, p.F, g.groups)
	}
	g.cg, g.fg = p.C/g.groups, p.F/g.groups
	if p.Algo == Winograd && (p.KH != 3 || p.KW != 3 || g.sh != 1 || g.sw != 1 || g.dh != 1 || g.dw != 1) {
		return g, badParam("the Winograd algorithm runs 3×3 kernels with stride 1 and dilation 1; got %d×%d, stride %d×%d, dilation %d×%d",
			p.KH, p.KW, g.sh, g.sw, g.dh, g.dw)
	}
	switch p.WinogradTile {
	case 0, 2, 4:
	default:
		return g, badParam("WinogradTile = %d: want 2, 4 or 0 (the default)", p.WinogradTile)
	}
	g.winoTile = p.WinogradTile
	if p.Algo == Depthwise && g.cg != 1 {
		return g, badParam("the Depthwise algorithm needs Groups = C (one input channel per group); got Groups = %d, C = %d", g.groups, p.C)
	}
	g.ph, g.pw = p.PadH, p.PadW

	ok := true
	mul := func(vs ...int) int {
		r := 1
		for _, v := range vs {
			var o bool
			if r, o = bounds.Mul(r, v); !o {
				ok = false
				return 0
			}
		}
		return r
	}
	add := func(a, b int) int {
		s, o := bounds.Add(a, b)
		if !o {
			ok = false
		}
		return s
	}
	g.hp = add(p.H, mul(2, g.ph))
	g.wp = add(p.W, mul(2, g.pw))
	ekh := add(mul(p.KH-1, g.dh), 1)
	ekw := add(mul(p.KW-1, g.dw), 1)
	if !ok {
		return g, fmt.Errorf("%w: padded input or dilated kernel size", ErrOverflow)
	}
	if ekh > g.hp || ekw > g.wp {
		return g, tooLarge("dilated kernel %d×%d is larger than the padded input %d×%d", ekh, ekw, g.hp, g.wp)
	}
	g.oh = (g.hp-ekh)/g.sh + 1
	g.ow = (g.wp-ekw)/g.sw + 1
	g.xlen = mul(p.N, p.C, p.H, p.W)
	g.wlen = mul(p.F, g.cg, p.KH, p.KW)
	g.ylen = mul(p.N, p.F, g.oh, g.ow)
	g.plane = mul(p.C, g.hp, g.wp)
	g.taps = mul(p.KH, p.KW)
	g.patch = mul(g.taps, p.C)
	g.gpatch = g.taps * g.cg // <= patch
	// The output rows of one image at full padded width, the scratch of the
	// chained kn2row GEMMs.
	full := mul(p.F, g.oh, g.wp)
	if !ok {
		return g, fmt.Errorf("%w: buffer sizes of %v", ErrOverflow, p)
	}
	g.maxLen = max(g.xlen, g.wlen, g.ylen, g.plane, full)
	g.col, ok = bounds.Mul(g.patch, g.oh*g.ow) // oh*ow <= ylen: no overflow
	if !ok {
		g.col = -1
	}
	return g, nil
}

func (p Conv2D) String() string {
	s := fmt.Sprintf("%v conv %d×%d×%d×%d * %d×%d→%d, stride %d×%d, dilation %d×%d, pad %d×%d",
		p.Format, p.N, p.C, p.H, p.W, p.KH, p.KW, p.F, p.StrideH, p.StrideW, p.DilationH, p.DilationW, p.PadH, p.PadW)
	if p.Groups > 1 {
		s += fmt.Sprintf(", %d groups", p.Groups)
	}
	return s
}

func checkConvLen(name string, got, want int, shape string) error {
	if got != want {
		return fmt.Errorf("%w: %s has %d elements, want %s = %d", ErrLength, name, got, shape, want)
	}
	return nil
}

// shapes returns how x, w and y are described in errors.
// They are constants: Forward allocates nothing.
func (g *convGeom) shapes() (xs, ws, ys string) {
	switch {
	case g.nhwc && g.groups > 1:
		return "N·H·W·C", "KH·KW·(C/Groups)·F", "N·OH·OW·F"
	case g.nhwc:
		return "N·H·W·C", "KH·KW·C·F", "N·OH·OW·F"
	case g.groups > 1:
		return "N·C·H·W", "F·(C/Groups)·KH·KW", "N·F·OH·OW"
	}
	return "N·C·H·W", "F·C·KH·KW", "N·F·OH·OW"
}

func convForward[T convFloat](p Conv2D, dst, x, w []T) error {
	g, err := p.geometry()
	if err != nil {
		return err
	}
	xs, ws, ys := g.shapes()
	if err := checkConvLen("x", len(x), g.xlen, xs); err != nil {
		return err
	}
	if err := checkConvLen("w", len(w), g.wlen, ws); err != nil {
		return err
	}
	if err := checkConvLen("dst", len(dst), g.ylen, ys); err != nil {
		return err
	}
	if bounds.SlicesOverlap(dst, x) {
		return fmt.Errorf("%w: dst and x share memory", ErrOverlap)
	}
	if bounds.SlicesOverlap(dst, w) {
		return fmt.Errorf("%w: dst and w share memory", ErrOverlap)
	}
	be := blasbridge.Active()
	algo, _, err := resolve[T](p, &g, &be)
	if err != nil {
		return err
	}
	switch algo {
	case Direct:
		directConv(&g, dst, x, w)
	default:
		runJob(&g, algo, &be, dst, x, w, nil)
	}
	return nil
}

// resolve returns the algorithm that runs p on backend be for elements of
// type T, and why: Auto's choice, or the one asked for, or Direct where a
// size exceeds what the backend takes. It sets g's Winograd variant.
func resolve[T convFloat](p Conv2D, g *convGeom, be *blasbridge.Backend) (Algorithm, string, error) {
	var zero T
	f32 := unsafe.Sizeof(zero) == 4
	algo, why := p.Algo, "asked for"
	tile := g.winoTile // honoured when Winograd is asked for
	if algo == Auto {
		algo, why, tile = g.auto(be, f32)
	}
	if algo == Winograd {
		g.wino = &wino4
		if tile == 2 || tile == 0 && f32 {
			g.wino = &wino2
		}
	}
	if algo == Im2Col && g.col < 0 {
		return 0, "", fmt.Errorf("%w: the im2col matrix of %v", ErrOverflow, p)
	}
	if algo != Direct && algo != Depthwise && be.MaxDim < math.MaxInt && max(g.maxLen, g.col) > be.MaxDim {
		// A leading dimension or size could exceed what the backend takes
		// (CBLAS: 32-bit ints); the loops take anything.
		return Direct, fmt.Sprintf("a size exceeds what %s takes (%d)", be.Name, be.MaxDim), nil
	}
	return algo, why, nil
}

// auto picks the algorithm for g on backend be, for float32 data or
// float64, and says why; for Winograd it picks the tile too.
func (g *convGeom) auto(be *blasbridge.Backend, f32 bool) (Algorithm, string, int) {
	if g.depthwise() {
		return Depthwise, "depthwise: a GEMM per group would have one row or column", 0
	}
	if g.col < 0 {
		return BatchedGEMM, "the im2col matrix's size overflows int", 0
	}
	// Few channels: a GEMM per tap has K = C < 4. With a column stride in
	// NCHW, whose per-tap views must be decimated copies, one GEMM per image
	// over the patch matrix wins; otherwise the per-tap GEMMs still do
	// (BenchmarkConv2D, 8×3×224×224, 7×7 stride 2 into 64: NCHW Im2Col 13 ms
	// against 16 on OpenBLAS in float32, 45 against 112–132 on Gonum; NHWC
	// BatchedGEMM 10–11 ms against 18–21 and 55 against 64–66. A 512×512
	// RGB image, 5×5 stride 1 into 16, float32: BatchedGEMM 4–12 ms against
	// 16 (OpenBLAS) and 17 against 43–50 (Gonum) in NCHW, 7–8 against 48–52
	// and 37 against 107–109 in NHWC).
	if g.c < 4 && g.taps > 1 && !g.nhwc && g.sw > 1 {
		return Im2Col, "NCHW with a column stride and fewer than 4 channels: one GEMM per image beats decimated per-tap copies", 0
	}
	// Winograd (BenchmarkConv2D, 8×64×56×56 and 8×256×14×14, both formats,
	// 3 interleaved runs, against the faster of BatchedGEMM and Im2Col):
	//   - Gonum's BLAS: it wins everywhere. F(2×2) at 0.52–0.80×, F(4×4) at
	//     0.36–0.49× on 56×56 but 0.64–0.99× on 14×14, where its 4×4 tiles
	//     waste more of the edge: F(4×4) for float64 images of at least
	//     28×28 outputs, F(2×2) otherwise (and always in float32, where
	//     F(4×4) loses digits).
	//   - OpenBLAS, whose GEMMs are 5–10 times faster: only on pixel-rich
	//     layers. float64 F(4×4) at 0.60–0.80× on 56×56×64; on 14×14×256 it
	//     ran 1.2–2× slower. float32 F(2×2) in NHWC, 0.78× on 56×56×64
	//     (3.6 ms against 4.6; at most 8% faster on the first fit's Intel
	//     machine, never slower), 1.15–1.7× slower on 14×14×256; in NCHW,
	//     whose tiles are gathered element by element, 1.25× slower.
	winoOK := g.kh == 3 && g.kw == 3 && g.sh == 1 && g.sw == 1 && g.dh == 1 && g.dw == 1 && g.cg >= 16 && g.fg >= 16
	big := g.oh*g.ow >= 28*28
	switch {
	case winoOK && be.GoBLAS():
		tile := 2
		if !f32 && big {
			tile = 4
		}
		return Winograd, "Gonum's BLAS, a 3×3 stride-1 kernel and at least 16 channels a group: Winograd's fewer multiplications win", tile
	case winoOK && !f32 && g.oh*g.ow >= 16*g.cg:
		return Winograd, "float64 on a 3×3 stride-1 layer with many pixels per channel: F(4×4)'s four times fewer multiplications win", 4
	case winoOK && g.nhwc && g.oh*g.ow >= 16*g.cg:
		return Winograd, "float32 NHWC on a 3×3 stride-1 layer with many pixels per channel: F(2×2)'s 2.25 times fewer multiplications win (F(4×4) loses digits in float32)", 2
	}
	// One GEMM per image beats per-tap GEMMs when the patch matrix is small
	// (8×256×14×14, 3×3), whose tap GEMMs are F×(a few output rows)×C; kn2row
	// wins at 8×64×56×56. BenchmarkConv2D: on OpenBLAS in both formats (14×14:
	// float64 28–34 ms against 38–44 ms); on Gonum's BLAS in NCHW only (128 against
	// 144 ms in float64, 78 against 109 in float32; NHWC per-tap GEMMs still
	// won, 110 against 122 ms).
	smallPatch := g.taps > 1 && g.col <= 1<<19
	if smallPatch && (be.SingleThreaded != nil || !g.nhwc) {
		// A constant reason: Forward allocates nothing.
		return Im2Col, "the patch matrix is small (at most 2¹⁹ elements): one GEMM per image beats a GEMM per tap", 0
	}
	return BatchedGEMM, "a GEMM per tap over strided views, no im2col matrix", 0
}
