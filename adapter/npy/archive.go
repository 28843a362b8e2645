package npy

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/strider-go/strider/internal/mapfile"
)

// Errors returned for .npz archives, in addition to the .npy errors of the
// members they hold.
var (
	// ErrArchive: the .npz file is not a zip archive strider can read: a
	// damaged or truncated central directory, a member whose sizes or
	// offset do not fit the file, a compressed member claiming more than
	// deflate can produce, a failed checksum, an unsupported compression
	// method, an encrypted member, a repeated name, or a name that is not
	// UTF-8.
	ErrArchive = errors.New("npy: malformed .npz archive")
	// ErrNotFound: the archive holds no array of the name asked for.
	ErrNotFound = errors.New("npy: no such array in the archive")
)

// maxDeflateRatio is the most bytes one byte of a deflate stream can expand
// to: a 258-byte match coded in two bits. A member claiming more (plus
// deflateSlack for a stream's first bytes and block headers) lies about its
// size, and is rejected before anything of that size is allocated.
const (
	maxDeflateRatio = 1032
	deflateSlack    = 1 << 10
)

// Archive is an open .npz file: the zip archive np.savez and
// np.savez_compressed write, holding one .npy file per array. OpenArchive
// maps the whole archive once; the arrays it holds are opened with Open.
// Open and Names may be called concurrently, but not with Close.
type Archive struct {
	path    string
	data    []byte // the whole archive: mapped, or read where mapping is unavailable
	release func() error
	names   []string // the arrays, in archive order
	members map[string]member
	closed  bool
}

// member is one .npy file of an archive, checked to lie inside it.
type member struct {
	zf     *zip.File
	offset int64 // where the member's bytes start in Archive.data
	size   int64 // the stored (compressed) size, CompressedSize64
	stored bool  // Method 0: the .npy bytes are data[offset : offset+size]
}

// OpenArchive opens the .npz file at path: np.savez and np.savez_compressed
// output, or ArchiveWriter's. It maps the whole file copy-on-write once and
// checks the zip central directory: every .npy member must be stored
// (np.savez) or deflated (np.savez_compressed), unencrypted, with sizes and
// an offset that fit the file, and a deflated member may not claim more
// than deflate can produce from its compressed size. No name may appear
// twice or be invalid UTF-8. Members whose names do not end in ".npy" are
// ignored after their names are checked: Names does not list them and Open
// does not find them (np.load returns them as raw bytes). Errors wrap
// ErrArchive (and archive/zip's ErrFormat, ErrAlgorithm or ErrChecksum
// where one applies). Where mapping is unavailable, OpenArchive reads the
// file into memory once, and members are used in place in that copy as
// they would be in the mapping.
//
// The arrays are opened with Open, which checks each .npy header. Call
// Close when done with the archive and every File opened from it: Close
// unmaps the archive, after which no view of a member it mapped may be
// used (see Open).
func OpenArchive(path string) (*Archive, error) {
	data, _, release, err := mapfile.Open(path)
	if errors.Is(err, mapfile.ErrTooLarge) {
		return nil, fmt.Errorf("%s: %w: %w", path, ErrArchive, err)
	}
	if err != nil {
		return nil, err
	}
	a, err := newArchive(data, release)
	if err != nil {
		release()
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	a.path = path
	return a, nil
}

// newArchive reads the zip archive data, which stays the archive's memory
// until Close calls release.
func newArchive(data []byte, release func() error) (*Archive, error) {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil && !errors.Is(err, zip.ErrInsecurePath) {
		// Names are only keys here, never paths: "../a.npy" is as good as
		// any, as it is to np.load.
		return nil, fmt.Errorf("%w: %w", ErrArchive, err)
	}
	a := &Archive{data: data, release: release, members: make(map[string]member)}
	seen := make(map[string]bool, len(zr.File))
	for _, zf := range zr.File {
		name := zf.Name
		if !utf8.ValidString(name) {
			return nil, fmt.Errorf("%w: member name %q is not UTF-8", ErrArchive, name)
		}
		if seen[name] {
			return nil, fmt.Errorf("%w: member name %q appears twice", ErrArchive, name)
		}
		seen[name] = true
		key, ok := strings.CutSuffix(name, ".npy")
		if !ok {
			continue
		}
		m, err := checkMember(zf, int64(len(data)))
		if err != nil {
			return nil, fmt.Errorf("%w: member %q: %w", ErrArchive, name, err)
		}
		a.names = append(a.names, key)
		a.members[key] = m
	}
	return a, nil
}

// checkMember checks that the member zf lies inside an archive of size
// bytes and claims sizes its compression method can honour, and returns
// where its bytes are. Its errors are wrapped in ErrArchive by the caller.
func checkMember(zf *zip.File, size int64) (member, error) {
	if zf.Flags&0x1 != 0 {
		return member{}, errors.New("encrypted")
	}
	c, u := zf.CompressedSize64, zf.UncompressedSize64
	switch zf.Method {
	case zip.Store:
		if c != u {
			return member{}, fmt.Errorf("stored, but its compressed size %d differs from its size %d", c, u)
		}
	case zip.Deflate:
		if u > maxDeflateRatio*min(c, uint64(size))+deflateSlack {
			return member{}, fmt.Errorf("%d bytes deflated cannot hold the %d it claims", c, u)
		}
		if u > uint64(maxInt) {
			return member{}, fmt.Errorf("claims %d bytes", u)
		}
	default:
		return member{}, fmt.Errorf("%w: compression method %d (only 0, stored, and 8, deflated, are read)", zip.ErrAlgorithm, zf.Method)
	}
	// DataOffset reads the local header (its signature checked) to find
	// where the bytes start; they must end inside the file.
	off, err := zf.DataOffset()
	if err != nil {
		return member{}, fmt.Errorf("local header: %w", err)
	}
	if off < 0 || off > size || c > uint64(size-off) {
		return member{}, fmt.Errorf("%d bytes at offset %d lie outside the %d-byte file", c, off, size)
	}
	return member{zf: zf, offset: off, size: int64(c), stored: zf.Method == zip.Store}, nil
}

// Names returns the names of the arrays in the archive, in archive order:
// the names of its ".npy" members without that suffix, as np.load's
// NpzFile.files lists them ("arr_0" for np.savez's positional arrays),
// without the other members NpzFile.files also lists. It is a fresh slice.
func (a *Archive) Names() []string { return append([]string(nil), a.names...) }

// Open opens the array name (without ".npy") and checks its .npy header as
// the package-level Open does, returning its errors, ErrNotFound for a
// name Names does not list, and ErrClosed after Close.
//
// A stored member (np.savez, or ArchiveWriter without compression) is a
// window of the archive's mapping: its data is used in place, without a
// copy, when it is in the host's byte order and aligned in memory for its
// type. ArchiveWriter aligns every member so; np.savez does not (a
// member's data starts wherever the zip headers before it end), so a
// NumPy-written member is often read into Go memory instead, and Copied
// reports true. A deflated member (np.savez_compressed) is decompressed,
// its size and CRC-32 checked, into Go memory, and Copied reports true.
// The CRC-32 of a stored member is not checked: that would read every page
// of the data Open exists not to read.
//
// Files from one Archive share its mapping, and so do two Files of the
// same member: a write through a view of one is seen by the other (never
// by the file on disk). File.Close does not unmap anything; Archive.Close
// does. A view of a member that was not Copied must not be used after
// Archive.Close, even if its File is still open: its memory is gone, and
// reading it crashes the program. Copied data is Go memory and survives.
// Copy what must outlive the archive (Convert, mat.DenseCopyOf).
func (a *Archive) Open(name string) (*File, error) {
	if a.closed {
		return nil, ErrClosed
	}
	m, ok := a.members[name]
	if !ok {
		return nil, a.errorf(name, fmt.Errorf("%w (the archive has %d arrays)", ErrNotFound, len(a.names)))
	}
	var b []byte
	if m.stored {
		b = a.data[m.offset : m.offset+m.size : m.offset+m.size]
	} else {
		var err error
		if b, err = inflate(m.zf); err != nil {
			return nil, a.errorf(name, fmt.Errorf("%w: %w", ErrArchive, err))
		}
	}
	f, err := newFile(bytes.NewReader(b), int64(len(b)), func(int) ([]byte, func() error, error) {
		return b, func() error { return nil }, nil
	})
	if err != nil {
		return nil, a.errorf(name, err)
	}
	if !m.stored {
		f.copied = true
	}
	return f, nil
}

// MemberInfo is where an array lies in an archive, as its zip directory
// says.
type MemberInfo struct {
	// Stored is true for a member np.savez wrote (zip method 0, not
	// compressed): its .npy bytes lie in the archive as they are.
	Stored bool
	// Offset is the archive byte where the member's bytes start, and Size
	// how many there are in the archive (compressed, when deflated).
	Offset, Size int64
	// NpySize is the size of the member's .npy file, inflated.
	NpySize int64
}

// Member describes the array name of the archive (Names lists them), or
// returns an error wrapping ErrNotFound. It works after Close.
func (a *Archive) Member(name string) (MemberInfo, error) {
	m, ok := a.members[name]
	if !ok {
		return MemberInfo{}, a.errorf(name, fmt.Errorf("%w (the archive has %d arrays)", ErrNotFound, len(a.names)))
	}
	return MemberInfo{Stored: m.stored, Offset: m.offset, Size: m.size, NpySize: int64(m.zf.UncompressedSize64)}, nil
}

// inflate decompresses the deflated member zf into memory allocated once
// at the size it claims (checkMember bounded it), and checks that the
// stream holds exactly that many bytes, with the CRC-32 the archive
// records.
func inflate(zf *zip.File) ([]byte, error) {
	rc, err := zf.Open()
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	b := make([]byte, zf.UncompressedSize64)
	if n, err := io.ReadFull(rc, b); err != nil {
		if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
			err = fmt.Errorf("decompressed %d of the %d bytes it claims", n, len(b))
		}
		return nil, err
	}
	// The CRC is checked, and a longer stream refused, when the reader
	// reaches the end.
	var one [1]byte
	switch n, err := rc.Read(one[:]); {
	case n > 0 || errors.Is(err, zip.ErrFormat):
		return nil, fmt.Errorf("decompresses to more than the %d bytes it claims", len(b))
	case err != io.EOF:
		return nil, err
	}
	return b, nil
}

func (a *Archive) errorf(name string, err error) error {
	if a.path == "" {
		return fmt.Errorf("member %q: %w", name, err)
	}
	return fmt.Errorf("%s: member %q: %w", a.path, name, err)
}

// Close unmaps the archive. Every view of a member it mapped (a File that
// is not Copied, and what was made from it) must not be used afterwards,
// whether or not its File was closed. Close is idempotent; Open returns
// ErrClosed after it, while Names still answers.
func (a *Archive) Close() error {
	if a.closed {
		return nil
	}
	a.closed = true
	a.data, a.members = nil, nil
	return a.release()
}
