package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"

	"github.com/strider-go/strider/adapter/npy"
	"github.com/strider-go/strider/adapter/safetensors"
	"github.com/strider-go/strider/bench"
)

// splitFileName splits the argument of -flag, FILE:NAME, at the last ':'
// whose prefix is an existing file (not a directory), so that a path or a
// tensor name may contain ':' as long as the split stays unambiguous. An
// argument that is itself an existing file has no NAME. When no prefix
// exists, the error is the one for the prefix before the last ':' (or for
// the whole argument, which has none): a missing file, not a usage error.
func splitFileName(flag, arg string) (path, name string, err error) {
	isFile := func(p string) bool {
		fi, err := os.Stat(p)
		return err == nil && !fi.IsDir()
	}
	if strings.HasPrefix(arg, ":") {
		return "", "", usagef("explain: -%s %q: want FILE:NAME, and FILE is empty", flag, arg)
	}
	if isFile(arg) {
		return arg, "", nil
	}
	for i := strings.LastIndexByte(arg, ':'); i > 0; i = strings.LastIndexByte(arg[:i], ':') {
		if isFile(arg[:i]) {
			return arg[:i], arg[i+1:], nil
		}
	}
	path = arg
	if i := strings.LastIndexByte(arg, ':'); i > 0 {
		path = arg[:i]
	}
	fi, err := os.Stat(path)
	if err != nil {
		return "", "", err
	}
	if fi.IsDir() {
		return "", "", usagef("explain: -%s %q: %s is a directory; want FILE:NAME", flag, arg, path)
	}
	return "", "", fmt.Errorf("explain: -%s %q: %s is not a regular file", flag, arg, path) // unreachable unless the file just appeared
}

// maxListed is how many names an error lists before it counts the rest.
const maxListed = 20

// listNames returns names sorted, quoted where a name is empty or holds a
// separator, the first maxListed of them, and a count of the others.
func listNames(names []string, what string) string {
	names = slices.Sorted(slices.Values(names))
	if len(names) == 0 {
		return "it holds no " + what + "s"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "it holds %s: ", plural(len(names), what))
	for i, n := range names[:min(len(names), maxListed)] {
		if i > 0 {
			b.WriteString(", ")
		}
		if n == "" || strings.ContainsAny(n, ", \"") || strconv.Quote(n) != `"`+n+`"` {
			n = strconv.Quote(n)
		}
		b.WriteString(n)
	}
	if len(names) > maxListed {
		fmt.Fprintf(&b, ", … and %d more", len(names)-maxListed)
	}
	return b.String()
}

func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return strconv.Itoa(n) + " " + what + "s"
}

// explainSafetensors explains the tensor FILE:NAME of a safetensors file:
// where its bytes lie, their order and alignment, what Get (or Convert)
// makes of them, and then the array as explainTensor does.
func explainSafetensors(w io.Writer, arg string) error {
	path, name, err := splitFileName("safetensors", arg)
	if err != nil {
		return err
	}
	f, err := safetensors.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	if name == "" && !slices.Contains(f.Names(), "") {
		return fmt.Errorf("explain: -safetensors %s: name a tensor, as %s:NAME; %s", arg, path, listNames(f.Names(), "tensor"))
	}
	t, err := f.Info(name)
	if err != nil {
		return fmt.Errorf("explain: %s holds no tensor %q; %s", path, name, listNames(f.Names(), "tensor"))
	}
	start := f.BufferStart()

	var pre bytes.Buffer // what precedes the array's explanation, written once
	b, e := t.DataOffsets[0], t.DataOffsets[1]
	fmt.Fprintf(&pre, "file: %s: safetensors, %s; an 8-byte length, a %d-byte JSON header, then the byte buffer from file byte %d\n",
		path, plural(len(f.Names()), "tensor"), start-8, start)
	fmt.Fprintf(&pre, "tensor %q: %s, shape %s, %s of %s\n", name, t.Dtype, tuple(t.Shape), plural(t.Len(), "element"), plural(t.ItemSize, "byte"))
	if b == e {
		fmt.Fprintf(&pre, "  bytes:   none (at byte %d of the byte buffer)\n", b)
	} else {
		fmt.Fprintf(&pre, "  bytes:   %d..%d of the byte buffer: file bytes %d..%d\n", b, e-1, start+b, start+e-1)
	}
	strides := cStrides(t.Shape)
	byteStrides := make([]int, len(strides))
	for k, s := range strides {
		byteStrides[k] = s * t.ItemSize
	}
	fmt.Fprintf(&pre, "  order:   C, as the format stores every tensor (last index fastest): strides %s elements, %s bytes, offset 0\n",
		tuple(strides), tuple(byteStrides))
	if t.Len() == 0 {
		pre.WriteString("  empty:   a dimension is 0, so the tensor has no elements, Get returns an array with no data, and there is no layout to explain\n")
		_, err := w.Write(pre.Bytes())
		return err
	}
	aligned := (start+b)%t.ItemSize == 0
	if aligned {
		fmt.Fprintf(&pre, "  aligned: yes: file byte %d is a multiple of %d, and a mapping starts on a page\n", start+b, t.ItemSize)
	} else {
		fmt.Fprintf(&pre, "  aligned: no: file byte %d is not a multiple of %d (the reference writer pads the header so that it would be)\n", start+b, t.ItemSize)
	}

	op := bench.ArrayOperand{ItemSize: t.ItemSize}
	switch t.Dtype {
	case "F64", "F32":
		var how string
		switch {
		case !f.Copied(name):
			how = fmt.Sprintf("in place: a view of the file's mapping, nothing copied (the byte offsets below count from file byte %d)", start+b)
		case !aligned:
			how = fmt.Sprintf("as a copy: the first Get copies its %d bytes into Go memory, since they are not aligned; later Gets share that copy", t.Len()*t.ItemSize)
		default:
			how = "as a copy: Open read the whole file into Go memory (no memory mapping here), or the host is big-endian"
		}
		var call string
		if t.Dtype == "F32" {
			a, err := safetensors.Get[float32](f, name)
			if err != nil {
				return err
			}
			op.Shape, op.Strides, op.Offset, op.Len = a.Shape, a.Strides, a.Offset, len(a.Data)
			call = "Get[float32]"
		} else {
			a, err := safetensors.Get[float64](f, name)
			if err != nil {
				return err
			}
			op.Shape, op.Strides, op.Offset, op.Len = a.Shape, a.Strides, a.Offset, len(a.Data)
			call = "Get[float64]"
		}
		fmt.Fprintf(&pre, "  Get:     %s returns it %s\n", call, how)
		op.Source = fmt.Sprintf("%s:%s as %s returns it (%s, %s)", path, name, call, t.Dtype, strings.Split(how, ":")[0])
	case "F8_E4M3", "F8_E5M2":
		fmt.Fprintf(&pre, "  Get:     none: neither Get nor Convert reads the 8-bit float %s, so there is no array to explain\n", t.Dtype)
		_, err := w.Write(pre.Bytes())
		return err
	default:
		// Convert makes a fresh C-order copy; float32 holds 8- and 16-bit
		// types exactly, and float64 the 32-bit integers that float32 would
		// round.
		call, size := "Convert[float32]", 4
		switch t.Dtype {
		case "I32", "U32", "I64", "U64":
			call, size = "Convert[float64]", 8
		}
		fmt.Fprintf(&pre, "  Get:     none for %s (Get reads F64 and F32 in place); %s copies and converts it into a fresh C-order array of %d bytes, explained below\n",
			t.Dtype, call, t.Len()*size)
		op = bench.ArrayOperand{Shape: t.Shape, Strides: strides, ItemSize: size, Len: t.Len()}
		op.Source = fmt.Sprintf("%s:%s as %s returns it (%s converted, a copy)", path, name, call, t.Dtype)
	}
	pre.WriteString("\n")
	if _, err := w.Write(pre.Bytes()); err != nil {
		return err
	}
	return explainTensor(w, path+":"+name, op)
}

// cStrides returns the C-order element strides of shape: each the product
// of the dimensions after it.
func cStrides(shape []int) []int {
	st := make([]int, len(shape))
	s := 1
	for k := len(shape) - 1; k >= 0; k-- {
		st[k] = s
		s *= max(shape[k], 1)
	}
	return st
}

// explainNpz explains the array FILE.npz:NAME of an np.savez archive: how
// the member is stored, whether Open uses it in place or copies it, and
// then the array as -npy does. A missing NAME is the only array of an
// archive that holds one.
func explainNpz(w io.Writer, arg string) error {
	path, name, err := splitFileName("npz", arg)
	if err != nil {
		return err
	}
	a, err := npy.OpenArchive(path)
	if err != nil {
		return err
	}
	defer a.Close()
	names := a.Names()
	if name == "" && !slices.Contains(names, "") {
		if len(names) != 1 {
			return fmt.Errorf("explain: -npz %s: name an array, as %s:NAME; %s", arg, path, listNames(names, "array"))
		}
		name = names[0]
	}
	f, err := a.Open(name)
	if errors.Is(err, npy.ErrNotFound) {
		return fmt.Errorf("explain: %s holds no array %q; %s", path, name, listNames(names, "array"))
	}
	if err != nil {
		return err
	}
	defer f.Close()
	h := f.Header()

	var pre bytes.Buffer
	fmt.Fprintf(&pre, "archive: %s: npz, %s\n", path, plural(len(names), "array"))
	fmt.Fprintf(&pre, "member %q: %s\n", name+".npy", npyDesc(h))
	zi, err := a.Member(name)
	if err != nil {
		return err
	}
	first := -1 // the archive byte of the data, when stored
	switch {
	case zi.Stored:
		first = int(zi.Offset + h.DataOffset)
		fmt.Fprintf(&pre, "  stored:  not compressed (as np.savez writes), archive bytes %d..%d; its data from archive byte %d (byte %d of the .npy)\n",
			zi.Offset, zi.Offset+zi.Size-1, first, h.DataOffset)
		if first%h.ItemSize() == 0 {
			fmt.Fprintf(&pre, "  aligned: yes: archive byte %d is a multiple of %d, and the mapping starts on a page\n", first, h.ItemSize())
		} else {
			fmt.Fprintf(&pre, "  aligned: no: archive byte %d is not a multiple of %d (np.savez does not align members; npy.ArchiveWriter does)\n", first, h.ItemSize())
		}
	default:
		fmt.Fprintf(&pre, "  deflated: as np.savez_compressed writes, %d bytes in the archive for a %d-byte .npy, its data from byte %d of the .npy\n",
			zi.Size, zi.NpySize, h.DataOffset)
	}
	how := "in place: a window of the archive's mapping, nothing copied"
	switch {
	case !f.Copied():
		if first >= 0 {
			how += fmt.Sprintf(" (the byte offsets below count from archive byte %d)", first)
		}
	case !zi.Stored:
		how = "a copy: Open inflated the member into Go memory"
		if strings.HasPrefix(h.Dtype, ">") {
			how += " and converted its big-endian data"
		}
	case first >= 0 && first%h.ItemSize() != 0:
		how = "a copy: Open read the member into Go memory, since its data is not aligned"
	case strings.HasPrefix(h.Dtype, ">"):
		how = "a copy: Open converted the big-endian data into Go memory"
	default:
		how = "a copy: Open read it into Go memory (no memory mapping here)"
	}
	fmt.Fprintf(&pre, "  Open:    %s\n\n", how)
	if _, err := w.Write(pre.Bytes()); err != nil {
		return err
	}
	source := fmt.Sprintf("%s:%s: %s, %s", path, name, npyDesc(h), strings.Split(how, ":")[0])
	return explainNpyFile(w, path+":"+name, source, f)
}
