package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/strider-go/strider/adapter"
	"github.com/strider-go/strider/bench"
)

func runExplain(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("layoutbench explain", flag.ContinueOnError)
	fs.SetOutput(stderr)
	shape := fs.String("shape", "", `the matrix's shape, rows and columns: "6,8", "(6, 8)" or "6x8"`)
	strides := fs.String("strides", "", `its strides, in bytes as NumPy gives them: "8,48" or "(8, 48)"`)
	itemsize := fs.Int("itemsize", 8, "bytes per element (8 for float64, 4 for float32)")
	offset := fs.Int("offset", 0, "offset of element (0, 0) from the buffer's start, in the strides' unit")
	elements := fs.Bool("elements", false, "strides and offset are in elements, not bytes")
	length := fs.Int("len", 0, "the buffer's length in elements (default: just long enough)")
	npyPath := fs.String("npy", "", "explain the matrix of `FILE.npy` (float64 or float32, 1-D or 2-D) instead: its header gives the layout")
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "usage: layoutbench explain -shape R,C -strides S0,S1 [flags]\n       layoutbench explain -npy FILE.npy\n\nflags:")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return usageError{err}
	}
	if fs.NArg() > 0 {
		return usagef("explain: unexpected argument %q", fs.Arg(0))
	}
	if *npyPath != "" {
		var others []string
		fs.Visit(func(f *flag.Flag) {
			if f.Name != "npy" {
				others = append(others, "-"+f.Name)
			}
		})
		if len(others) > 0 {
			return usagef("explain: -npy and %s: choose one (the file's header gives shape, strides and item size)", strings.Join(others, ", "))
		}
		return explainNpy(stdout, *npyPath)
	}
	if *shape == "" || *strides == "" {
		return usagef("explain: -shape and -strides are required (or -npy FILE.npy)")
	}
	sh, err := parseTuple(*shape)
	if err != nil {
		return usagef("explain: -shape: %v", err)
	}
	st, err := parseTuple(*strides)
	if err != nil {
		return usagef("explain: -strides: %v", err)
	}
	if *length < 0 {
		return usagef("explain: -len %d: want a length in elements", *length)
	}
	unit, off := "bytes", *offset
	var l adapter.Layout
	if *elements {
		unit = "elements"
		if len(sh) != 2 || len(st) != 2 {
			return usagef("explain: want a 2-d shape and two strides, got %v and %v", sh, st)
		}
		l = adapter.Layout{Rows: sh[0], Cols: sh[1], RowStride: st[0], ColStride: st[1], Offset: off}
		if sh[0] <= 0 || sh[1] <= 0 {
			return usagef("explain: shape %v: dimensions must be positive", sh)
		}
	} else {
		if l, err = adapter.FromNumPy(sh, st, *itemsize, off); err != nil {
			return usagef("explain: %v", err)
		}
	}
	op := bench.Operand{
		Source:   fmt.Sprintf("shape %s, strides %s %s, offset %d %s", tuple(sh), tuple(st), unit, off, unit),
		Layout:   l,
		ItemSize: *itemsize,
		Len:      *length,
	}
	return bench.Explain(stdout, op)
}

// explainNpy explains the matrix of the .npy file at path, of either
// float width, as Open lays it out.
func explainNpy(w io.Writer, path string) error {
	f, err := openNpy(path)
	if err != nil {
		return err
	}
	defer f.Close()
	op := bench.Operand{Source: npySource(path, f), ItemSize: f.Header().ItemSize()}
	if op.ItemSize == 4 {
		s, err := f.Strided32()
		if err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		op.Layout, op.Len = s.Layout, len(s.Data)
	} else {
		s, err := f.Strided()
		if err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		op.Layout, op.Len = s.Layout, len(s.Data)
	}
	return bench.Explain(w, op)
}

// parseTuple reads integers in NumPy-ish forms: "6,8", "(6, 8)", "[6 8]",
// "6x8", "6×8".
func parseTuple(s string) ([]int, error) {
	fields := strings.FieldsFunc(s, func(r rune) bool {
		return strings.ContainsRune("()[], x×\t", r)
	})
	if len(fields) == 0 {
		return nil, fmt.Errorf("%q: no integers", s)
	}
	out := make([]int, len(fields))
	for i, f := range fields {
		n, err := strconv.Atoi(f)
		if err != nil {
			return nil, fmt.Errorf("%q: %q is not an integer", s, f)
		}
		out[i] = n
	}
	return out, nil
}

func tuple(v []int) string {
	s := make([]string, len(v))
	for i, n := range v {
		s[i] = strconv.Itoa(n)
	}
	return "(" + strings.Join(s, ", ") + ")"
}
