package blueprint

import "crypto/rand"

// SuffixLength is the length of the suffixes NewSuffix returns.
const SuffixLength = 8

const suffixAlphabet = "abcdefghijklmnopqrstuvwxyz0123456789"

// NewSuffix returns a random name suffix for a blueprint run: SuffixLength
// lower-case letters and digits from crypto/rand (about 41 bits), drawn
// without modulo bias. The layout library appends it to every job and
// crawler name as "_<suffix>", so runs of the same blueprint do not collide.
func NewSuffix() string {
	out := make([]byte, 0, SuffixLength)
	var buf [2 * SuffixLength]byte
	for len(out) < SuffixLength {
		_, _ = rand.Read(buf[:]) // never fails (crypto/rand, Go 1.24+)
		for _, c := range buf {
			// 252 = 7*36: rejecting larger bytes keeps every symbol equally likely.
			if c < 252 && len(out) < SuffixLength {
				out = append(out, suffixAlphabet[c%36])
			}
		}
	}
	return string(out)
}
