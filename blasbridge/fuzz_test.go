package blasbridge_test

import (
	"errors"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"gonum.org/v1/gonum/blas/blas64"

	"github.com/strider-go/strider/adapter"
	"github.com/strider-go/strider/blasbridge"
)

// fuzzOperand is one of A, B, C: a layout over buffer buf.
type fuzzOperand struct {
	l   adapter.Layout
	buf int
}

// fuzzValid reports, by brute force, whether every element of l lies in a
// buffer of n elements.
func fuzzValid(l adapter.Layout, n int) bool {
	if l.Rows <= 0 || l.Cols <= 0 {
		return false
	}
	for i := range l.Rows {
		for j := range l.Cols {
			if k := l.Offset + i*l.RowStride + j*l.ColStride; k < 0 || k >= n {
				return false
			}
		}
	}
	return true
}

// fuzzAliased reports, by brute force, whether two elements of l share an
// address.
func fuzzAliased(l adapter.Layout) bool {
	seen := map[int]bool{}
	for i := range l.Rows {
		for j := range l.Cols {
			k := l.Offset + i*l.RowStride + j*l.ColStride
			if seen[k] {
				return true
			}
			seen[k] = true
		}
	}
	return false
}

// fuzzIntersect reports, by brute force, whether l1 and l2 (over one
// buffer) have an element at the same index.
func fuzzIntersect(l1, l2 adapter.Layout) bool {
	seen := map[int]bool{}
	for i := range l1.Rows {
		for j := range l1.Cols {
			seen[l1.Offset+i*l1.RowStride+j*l1.ColStride] = true
		}
	}
	for i := range l2.Rows {
		for j := range l2.Cols {
			if seen[l2.Offset+i*l2.RowStride+j*l2.ColStride] {
				return true
			}
		}
	}
	return false
}

// fuzzScalar keeps alpha and beta finite and moderate, so that the naive
// reference and BLAS agree on what a product is (Inf·0 has no agreed
// answer).
func fuzzScalar(x, def float64) float64 {
	if math.IsNaN(x) || math.IsInf(x, 0) || math.Abs(x) > 1e6 {
		return def
	}
	return x
}

// FuzzGemm feeds random small layouts — dimensions 1..5 (one of them
// perhaps nudged to mismatch or to 0), strides in -12..12, any offset and
// buffer length, or a layout fitted to its buffer, C perhaps sharing A's or
// B's buffer — through Gemm. It must never panic; it must return an error
// exactly when an operand is outside its buffer, the shapes do not fit, or
// two elements of C share an address (all decided here by brute force,
// and cross-checked with Layout.Check), and write nothing then; otherwise C
// must equal the naive product of copies of the inputs, every other
// element of every buffer must be unchanged, and C must go through scratch
// when it shares an element with an input (brute force) and be planned as
// PlanGemm says (beta 0) when it does not.
func FuzzGemm(f *testing.F) {
	// m, n, k, nudge, six strides, three offsets, three lengths, mode, alpha, beta, seed.
	f.Add(int8(3), int8(4), int8(2), uint8(7), int8(2), int8(1), int8(4), int8(1), int8(4), int8(1), uint8(0), uint8(0), uint8(0), uint8(0), uint8(0), uint8(0), uint8(7), 1.0, 0.0, uint64(1))
	f.Add(int8(3), int8(3), int8(3), uint8(7), int8(1), int8(3), int8(1), int8(3), int8(1), int8(3), uint8(1), uint8(2), uint8(3), uint8(1), uint8(1), uint8(1), uint8(7), -0.5, 2.5, uint64(2))
	f.Add(int8(2), int8(4), int8(3), uint8(6), int8(-3), int8(1), int8(4), int8(-1), int8(-4), int8(-1), uint8(0), uint8(0), uint8(0), uint8(2), uint8(0), uint8(3), uint8(7), 1.0, 1.0, uint64(3))
	f.Add(int8(4), int8(4), int8(4), uint8(7), int8(4), int8(1), int8(1), int8(4), int8(4), int8(1), uint8(0), uint8(0), uint8(0), uint8(0), uint8(0), uint8(0), uint8(7|8), 1.0, 2.5, uint64(4))
	f.Add(int8(4), int8(4), int8(4), uint8(7), int8(1), int8(4), int8(4), int8(1), int8(4), int8(1), uint8(0), uint8(0), uint8(5), uint8(0), uint8(0), uint8(0), uint8(7|16), -0.5, 1.0, uint64(5))
	f.Add(int8(3), int8(2), int8(5), uint8(7), int8(0), int8(1), int8(1), int8(0), int8(6), int8(2), uint8(0), uint8(0), uint8(0), uint8(0), uint8(0), uint8(0), uint8(7), 1.0, 0.0, uint64(6))
	f.Add(int8(3), int8(3), int8(3), uint8(7), int8(3), int8(1), int8(3), int8(1), int8(1), int8(1), uint8(0), uint8(0), uint8(0), uint8(0), uint8(0), uint8(0), uint8(7), 1.0, 0.0, uint64(7))
	f.Add(int8(3), int8(4), int8(2), uint8(2), int8(2), int8(1), int8(4), int8(1), int8(4), int8(1), uint8(0), uint8(0), uint8(0), uint8(0), uint8(0), uint8(0), uint8(7), 1.0, 0.0, uint64(8))
	f.Add(int8(3), int8(4), int8(2), uint8(7), int8(2), int8(1), int8(4), int8(1), int8(4), int8(1), uint8(9), uint8(40), uint8(3), uint8(10), uint8(30), uint8(20), uint8(0), 1.0, 0.0, uint64(9))
	f.Fuzz(func(t *testing.T, m, n, k int8, nudge uint8, ars, acs, brs, bcs, crs, ccs int8,
		aoff, boff, coff, alen, blen, clen, mode uint8, alpha, beta float64, seed uint64) {
		dim := func(x int8) int { return 1 + (int(uint8(x))+4)%5 } // 1..5 as is
		stride := func(x int8) int { return int(x) % 13 }
		// dims: A rows, A cols, B rows, B cols, C rows, C cols.
		dims := [6]int{dim(m), dim(k), dim(k), dim(n), dim(m), dim(n)}
		if which := int(nudge % 8); which < 6 {
			dims[which] += int(nudge/8)%3 - 1
		}
		strides := [6]int{stride(ars), stride(acs), stride(brs), stride(bcs), stride(crs), stride(ccs)}
		offs, lens := [3]uint8{aoff, boff, coff}, [3]uint8{alen, blen, clen}
		// share: 0 none, 1 C in A's buffer, 2 C in B's buffer, 3 A and B share.
		share := int(mode>>3) % 4
		bufOf := [3]int{0, 1, 2}
		switch share {
		case 1:
			bufOf[2] = 0
		case 2:
			bufOf[2] = 1
		case 3:
			bufOf[1] = 0
		}
		var ops [3]fuzzOperand
		var bufLen [3]int
		for o := range 3 {
			l := adapter.Layout{Rows: dims[2*o], Cols: dims[2*o+1], RowStride: strides[2*o], ColStride: strides[2*o+1]}
			need := 0
			if mode&(1<<o) != 0 {
				// Fitted: the layout's lowest element a little past the start.
				lo, hi := 0, 0
				for _, d := range [...][2]int{{l.Rows, l.RowStride}, {l.Cols, l.ColStride}} {
					span := (d[0] - 1) * d[1]
					lo, hi = min(lo, lo+span), max(hi, hi+span)
				}
				l.Offset = -lo + int(offs[o]%4)
				need = l.Offset + hi + 1 + int(lens[o]%4)
			} else {
				l.Offset = int(offs[o]%64) - 2
				need = int(lens[o] % 96)
			}
			ops[o] = fuzzOperand{l: l, buf: bufOf[o]}
			bufLen[bufOf[o]] = max(bufLen[bufOf[o]], need)
		}
		alpha, beta = fuzzScalar(alpha, 1.5), fuzzScalar(beta, -0.5)

		// Buffers: distinct sentinels, then small exact values in the views.
		rng := rand.New(rand.NewPCG(seed, 1))
		var bufs, orig [3][]float64
		for b := range 3 {
			bufs[b] = make([]float64, bufLen[b])
			for p := range bufs[b] {
				bufs[b][p] = -1e6 - 1000*float64(b) - float64(p)
			}
		}
		valid := [3]bool{}
		for o, op := range ops {
			valid[o] = fuzzValid(op.l, bufLen[op.buf])
			if got := op.l.Check(bufLen[op.buf]) == nil; got != valid[o] {
				t.Fatalf("operand %d %+v in %d: Check says valid %v, brute force %v", o, op.l, bufLen[op.buf], got, valid[o])
			}
			if !valid[o] {
				continue
			}
			for i := range op.l.Rows {
				for j := range op.l.Cols {
					bufs[op.buf][op.l.Index(i, j)] = float64(rng.IntN(9)-4) + 0.25
				}
			}
		}
		for b := range 3 {
			orig[b] = slices.Clone(bufs[b])
		}
		a, b, c := ops[0], ops[1], ops[2]
		shapeOK := a.l.Cols == b.l.Rows && a.l.Rows == c.l.Rows && b.l.Cols == c.l.Cols
		boundsOK := valid[0] && valid[1] && valid[2]

		p, err := blasbridge.Gemm(alpha, adapter.Strided{Data: bufs[a.buf], Layout: a.l}, adapter.Strided{Data: bufs[b.buf], Layout: b.l},
			beta, adapter.Strided{Data: bufs[c.buf], Layout: c.l})
		var want error
		switch {
		case !boundsOK:
			if !errors.Is(err, adapter.ErrOutOfBounds) && !errors.Is(err, adapter.ErrDims) {
				t.Fatalf("A %+v B %+v C %+v (buffers %v): got %v, want a bounds or dims error", a.l, b.l, c.l, bufLen, err)
			}
		case !shapeOK:
			want = blasbridge.ErrShape
		case fuzzAliased(c.l):
			want = blasbridge.ErrAliasedOutput
		case err != nil:
			t.Fatalf("A %+v B %+v C %+v (buffers %v, share %d): unexpected error %v", a.l, b.l, c.l, bufLen, share, err)
		}
		if want != nil && !errors.Is(err, want) {
			t.Fatalf("A %+v B %+v C %+v: got %v, want %v", a.l, b.l, c.l, err, want)
		}
		if err != nil {
			for i := range bufs {
				if !slices.Equal(bufs[i], orig[i]) {
					t.Fatalf("error %v, but buffer %d was written", err, i)
				}
			}
			return
		}

		// The naive product of the original values, where C lives.
		at := func(op fuzzOperand, i, j int) float64 {
			return orig[op.buf][op.l.Offset+i*op.l.RowStride+j*op.l.ColStride]
		}
		wantBuf := slices.Clone(orig[c.buf])
		scale := make(map[int]float64)
		for i := range c.l.Rows {
			for j := range c.l.Cols {
				var s, mag float64
				if alpha != 0 {
					for q := range a.l.Cols {
						x := at(a, i, q) * at(b, q, j)
						s += x
						mag += math.Abs(x)
					}
					s, mag = alpha*s, math.Abs(alpha)*mag
				}
				if beta != 0 {
					x := beta * at(c, i, j)
					s += x
					mag += math.Abs(x)
				}
				idx := c.l.Offset + i*c.l.RowStride + j*c.l.ColStride
				wantBuf[idx], scale[idx] = s, mag
			}
		}
		for i := range bufs {
			w := orig[i]
			if i == c.buf {
				w = wantBuf
			}
			for q := range w {
				if sc, inC := scale[q]; i == c.buf && inC {
					if d := math.Abs(bufs[i][q] - w[q]); !(d <= 1e-12*sc) {
						t.Fatalf("A %+v B %+v C %+v alpha %v beta %v share %d: buffer %d[%d] = %v, want %v (plan %v)",
							a.l, b.l, c.l, alpha, beta, share, i, q, bufs[i][q], w[q], p)
					}
				} else if bufs[i][q] != w[q] {
					t.Fatalf("A %+v B %+v C %+v share %d: buffer %d[%d] outside C changed: %v, was %v (plan %v)",
						a.l, b.l, c.l, share, i, q, bufs[i][q], w[q], p)
				}
			}
		}
		// C goes through scratch when it shares an element with an input
		// (decided here by brute force); otherwise it is planned as if it
		// had a buffer of its own: with beta 0, as PlanGemm foresees.
		sharesInput := a.buf == c.buf && fuzzIntersect(a.l, c.l) || b.buf == c.buf && fuzzIntersect(b.l, c.l)
		if sharesInput && p.C != blasbridge.Scratch && p.C != blasbridge.ScratchTransposed {
			t.Fatalf("A %+v B %+v C %+v share %d: C shares an element with an input, but the plan is %v", a.l, b.l, c.l, share, p)
		}
		if !sharesInput && beta == 0 {
			pp, err := blasbridge.PlanGemm(a.l, b.l, c.l)
			if err != nil || pp != p {
				t.Fatalf("A %+v B %+v C %+v share %d: PlanGemm: %v, %v; Gemm followed %v", a.l, b.l, c.l, share, pp, err, p)
			}
		}
	})
}

// FuzzGemv feeds random small A layouts (dimensions 1..5, perhaps nudged,
// strides in -12..12, any offset and buffer length, or fitted) and vectors
// (increments in -4..4, any offset and length), with x and y perhaps in A's
// buffer or in each other's, through Gemv. It must never panic; it must
// return an error exactly when an operand is outside its data, the lengths
// do not fit, or y has increment 0 with more than one element, and write
// nothing then; otherwise y must equal the naive product of copies of the
// inputs, every other element of every buffer must be unchanged, and y must
// go through scratch exactly when it shares an element with A or x (brute
// force).
func FuzzGemv(f *testing.F) {
	// m, n, nudge, ars, acs, aoff, alen, fitted, xinc, xoff, xlen, yinc, yoff, ylen, share, alpha, beta, seed.
	f.Add(int8(3), int8(4), uint8(7), int8(4), int8(1), uint8(0), uint8(0), true, int8(1), uint8(0), uint8(4), int8(1), uint8(0), uint8(3), uint8(0), 1.0, 0.0, uint64(1))
	f.Add(int8(3), int8(4), uint8(7), int8(1), int8(3), uint8(1), uint8(2), true, int8(-2), uint8(1), uint8(9), int8(3), uint8(0), uint8(9), uint8(0), -0.5, 2.0, uint64(2))
	f.Add(int8(4), int8(4), uint8(7), int8(4), int8(1), uint8(0), uint8(0), true, int8(1), uint8(0), uint8(4), int8(1), uint8(2), uint8(4), uint8(1), 1.0, 1.0, uint64(3))
	f.Add(int8(4), int8(4), uint8(7), int8(1), int8(4), uint8(0), uint8(0), true, int8(1), uint8(3), uint8(4), int8(-1), uint8(1), uint8(4), uint8(2), 1.0, 0.5, uint64(4))
	f.Add(int8(3), int8(3), uint8(7), int8(0), int8(1), uint8(0), uint8(0), true, int8(0), uint8(0), uint8(1), int8(0), uint8(0), uint8(1), uint8(0), 1.0, 0.0, uint64(5))
	f.Add(int8(3), int8(3), uint8(7), int8(2), int8(3), uint8(0), uint8(0), true, int8(1), uint8(0), uint8(3), int8(2), uint8(0), uint8(5), uint8(3), 2.0, -1.0, uint64(6))
	f.Add(int8(3), int8(4), uint8(1), int8(4), int8(1), uint8(40), uint8(10), false, int8(1), uint8(0), uint8(4), int8(1), uint8(0), uint8(3), uint8(0), 1.0, 0.0, uint64(7))
	f.Fuzz(func(t *testing.T, m, n int8, nudge uint8, ars, acs int8, aoff, alen uint8, fitted bool,
		xinc int8, xoff, xlen uint8, yinc int8, yoff, ylen uint8, share uint8, alpha, beta float64, seed uint64) {
		dim := func(x int8) int { return 1 + (int(uint8(x))+4)%5 }
		// dims: A rows, A cols, x length, y length.
		dims := [4]int{dim(m), dim(n), dim(n), dim(m)}
		if which := int(nudge % 6); which < 4 {
			dims[which] += int(nudge/6)%3 - 1
		}
		al := adapter.Layout{Rows: dims[0], Cols: dims[1], RowStride: int(ars) % 13, ColStride: int(acs) % 13}
		aLen := int(alen % 96)
		if fitted {
			lo, hi := 0, 0
			for _, d := range [...][2]int{{al.Rows, al.RowStride}, {al.Cols, al.ColStride}} {
				span := (d[0] - 1) * d[1]
				lo, hi = min(lo, lo+span), max(hi, hi+span)
			}
			al.Offset = -lo + int(aoff%4)
			aLen = al.Offset + hi + 1 + int(alen%4)
		} else {
			al.Offset = int(aoff%64) - 2
		}
		// Buffers: 0 A's, 1 x's, 2 y's; share 1: x in A's, 2: y in A's,
		// 3: y in x's.
		bufOf := [3]int{0, 1, 2}
		switch share % 4 {
		case 1:
			bufOf[1] = 0
		case 2:
			bufOf[2] = 0
		case 3:
			bufOf[2] = 1
		}
		xi, yi := int(xinc)%5, int(yinc)%5
		xo, yo := int(xoff%8), int(yoff%8)
		bufLen := [3]int{}
		bufLen[0] = max(bufLen[0], aLen)
		bufLen[bufOf[1]] = max(bufLen[bufOf[1]], xo+int(xlen%24))
		bufLen[bufOf[2]] = max(bufLen[bufOf[2]], yo+int(ylen%24))
		alpha, beta = fuzzScalar(alpha, 1.5), fuzzScalar(beta, -0.5)

		rng := rand.New(rand.NewPCG(seed, 2))
		var bufs, orig [3][]float64
		for b := range 3 {
			bufs[b] = make([]float64, bufLen[b])
			for p := range bufs[b] {
				bufs[b][p] = float64(rng.IntN(9)-4) + 0.5
			}
			orig[b] = slices.Clone(bufs[b])
		}
		// vecIdx is the buffer index of element i of a vector of length
		// nv, increment inc, starting at off (BLAS: a negative increment
		// starts from the end); ok reports whether all of it is in a
		// buffer of length bl.
		vecIdx := func(off, inc, nv, i int) int {
			if inc < 0 {
				return off + (nv-1-i)*-inc
			}
			return off + i*inc
		}
		vecOK := func(off, inc, nv, bl int) bool {
			if nv <= 0 {
				return false
			}
			for i := range nv {
				if k := vecIdx(off, inc, nv, i); k >= bl {
					return false
				}
			}
			return true
		}
		x := blas64.Vector{N: dims[2], Inc: xi, Data: bufs[bufOf[1]][xo:]}
		y := blas64.Vector{N: dims[3], Inc: yi, Data: bufs[bufOf[2]][yo:]}
		aOK := fuzzValid(al, bufLen[0])
		xOK := vecOK(xo, xi, dims[2], bufLen[bufOf[1]])
		yOK := vecOK(yo, yi, dims[3], bufLen[bufOf[2]])
		shapeOK := dims[1] == dims[2] && dims[0] == dims[3]

		p, err := blasbridge.Gemv(alpha, adapter.Strided{Data: bufs[0], Layout: al}, x, beta, y)
		switch {
		case !aOK || !xOK || !yOK || !shapeOK || (yi == 0 && dims[3] > 1):
			if err == nil {
				t.Fatalf("A %+v x %+v y %+v (buffers %v): no error", al, x, y, bufLen)
			}
			for i := range bufs {
				if !slices.Equal(bufs[i], orig[i]) {
					t.Fatalf("error %v, but buffer %d was written", err, i)
				}
			}
			return
		case err != nil:
			t.Fatalf("A %+v x (N %d Inc %d off %d) y (N %d Inc %d off %d) share %d: unexpected error %v", al, x.N, x.Inc, xo, y.N, y.Inc, yo, share%4, err)
		}
		// y goes through scratch exactly when it shares an element with A
		// or x (brute force over buffer indices).
		yIdx := map[int]bool{}
		for i := range dims[3] {
			yIdx[yo+vecIdx(0, yi, dims[3], i)] = true
		}
		sharesInput := false
		if bufOf[2] == 0 {
			for i := range al.Rows {
				for j := range al.Cols {
					sharesInput = sharesInput || yIdx[al.Index(i, j)]
				}
			}
		}
		if bufOf[2] == bufOf[1] {
			for j := range dims[2] {
				sharesInput = sharesInput || yIdx[vecIdx(xo, xi, dims[2], j)]
			}
		}
		if got := p.C == blasbridge.Scratch; got != sharesInput {
			t.Fatalf("A %+v x (Inc %d off %d) y (Inc %d off %d) share %d: y shares an element with an input: %v, but the plan is %v",
				al, xi, xo, yi, yo, share%4, sharesInput, p)
		}
		want := slices.Clone(orig[bufOf[2]])
		scale := map[int]float64{}
		for i := range dims[0] {
			var s, mag float64
			for j := range dims[1] {
				v := orig[0][al.Index(i, j)] * orig[bufOf[1]][vecIdx(xo, xi, dims[2], j)]
				s, mag = s+v, mag+math.Abs(v)
			}
			s, mag = alpha*s, math.Abs(alpha)*mag
			k := vecIdx(yo, yi, dims[3], i)
			if beta != 0 {
				v := beta * orig[bufOf[2]][k]
				s, mag = s+v, mag+math.Abs(v)
			}
			want[k], scale[k] = s, mag
		}
		for b := range bufs {
			for q := range bufs[b] {
				if sc, inY := scale[q]; b == bufOf[2] && inY {
					if d := math.Abs(bufs[b][q] - want[q]); !(d <= 1e-12*sc) {
						t.Fatalf("A %+v x (Inc %d off %d) y (Inc %d off %d) share %d alpha %v beta %v: y at %d = %v, want %v (plan %v)",
							al, xi, xo, yi, yo, share%4, alpha, beta, q, bufs[b][q], want[q], p)
					}
				} else if bufs[b][q] != orig[b][q] {
					t.Fatalf("A %+v share %d: buffer %d[%d] outside y changed: %v, was %v (plan %v)", al, share%4, b, q, bufs[b][q], orig[b][q], p)
				}
			}
		}
	})
}
