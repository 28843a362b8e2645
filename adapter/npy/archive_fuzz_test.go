package npy

import (
	"archive/zip"
	"bytes"
	"errors"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/strider-go/strider/adapter"
	"github.com/strider-go/strider/internal/fixture"
)

// archiveErrors are the errors a rejected archive or member must wrap.
var archiveErrors = []error{ErrArchive, ErrMagic, ErrVersion, ErrHeader, ErrDtype, ErrTruncated, ErrSize}

func wrapsArchiveError(err error) bool {
	for _, s := range archiveErrors {
		if errors.Is(err, s) {
			return true
		}
	}
	return false
}

// FuzzArchive feeds arbitrary bytes to the archive reader as a mapped .npz
// would be. Nothing may panic or allocate what the input merely claims; a
// rejected archive or member wraps a sentinel; every member that opens
// reads the same header and values as an independent read through
// archive/zip and the copying path of newFile, twice over.
func FuzzArchive(f *testing.F) {
	for _, pattern := range []string{"npz/*.npz", "npz/bad/*.npz", "npz/fromgo/*.npz"} {
		paths, err := filepath.Glob(fixture.Path(pattern))
		if err != nil {
			f.Fatal(err)
		}
		for _, p := range paths {
			b, err := os.ReadFile(p)
			if err != nil {
				f.Fatal(err)
			}
			// Small seeds only: the fuzzer minimizes each new input it
			// finds, for up to a minute when the input is large.
			if len(b) <= 1<<10 {
				f.Add(b)
			}
		}
	}
	// Tiny archives ArchiveWriter writes: a stored and a deflated one.
	for _, compress := range []bool{false, true} {
		var buf bytes.Buffer
		aw := NewArchiveWriter(&buf, compress)
		w, err := aw.Create("a")
		if err == nil {
			err = Write(w, adapter.Strided{Data: []float64{1, 2, 3, 4}, Layout: adapter.Layout{Rows: 2, Cols: 2, RowStride: 1, ColStride: 2}})
		}
		if err == nil {
			w, err = aw.Create("b")
		}
		if err == nil {
			err = Write32(w, adapter.Strided32{Data: []float32{5, 6, 7}, Layout: adapter.Layout{Rows: 3, Cols: 1, RowStride: 1, ColStride: 1}})
		}
		if err == nil {
			err = aw.Close()
		}
		if err != nil {
			f.Fatal(err)
		}
		f.Add(buf.Bytes())
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		a, err := newArchive(b, func() error { return nil })
		if err != nil {
			if !errors.Is(err, ErrArchive) {
				t.Fatalf("OpenArchive: error %v does not wrap ErrArchive", err)
			}
			return
		}
		names := a.Names()
		if len(names) != len(a.members) {
			t.Fatalf("%d names, %d members", len(names), len(a.members))
		}
		zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
		if err != nil && !errors.Is(err, zip.ErrInsecurePath) {
			t.Fatalf("archive/zip rejects what newArchive accepted: %v", err)
		}
		for _, name := range names {
			f1, err := a.Open(name)
			if err != nil {
				if !wrapsArchiveError(err) {
					t.Fatalf("Open(%q): error %v wraps no sentinel", name, err)
				}
				continue
			}
			f2, err := a.Open(name)
			if err != nil {
				t.Fatalf("Open(%q) succeeded, then failed: %v", name, err)
			}
			// The member's bytes as archive/zip reads them, decoded by
			// newFile's copying path.
			var raw []byte
			for _, zf := range zr.File {
				if zf.Name == name+".npy" {
					if zf.Method == zip.Store {
						// Stored members' CRCs and data descriptors are
						// not read: the bytes are where the local header
						// says.
						off, err := zf.DataOffset()
						if err != nil {
							t.Fatalf("%s: archive/zip: %v", name, err)
						}
						raw = b[off : off+int64(zf.CompressedSize64)]
						break
					}
					rc, err := zf.Open()
					if err != nil {
						t.Fatalf("%s: archive/zip: %v", name, err)
					}
					raw, err = io.ReadAll(io.LimitReader(rc, int64(zf.UncompressedSize64)+1))
					rc.Close()
					if err != nil {
						t.Fatalf("%s: archive/zip: %v", name, err)
					}
					break
				}
			}
			want, err := newFile(bytes.NewReader(raw), int64(len(raw)), nil)
			if err != nil {
				t.Fatalf("%s: opened, but its bytes do not: %v", name, err)
			}
			for _, got := range []*File{f1, f2} {
				sameFile(t, name, got, want)
			}
			f1.Close()
			f2.Close()
		}
		if err := a.Close(); err != nil {
			t.Fatal(err)
		}
		if len(names) > 0 {
			if _, err := a.Open(names[0]); !errors.Is(err, ErrClosed) {
				t.Fatalf("Open after Close: %v", err)
			}
		}
	})
}

// sameFile checks that got has want's header and bit-identical elements,
// of any dtype.
func sameFile(t *testing.T, name string, got, want *File) {
	t.Helper()
	gh, wh := got.Header(), want.Header()
	if gh.Dtype != wh.Dtype || gh.FortranOrder != wh.FortranOrder || !slices.Equal(gh.Shape, wh.Shape) || gh.DataOffset != wh.DataOffset {
		t.Fatalf("%s: header %+v, want %+v", name, gh, wh)
	}
	if !bytes.Equal(got.data, want.data) {
		t.Fatalf("%s: elements differ from archive/zip's read", name)
	}
	if gh.ItemSize() == 8 && gh.Dtype[1] == 'f' {
		x, err1 := got.Array()
		y, err2 := want.Array()
		if err1 != nil || err2 != nil {
			t.Fatalf("%s: Array: %v, %v", name, err1, err2)
		}
		if !slices.EqualFunc(x.Data, y.Data, func(p, q float64) bool { return math.Float64bits(p) == math.Float64bits(q) }) {
			t.Fatalf("%s: Array elements differ from archive/zip's read", name)
		}
	}
}
