package backend

// TODO(semantics): implement with crypto/rand and AWS's rules.

// RandomPassword generates a password as GetRandomPassword does. Both stores
// use it; validation errors carry AWS's exception names.
func RandomPassword(in *GetRandomPasswordInput) (string, error) { return "", nil }
