package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/strider-go/strider/adapter"
	"github.com/strider-go/strider/adapter/npy"
	"github.com/strider-go/strider/bench"
)

func runExplain(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("layoutbench explain", flag.ContinueOnError)
	fs.SetOutput(stderr)
	shape := fs.String("shape", "", `the array's shape: "6,8", "(6, 8)" or "6x8"; a 2-D shape is a matrix, any other rank an N-d array`)
	strides := fs.String("strides", "", `its strides, in bytes as NumPy gives them: "8,48" or "(8, 48)" (default: C order)`)
	itemsize := fs.Int("itemsize", 8, "bytes per element (8 for float64, 4 for float32)")
	offset := fs.Int("offset", 0, "offset of element (0, 0) from the buffer's start, in the strides' unit")
	elements := fs.Bool("elements", false, "strides and offsets are in elements, not bytes")
	length := fs.Int("len", 0, "the buffer's length in elements (default: just long enough)")
	npyPath := fs.String("npy", "", "explain the array of `FILE.npy` (float64 or float32; 0-, 1- and 2-D as a matrix, a 1-D array n×1) instead: its header gives the layout")
	npzArg := fs.String("npz", "", "explain the array `FILE.npz:NAME` of an np.savez or np.savez_compressed archive (NAME without .npy; "+
		"FILE.npz alone when it holds one array): how the member is stored, whether Open maps it in place, then as -npy does. FILE:NAME splits as for -safetensors")
	stArg := fs.String("safetensors", "", "explain the tensor `FILE:NAME` of a safetensors file: where it lies in the file, whether Get maps it in place, then as -npy does. "+
		"The argument splits at the last ':' whose prefix is an existing file, so either part may contain ':'; a FILE alone lists its tensors")
	einsum := fs.String("einsum", "", `explain the contraction of -a and -b into -c by `+"`SPEC`"+`, "bshd,bthd->bhst" (blasbridge.PlanEinsum)`)
	matmul := fs.Bool("matmul", false, "explain NumPy's matmul of -a and -b into -c (blasbridge.PlanMatmul)")
	var ops [3]struct {
		shape, strides *string
		offset         *int
	}
	for t, name := range []string{"a", "b", "c"} {
		what := [3]string{"the first input", "the second input", "the output (default: the result's shape, C order)"}[t]
		ops[t].shape = fs.String(name+"-shape", "", "with -einsum or -matmul: the shape of "+what)
		ops[t].strides = fs.String(name+"-strides", "", "with -einsum or -matmul: its strides, in the strides' unit (default: C order)")
		ops[t].offset = fs.Int(name+"-offset", 0, "with -einsum or -matmul: its offset, in the strides' unit")
	}
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), `usage: layoutbench explain -shape R,C [-strides S0,S1] [flags]
       layoutbench explain -shape D0,D1,D2,... [-strides ...] [flags]
       layoutbench explain -einsum SPEC -a-shape ... -b-shape ... [-c-shape ...] [flags]
       layoutbench explain -matmul -a-shape ... -b-shape ... [-c-shape ...] [flags]
       layoutbench explain -npy FILE.npy
       layoutbench explain -npz FILE.npz:NAME
       layoutbench explain -safetensors FILE:NAME

flags:`)
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
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	others := func(allowed ...string) []string {
		var out []string
		fs.VisitAll(func(f *flag.Flag) {
			if set[f.Name] && !slices.Contains(allowed, f.Name) {
				out = append(out, "-"+f.Name)
			}
		})
		return out
	}
	if *npyPath != "" {
		if o := others("npy"); len(o) > 0 {
			return usagef("explain: -npy and %s: choose one (the file's header gives shape, strides and item size)", strings.Join(o, ", "))
		}
		return explainNpy(stdout, *npyPath)
	}
	if *npzArg != "" {
		if o := others("npz"); len(o) > 0 {
			return usagef("explain: -npz and %s: choose one (the member's header gives shape, strides and item size)", strings.Join(o, ", "))
		}
		return explainNpz(stdout, *npzArg)
	}
	if *stArg != "" {
		if o := others("safetensors"); len(o) > 0 {
			return usagef("explain: -safetensors and %s: choose one (the file's header gives shape, dtype and offset)", strings.Join(o, ", "))
		}
		return explainSafetensors(stdout, *stArg)
	}
	if *itemsize <= 0 {
		return usagef("explain: -itemsize %d: want a positive size in bytes", *itemsize)
	}
	if *length < 0 {
		return usagef("explain: -len %d: want a length in elements", *length)
	}
	unit := "bytes"
	if *elements {
		unit = "elements"
	}
	contraction := *einsum != "" || *matmul
	if contraction {
		if *einsum != "" && *matmul {
			return usagef("explain: -einsum and -matmul: choose one")
		}
		if o := others("einsum", "matmul", "itemsize", "elements",
			"a-shape", "a-strides", "a-offset", "b-shape", "b-strides", "b-offset", "c-shape", "c-strides", "c-offset"); len(o) > 0 {
			return usagef("explain: %s apply to one operand, not to -einsum or -matmul (use -a-shape, -a-strides, … )", strings.Join(o, ", "))
		}
		ct := bench.Contraction{Spec: *einsum}
		var shapes [3][]int
		for t, p := range []*bench.ArrayOperand{&ct.A, &ct.B, &ct.C} {
			name := "abc"[t : t+1]
			if *ops[t].shape == "" {
				if t < 2 {
					return usagef("explain: -%s-shape is required with -einsum and -matmul", name)
				}
				sh, err := resultShape(*einsum, shapes[0], shapes[1])
				if err != nil {
					return usagef("explain: give -c-shape: %v", err)
				}
				if set["c-strides"] || set["c-offset"] {
					return usagef("explain: -c-strides and -c-offset need -c-shape")
				}
				*p = bench.ArrayOperand{Source: "the result's shape", Shape: sh, ItemSize: *itemsize}
				continue
			}
			op, err := arrayOperand("-"+name+"-", *ops[t].shape, *ops[t].strides, *ops[t].offset, *itemsize, *elements)
			if err != nil {
				return err
			}
			op.Source = ""
			*p = op
			shapes[t] = op.Shape
		}
		return bench.ExplainContraction(stdout, ct)
	}
	for t, name := range []string{"a", "b", "c"} {
		if *ops[t].shape != "" || *ops[t].strides != "" || set[name+"-offset"] {
			return usagef("explain: -%s-shape, -%s-strides and -%s-offset need -einsum SPEC or -matmul", name, name, name)
		}
	}
	if *shape == "" {
		return usagef("explain: -shape is required (or -npy FILE.npy, -npz FILE.npz:NAME, -safetensors FILE:NAME, -einsum SPEC, -matmul)")
	}
	sh, err := parseTuple(*shape)
	if err != nil {
		return usagef("explain: -shape: %v", err)
	}
	if len(sh) != 2 {
		op, err := arrayOperand("-", *shape, *strides, *offset, *itemsize, *elements)
		if err != nil {
			return err
		}
		op.Len = *length
		return bench.ExplainArray(stdout, op)
	}
	var st []int
	if *strides == "" {
		st = []int{sh[1], 1}
		if !*elements {
			st = []int{sh[1] * *itemsize, *itemsize}
		}
	} else if st, err = parseTuple(*strides); err != nil {
		return usagef("explain: -strides: %v", err)
	}
	off := *offset
	var l adapter.Layout
	if *elements {
		if len(st) != 2 {
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

// arrayOperand reads one N-d array's flags (named with prefix, "-a-" or
// "-"): its shape, its strides (C order when empty) and offset in bytes,
// or in elements when elements.
func arrayOperand(prefix, shape, strides string, offset, itemsize int, elements bool) (bench.ArrayOperand, error) {
	sh, err := parseTuple(shape)
	if err != nil {
		return bench.ArrayOperand{}, usagef("explain: %sshape: %v", prefix, err)
	}
	for _, n := range sh {
		if n <= 0 {
			return bench.ArrayOperand{}, usagef("explain: %sshape %s: dimensions must be positive", prefix, tuple(sh))
		}
	}
	unit := "bytes"
	if elements {
		unit = "elements"
	}
	op := bench.ArrayOperand{Shape: sh, Offset: offset, ItemSize: itemsize}
	desc := "C order"
	if strides != "" {
		st, err := parseTuple(strides)
		if err != nil {
			return bench.ArrayOperand{}, usagef("explain: %sstrides: %v", prefix, err)
		}
		if len(st) != len(sh) {
			return bench.ArrayOperand{}, usagef("explain: %sstrides %s: %d strides for %d dimensions", prefix, tuple(st), len(st), len(sh))
		}
		desc = fmt.Sprintf("strides %s %s", tuple(st), unit)
		if !elements {
			for k, s := range st {
				if s%itemsize != 0 {
					return bench.ArrayOperand{}, usagef("explain: %sstrides: %v: stride %d bytes on axis %d, item size %d", prefix, adapter.ErrMisaligned, s, k, itemsize)
				}
				st[k] = s / itemsize
			}
		}
		op.Strides = st
	}
	if !elements {
		if offset%itemsize != 0 {
			return bench.ArrayOperand{}, usagef("explain: %soffset: %v: %d bytes, item size %d", prefix, adapter.ErrMisaligned, offset, itemsize)
		}
		op.Offset = offset / itemsize
	}
	op.Source = fmt.Sprintf("shape %s, %s, offset %d %s", tuple(sh), desc, offset, unit)
	return op, nil
}

// resultShape returns the shape of the result of the einsum spec, or of
// NumPy's matmul when spec is "", on inputs of shapes sa and sb. Einsum
// specs must name every axis by a letter (no "..."); an implicit output is
// the letters that appear once, in alphabetical order.
func resultShape(spec string, sa, sb []int) ([]int, error) {
	if spec == "" {
		ra, rb := len(sa), len(sb)
		if ra == 0 || rb == 0 {
			return nil, fmt.Errorf("matmul of shapes %s and %s", tuple(sa), tuple(sb))
		}
		batchA, batchB := sa[:max(ra-2, 0)], sb[:max(rb-2, 0)]
		var out []int
		for i := range max(len(batchA), len(batchB)) {
			x, y := 1, 1
			if j := i - max(len(batchA), len(batchB)) + len(batchA); j >= 0 {
				x = batchA[j]
			}
			if j := i - max(len(batchA), len(batchB)) + len(batchB); j >= 0 {
				y = batchB[j]
			}
			if x != y && x != 1 && y != 1 {
				return nil, fmt.Errorf("matmul: batch axes of %s and %s do not broadcast", tuple(sa), tuple(sb))
			}
			out = append(out, max(x, y))
		}
		if ra >= 2 {
			out = append(out, sa[ra-2])
		}
		if rb >= 2 {
			out = append(out, sb[rb-1])
		}
		return out, nil
	}
	s := strings.ReplaceAll(spec, " ", "")
	if strings.Contains(s, "...") {
		return nil, fmt.Errorf("%q has an ellipsis", spec)
	}
	lhs, rhs, explicit := strings.Cut(s, "->")
	terms := strings.Split(lhs, ",")
	if len(terms) != 2 {
		return nil, fmt.Errorf("%q: want two inputs", spec)
	}
	n := map[rune]int{}
	count := map[rune]int{}
	for t, shape := range [][]int{sa, sb} {
		labels := []rune(terms[t])
		if len(labels) != len(shape) {
			return nil, fmt.Errorf("%q names %d axes of input %d, which has shape %s", spec, len(labels), t, tuple(shape))
		}
		for k, l := range labels {
			n[l] = max(n[l], shape[k])
			count[l]++
		}
	}
	if !explicit {
		var ls []rune
		for l, c := range count {
			if c == 1 {
				ls = append(ls, l)
			}
		}
		slices.Sort(ls)
		rhs = string(ls)
	}
	var out []int
	for _, l := range rhs {
		m, ok := n[l]
		if !ok {
			return nil, fmt.Errorf("%q: output label %c is in no input", spec, l)
		}
		out = append(out, m)
	}
	return out, nil
}

// explainNpy explains the array of the .npy file at path, of either float
// width and any rank, as Open lays it out.
func explainNpy(w io.Writer, path string) error {
	f, err := npy.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	return explainNpyFile(w, path, npySource(path, f), f)
}

// explainNpyFile explains the array of the open file f, named name in
// errors, with source as the first line.
func explainNpyFile(w io.Writer, name, source string, f *npy.File) error {
	op := bench.ArrayOperand{Source: source, ItemSize: f.Header().ItemSize()}
	if op.ItemSize == 4 {
		a, err := f.Array32()
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		op.Shape, op.Strides, op.Offset, op.Len = a.Shape, a.Strides, a.Offset, len(a.Data)
	} else {
		a, err := f.Array()
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		op.Shape, op.Strides, op.Offset, op.Len = a.Shape, a.Strides, a.Offset, len(a.Data)
	}
	return explainTensor(w, name, op)
}

// explainTensor explains an array read from a file: as a matrix when it
// has at most two dimensions (a 0-d array is 1×1 and a 1-D array of n
// elements n×1, as Gonum's vectors are), with the GEMM and GEMV plans
// blasbridge makes for it; as an N-d array otherwise.
func explainTensor(w io.Writer, name string, op bench.ArrayOperand) error {
	for _, n := range op.Shape {
		if n == 0 {
			return fmt.Errorf("%s: shape %s holds no elements: there is no layout to explain", name, tuple(op.Shape))
		}
	}
	var l adapter.Layout
	switch len(op.Shape) {
	case 0:
		l = adapter.Layout{Rows: 1, Cols: 1, RowStride: 1, ColStride: 1, Offset: op.Offset}
	case 1:
		l = adapter.Layout{Rows: op.Shape[0], Cols: 1, RowStride: op.Strides[0], ColStride: 1, Offset: op.Offset}
	case 2:
		l = adapter.Layout{Rows: op.Shape[0], Cols: op.Shape[1], RowStride: op.Strides[0], ColStride: op.Strides[1], Offset: op.Offset}
	default:
		return bench.ExplainArray(w, op)
	}
	return bench.Explain(w, bench.Operand{Source: op.Source, Layout: l, ItemSize: op.ItemSize, Len: op.Len})
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
