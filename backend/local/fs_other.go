//go:build !unix

package local

import "os"

// fileWritable reports whether the store file can be opened for writing.
func fileWritable(path string) bool {
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return false
	}
	f.Close()
	return true
}
