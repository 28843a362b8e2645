package npy

import (
	"archive/zip"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"unicode/utf8"
)

// ArchiveWriter writes a .npz archive that np.load reads, one .npy member
// at a time, each written with Write, Write32, WriteArray or WriteData (or
// any writer of .npy files) into the writer Create returns:
//
//	aw := npy.NewArchiveWriter(w, false)
//	m, err := aw.Create("a") // the member "a.npy"
//	err = npy.Write(m, s)
//	err = aw.Close()          // the central directory; w is not closed
//
// Without compression (np.savez's format), every member is aligned so its
// data starts at a multiple of 64 bytes in the archive when its .npy
// header is a multiple of 64 bytes long, as NumPy's and this package's
// are: OpenArchive then maps it in place, whatever its type. The local
// header of each stored member carries, for the padding, an extra field
// of ID 0xD935: the one Android's zipalign uses, which zip readers skip,
// holding the alignment (64) as a little-endian uint16 and then zero
// bytes. Offsets count from the first byte written to w, which should be
// the start of the file. With compression (np.savez_compressed's format),
// members are deflated and not aligned: reading one copies it anyway.
//
// The archive is written in a stream, with no seeking: sizes and CRC-32
// follow each member in a data descriptor. Its timestamps are zero, so the
// same arrays make the same bytes.
type ArchiveWriter struct {
	cw       countingWriter
	zw       *zip.Writer
	compress bool
	member   *memberWriter // the open member, or nil
	names    map[string]bool
	err      error
}

// NewArchiveWriter returns an ArchiveWriter writing to w, with every
// member deflated if compress is true and stored otherwise.
func NewArchiveWriter(w io.Writer, compress bool) *ArchiveWriter {
	aw := &ArchiveWriter{cw: countingWriter{w: w}, compress: compress, names: make(map[string]bool)}
	aw.zw = zip.NewWriter(&aw.cw)
	return aw
}

// archiveAlign is the alignment of a stored member's bytes in the archive,
// and zipalignID the extra field that pads its local header to it.
const (
	archiveAlign = 64
	zipalignID   = 0xD935
	// localHeaderLen is the fixed part of a zip local file header.
	localHeaderLen = 30
)

// Create starts the member name+".npy" and returns the writer its .npy
// file is to be written to, until the next Create or Close. name must be
// UTF-8 and not used before in the archive; np.load lists it as name.
// Errors wrap ErrArchive, or are w's.
func (aw *ArchiveWriter) Create(name string) (io.Writer, error) {
	if aw.err != nil {
		return nil, aw.err
	}
	if !utf8.ValidString(name) {
		return nil, fmt.Errorf("%w: name %q is not UTF-8", ErrArchive, name)
	}
	if aw.names[name] {
		return nil, fmt.Errorf("%w: name %q used twice", ErrArchive, name)
	}
	file := name + ".npy"
	if len(file) > 1<<16-1 {
		return nil, fmt.Errorf("%w: name of %d bytes is longer than zip allows", ErrArchive, len(name))
	}
	fh := &zip.FileHeader{Name: file, Method: zip.Deflate}
	if !aw.compress {
		fh.Method = zip.Store
		// Where the local header will start: after the bytes written so
		// far and the data descriptor of the open member, which
		// CreateHeader ends.
		if err := aw.zw.Flush(); err != nil {
			return nil, aw.fail(err)
		}
		start := aw.cw.n + aw.descriptorLen()
		// The extra field holds its ID, its length and the alignment, then
		// the padding.
		end := start + localHeaderLen + int64(len(file)) + 6
		pad := (archiveAlign - end%archiveAlign) % archiveAlign
		extra := make([]byte, 6+pad)
		binary.LittleEndian.PutUint16(extra, zipalignID)
		binary.LittleEndian.PutUint16(extra[2:], uint16(2+pad))
		binary.LittleEndian.PutUint16(extra[4:], archiveAlign)
		fh.Extra = extra
	}
	zm, err := aw.zw.CreateHeader(fh)
	if err != nil {
		return nil, aw.fail(err)
	}
	if !aw.compress {
		// Check the prediction: the data must start aligned.
		if err := aw.zw.Flush(); err != nil {
			return nil, aw.fail(err)
		}
		if aw.cw.n%archiveAlign != 0 {
			return nil, aw.fail(fmt.Errorf("npy: internal error: member %q starts at offset %d, not a multiple of %d", file, aw.cw.n, archiveAlign))
		}
	}
	aw.names[name] = true
	aw.member = &memberWriter{w: zm}
	return aw.member, nil
}

// descriptorLen returns the length of the data descriptor archive/zip
// writes after the open stored member: 24 bytes in zip64 form, when its
// size does not fit 32 bits, and 16 otherwise.
func (aw *ArchiveWriter) descriptorLen() int64 {
	switch {
	case aw.member == nil:
		return 0
	case aw.member.n >= 1<<32-1:
		return 24
	}
	return 16
}

// Close finishes the open member and writes the central directory. It
// does not close the underlying writer.
func (aw *ArchiveWriter) Close() error {
	if aw.err != nil {
		return aw.err
	}
	if err := aw.zw.Close(); err != nil {
		return aw.fail(err)
	}
	aw.err = errors.New("npy: ArchiveWriter already closed")
	return nil
}

// fail records err: an archive that failed part-way stays failed.
func (aw *ArchiveWriter) fail(err error) error {
	aw.err = err
	return err
}

// countingWriter counts the bytes written through it: the archive offset.
type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

// memberWriter counts a member's uncompressed bytes.
type memberWriter struct {
	w io.Writer
	n int64
}

func (m *memberWriter) Write(p []byte) (int, error) {
	n, err := m.w.Write(p)
	m.n += int64(n)
	return n, err
}
