package backend

// TODO(semantics): implement AWS's ListSecrets filter matching.

// MatchFilters reports whether a secret passes every filter (filters AND
// together; values within one filter OR; "!" negates).
func MatchFilters(m *SecretMetadata, filters []Filter) bool { return true }

// SplitWords splits s the way AWS does for the "all" and "description"
// filters: on case changes, letter/digit boundaries and punctuation.
func SplitWords(s string) []string { return nil }
