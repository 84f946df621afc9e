// Package editor holds the ways a secret's value is edited: KV, a key/value
// editor for JSON objects with masked values; Text, a text area for plain
// strings; and External, the operator's $EDITOR on a private file. Summarize
// and Validate prepare the confirmation shown before a new version is
// saved.
//
// KV and Text report the operator's decision with SubmitMsg or CancelMsg;
// External with SavedMsg, CancelledMsg or ErrorMsg. None of them writes to
// the store.
package editor
