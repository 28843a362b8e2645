//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly

package mapfile

import (
	"os"
	"syscall"
)

// Map maps the first size bytes of fd privately: pages are shared with the
// page cache until written, and a write copies its page, so writes never
// reach the file.
func Map(fd *os.File, size int) ([]byte, error) {
	return syscall.Mmap(int(fd.Fd()), 0, size, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_PRIVATE)
}

// Unmap unmaps what Map mapped.
func Unmap(b []byte) error { return syscall.Munmap(b) }
