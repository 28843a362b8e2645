package npy

import (
	"fmt"
	"os"
)

// Load reads the .npy file at path into Go memory, as np.load does without
// mmap_mode: the safe default. Nothing is mapped; the data is read once,
// converted to the host's byte order, and Copied reports true. Views of a
// loaded File (Get, Data, Strided, Matrix, CDense and what is made from
// them) are ordinary Go memory: they stay valid for as long as they are
// referenced, after Close too, and writes through them reach nothing else.
//
// Close is optional for a loaded File: there is nothing to unmap, and the
// garbage collector frees the data once no view refers to it. Close only
// marks the File closed, after which its accessors return ErrClosed (views
// already handed out keep working).
//
// Load checks the file as Open does and returns the same errors. It
// allocates the data only after the header's shape has been checked
// against the file's real size, so a lying header cannot make it allocate
// more than the file holds. Use Open instead to map a large file without
// copying it, and mind the lifetime rule that comes with it.
func Load(path string) (*File, error) {
	fd, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer fd.Close()
	st, err := fd.Stat()
	if err != nil {
		return nil, err
	}
	f, err := newFile(fd, st.Size(), nil)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	f.copied = true // an empty array too: nothing of it is mapped
	return f, nil
}
