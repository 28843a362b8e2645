package window

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// TestConv2DAliasing: a dst that shares memory with x or w in any way is
// refused with ErrOverlap and nothing is written; a dst next to its inputs
// in one buffer, and x and w sharing memory, give the right result. Every
// algorithm, both formats, both widths.
func TestConv2DAliasing(t *testing.T) {
	// 1×2×4×4 input, 2 filters 3×3, pad 1: x 32, w 36, dst 32 elements.
	base := Conv2D{N: 1, C: 2, H: 4, W: 4, F: 2, KH: 3, KW: 3, PadH: 1, PadW: 1}
	const nx, nw, ny = 32, 36, 32
	type region struct{ x, w, y int } // offsets into one shared buffer
	cases := []struct {
		name string
		r    region
		size int
		want error // nil: must equal the reference
	}{
		{"dst is x", region{0, 40, 0}, 80, ErrOverlap},
		{"dst overlaps x's tail", region{0, 40, 31}, 80, ErrOverlap},
		{"dst overlaps x's head", region{10, 50, 0}, 90, ErrOverlap},
		{"dst inside w", region{0, 32, 34}, 80, ErrOverlap},
		{"dst overlaps w's tail", region{0, 32, 67}, 100, ErrOverlap},
		{"dst covers x and w", region{1, 33, 0}, 80, ErrOverlap},
		{"dst right after x", region{0, 64, 32}, 100, nil},
		{"dst right before w", region{64, 32, 0}, 100, nil},
		{"x and w share memory", region{0, 0, 40}, 80, nil},
		{"x inside w", region{2, 0, 40}, 80, nil},
	}
	for _, format := range []Format{NCHW, NHWC} {
		for _, algo := range []Algorithm{Auto, BatchedGEMM, Im2Col, Direct} {
			for _, tc := range cases {
				p := base
				p.Format, p.Algo = format, algo
				t.Run(fmt.Sprintf("%v/%v/%s", format, algo, tc.name), func(t *testing.T) {
					rnd := rand.New(rand.NewPCG(5, 6))
					buf := randSlice(rnd, tc.size)
					orig := slices.Clone(buf)
					x, w, y := buf[tc.r.x:tc.r.x+nx], buf[tc.r.w:tc.r.w+nw], buf[tc.r.y:tc.r.y+ny]
					// The reference reads copies of the inputs.
					want := make([]float64, ny)
					p.Algo = Direct
					if err := p.Forward(want, slices.Clone(x), slices.Clone(w)); err != nil {
						t.Fatal(err)
					}
					p.Algo = algo
					err := p.Forward(y, x, w)
					if tc.want != nil {
						if !errors.Is(err, tc.want) {
							t.Fatalf("got %v, want %v", err, tc.want)
						}
						if !slices.Equal(buf, orig) {
							t.Fatal("refused, but the buffer changed")
						}
						return
					}
					if err != nil {
						t.Fatal(err)
					}
					for i := range buf {
						if i >= tc.r.y && i < tc.r.y+ny {
							if d := math.Abs(buf[i] - want[i-tc.r.y]); d > 1e-12 {
								t.Fatalf("dst[%d] = %v, want %v", i-tc.r.y, buf[i], want[i-tc.r.y])
							}
						} else if buf[i] != orig[i] {
							t.Fatalf("buf[%d] outside dst changed", i)
						}
					}

					// float32, same geometry.
					buf32 := float32s(orig)
					x32, w32, y32 := buf32[tc.r.x:tc.r.x+nx], buf32[tc.r.w:tc.r.w+nw], buf32[tc.r.y:tc.r.y+ny]
					if err := p.Forward32(y32, x32, w32); err != nil {
						t.Fatal(err)
					}
					for i := range y32 {
						if d := math.Abs(float64(y32[i]) - want[i]); d > 1e-4*(1+math.Abs(want[i])) {
							t.Fatalf("float32 dst[%d] = %v, want %v", i, y32[i], want[i])
						}
					}
				})
			}
		}
	}
}

// TestConv2DAliasing32 checks that Forward32 refuses overlap too.
func TestConv2DAliasing32(t *testing.T) {
	p := Conv2D{N: 1, C: 1, H: 3, W: 3, F: 1, KH: 1, KW: 1}
	buf := make([]float32, 12)
	for i := range buf {
		buf[i] = float32(i)
	}
	orig := slices.Clone(buf)
	if err := p.Forward32(buf[2:11], buf[0:9], buf[11:12]); !errors.Is(err, ErrOverlap) {
		t.Fatalf("got %v, want ErrOverlap", err)
	}
	if err := p.Forward32(buf[3:12], buf[0:9], buf[0:1]); !errors.Is(err, ErrOverlap) {
		t.Fatalf("got %v, want ErrOverlap", err)
	}
	if !slices.Equal(buf, orig) {
		t.Fatal("refused, but the buffer changed")
	}
}
