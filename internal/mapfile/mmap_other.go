//go:build !(linux || darwin || freebsd || netbsd || openbsd || dragonfly)

package mapfile

import (
	"errors"
	"os"
)

// Map is not available here: callers read the file into Go memory instead.
func Map(*os.File, int) ([]byte, error) { return nil, errors.ErrUnsupported }

// Unmap does nothing where Map is not available.
func Unmap([]byte) error { return nil }
