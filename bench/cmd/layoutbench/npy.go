package main

import (
	"fmt"

	"github.com/strider-go/strider/adapter"
	"github.com/strider-go/strider/adapter/npy"
)

// openNpy opens the .npy file at path and checks that it holds a matrix:
// 0-, 1- or 2-D (a 1-D array is n×1). The caller closes the File.
func openNpy(path string) (*npy.File, error) {
	f, err := npy.Open(path)
	if err != nil {
		return nil, err
	}
	if shape := f.Shape(); len(shape) > 2 {
		f.Close()
		return nil, fmt.Errorf("%s: shape %s has %d dimensions, and the measurement takes a matrix: "+
			"a 1-D file is n×1 and a 2-D file as it is; save a 2-D view (np.save(\"a2.npy\", a.reshape(a.shape[0], -1)) or a[..., 0]), "+
			"or see how strider lays it out with layoutbench explain -npy %s, which takes any rank",
			path, tuple(shape), len(shape), path)
	}
	return f, nil
}

// npySource describes an open file for the first line of a report: its
// name, dtype, order, shape, where its data starts, and whether Open had
// to copy it.
func npySource(path string, f *npy.File) string {
	how := "mapped in place, not copied"
	if f.Copied() {
		how = "copied into memory by Open (big-endian or unaligned data, or no memory mapping here)"
	}
	return fmt.Sprintf("%s: %s, data at byte %d of the file, %s", path, npyDesc(f.Header()), f.Header().DataOffset, how)
}

// npyDesc describes an array by its header: "<f8, C order, shape (5, 8)".
func npyDesc(h npy.Header) string {
	order := "C order"
	if h.FortranOrder {
		order = "Fortran order"
	}
	return fmt.Sprintf("%s, %s, shape %s", h.Dtype, order, tuple(h.Shape))
}

// npyMatrix returns the float64 matrix of f for the measurement; float32
// data is an error that points at explain, which takes both widths.
func npyMatrix(path string, f *npy.File) (adapter.Strided, error) {
	if h := f.Header(); h.ItemSize() != 8 {
		return adapter.Strided{}, fmt.Errorf("%s holds %s (float32): the measurement runs float64 GEMV and GEMM; "+
			"save it as float64 (a.astype(np.float64)) to measure it, or see its layout with layoutbench explain -npy %s, which takes float32",
			path, h.Dtype, path)
	}
	a, err := f.Strided()
	if err != nil {
		return adapter.Strided{}, fmt.Errorf("%s: %w", path, err)
	}
	return a, nil
}
