//go:build unix

package local

import (
	"path/filepath"
	"syscall"
)

// fileWritable reports whether the store file and its directory (where
// SQLite keeps its write-ahead log) can be written: false on a read-only
// filesystem or mount, for root too.
func fileWritable(path string) bool {
	return syscall.Access(path, wOK) == nil && syscall.Access(filepath.Dir(path), wOK) == nil
}

// wOK is access(2)'s W_OK, the same on every Unix.
const wOK = 2
