//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly

package safetensors

import (
	"os"
	"syscall"
)

// mapFile maps the first size bytes of fd privately: pages are shared with
// the page cache until written, and a write copies its page, so writes never
// reach the file (np.load's mmap_mode='c').
func mapFile(fd *os.File, size int) ([]byte, error) {
	return syscall.Mmap(int(fd.Fd()), 0, size, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_PRIVATE)
}

func unmap(b []byte) error { return syscall.Munmap(b) }
