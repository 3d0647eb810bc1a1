package glue

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
)

// NewID returns a random identifier in Glue's style: prefix, an underscore
// and 64 hex digits (for example "wr_…" for workflow runs, "jr_…" for job
// runs).
func NewID(prefix string) string {
	var b [32]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails on supported platforms
	return prefix + "_" + hex.EncodeToString(b[:])
}

// stableID derives a Glue-style identifier from parts, so the same parts
// always give the same id.
func stableID(prefix string, parts ...string) string {
	h := sha256.New()
	for _, p := range parts {
		h.Write([]byte(p))
		h.Write([]byte{0})
	}
	return prefix + "_" + hex.EncodeToString(h.Sum(nil))
}

// NewUUID returns a random identifier in the 8-4-4-4-12 hex form AWS uses
// for event and blueprint run ids.
func NewUUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	h := hex.EncodeToString(b[:])
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
}
