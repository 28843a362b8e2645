package window

import (
	"fmt"

	"github.com/strider-go/strider/adapter"
	"github.com/strider-go/strider/internal/bounds"
)

// OIHWToHWIO writes filters src in PyTorch's OIHW layout, [F][Cg][KH][KW],
// to dst in TensorFlow's HWIO layout, [KH][KW][Cg][F]: the weights of an
// NCHW Conv2D as the same layer's NHWC weights. Cg is the input channels
// per group (C/Groups). It returns an error wrapping ErrLength when a
// buffer does not hold F·Cg·KH·KW elements, ErrDims for a size that is not
// positive, ErrOverflow when that product overflows, and ErrOverlap when
// dst and src share memory; on any error nothing is written.
func OIHWToHWIO[T adapter.Float](dst, src []T, f, cg, kh, kw int) error {
	if err := checkWeights(dst, src, f, cg, kh, kw); err != nil {
		return err
	}
	for o := range f {
		for i := range cg {
			for a := range kh {
				for b := range kw {
					dst[((a*kw+b)*cg+i)*f+o] = src[((o*cg+i)*kh+a)*kw+b]
				}
			}
		}
	}
	return nil
}

// HWIOToOIHW is OIHWToHWIO's inverse: HWIO filters src, [KH][KW][Cg][F],
// to OIHW dst, [F][Cg][KH][KW], with the same errors.
func HWIOToOIHW[T adapter.Float](dst, src []T, f, cg, kh, kw int) error {
	if err := checkWeights(dst, src, f, cg, kh, kw); err != nil {
		return err
	}
	for o := range f {
		for i := range cg {
			for a := range kh {
				for b := range kw {
					dst[((o*cg+i)*kh+a)*kw+b] = src[((a*kw+b)*cg+i)*f+o]
				}
			}
		}
	}
	return nil
}

func checkWeights[T adapter.Float](dst, src []T, f, cg, kh, kw int) error {
	n := 1
	for _, d := range [...]struct {
		name string
		v    int
	}{{"F", f}, {"Cg", cg}, {"KH", kh}, {"KW", kw}} {
		if d.v <= 0 {
			return fmt.Errorf("%w: %s = %d", ErrDims, d.name, d.v)
		}
		var ok bool
		if n, ok = bounds.Mul(n, d.v); !ok {
			return fmt.Errorf("%w: %d·%d·%d·%d filter elements", ErrOverflow, f, cg, kh, kw)
		}
	}
	if err := checkConvLen("src", len(src), n, "F·Cg·KH·KW"); err != nil {
		return err
	}
	if err := checkConvLen("dst", len(dst), n, "F·Cg·KH·KW"); err != nil {
		return err
	}
	if bounds.SlicesOverlap(dst, src) {
		return fmt.Errorf("%w: dst and src share memory", ErrOverlap)
	}
	return nil
}
