// Package builtin assembles the rotation functions secretary ships: the
// registry a program passes to the embedded store (local.Options.Rotation).
// It lives apart from package rotation because the database functions pull
// in their drivers, and apart from the store because the database
// functions' tests run on the store.
package builtin

import (
	"github.com/secretary-sh/secretary/backend/rotation"
	"github.com/secretary-sh/secretary/backend/rotation/dbrotate"
)

// Registry returns the rotation functions: "password",
// "postgres-single-user", "postgres-alternating-users",
// "mysql-single-user", "mysql-alternating-users" and, only when execDirs
// names at least one directory, "exec:PATH" for programs inside those
// directories. exec runs programs with the secret's values on their stdin,
// so it is off unless the operator names where trusted rotators live.
func Registry(execDirs []string) *rotation.Registry {
	r := rotation.NewRegistry()
	var dirs []string // nil keeps exec off; an empty list would allow any path
	for _, d := range execDirs {
		if d != "" {
			dirs = append(dirs, d)
		}
	}
	rotation.RegisterBuiltins(r, dirs)
	dbrotate.Register(r)
	return r
}
