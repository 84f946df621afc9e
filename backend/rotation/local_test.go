package rotation_test

import (
	"testing"

	"github.com/secretary-sh/secretary/backend"
	"github.com/secretary-sh/secretary/backend/local"
	"github.com/secretary-sh/secretary/backend/local/localtest"
)

// newLocalStore creates an embedded store in a temporary directory.
func newLocalStore(t *testing.T) backend.Backend {
	t.Helper()
	return localtest.NewStoreWith(t, local.Options{Actor: "rotation-test"})
}
