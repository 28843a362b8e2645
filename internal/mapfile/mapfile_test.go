package mapfile

import (
	"os"
	"path/filepath"
	"testing"
	"unsafe"
)

// Open maps a file: its bytes are the file's, a write through them stays
// private (the file is unchanged), and an empty file gives no data.
func TestOpen(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "f")
	want := []byte("0123456789abcdef")
	if err := os.WriteFile(path, want, 0o600); err != nil {
		t.Fatal(err)
	}
	data, mapped, release, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	if string(data) != string(want) || !mapped {
		t.Fatalf("got %q mapped %v", data, mapped)
	}
	data[0] = 'X'
	if got, _ := os.ReadFile(path); string(got) != string(want) {
		t.Errorf("a write through the mapping reached the file: %q", got)
	}
	if err := release(); err != nil {
		t.Fatal(err)
	}
	empty := filepath.Join(dir, "e")
	if err := os.WriteFile(empty, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if data, _, release, err := Open(empty); err != nil || data != nil || release() != nil {
		t.Errorf("empty file: %v %v", data, err)
	}
	if _, _, _, err := Open(filepath.Join(dir, "missing")); !os.IsNotExist(err) {
		t.Errorf("missing file: %v", err)
	}
}

func TestAlignedBytes(t *testing.T) {
	for _, n := range []int{1, 7, 8, 9, 1000} {
		b := AlignedBytes(n)
		if len(b) != n || uintptr(unsafe.Pointer(&b[0]))%8 != 0 {
			t.Errorf("AlignedBytes(%d): len %d at %p", n, len(b), &b[0])
		}
	}
	if AlignedBytes(0) != nil {
		t.Error("AlignedBytes(0) is not nil")
	}
}
